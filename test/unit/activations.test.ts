import * as assert from 'assert';
import { ACTIVATIONS, activationBackward, applyActivation, getActivation, tanh } from '../../src/core/nn/activations';
import { createRng } from '../../src/core/nn/rng';
import { ACTIVATION_NAMES } from '../../src/core/format/activationFacts';
import { assertClose, centralDifference } from './helpers';

/** Points away from every kink (0) and past softplus's threshold (20) on both sides. */
const POINTS = [-25, -7.5, -3, -1.2, -0.3, -1e-3, 2e-3, 0.4, 1.1, 2.5, 6, 19.5, 21, 30];

suite('activations', () => {
  test('tanh via expm1 stays within 3 ulp of Math.tanh, keeps the sign of zero, saturates exactly, and passes NaN', () => {
    const rng = createRng(11);
    for (let i = 0; i < 200000; i++) {
      const z = (rng.next() < 0.5 ? -1 : 1) * 10 ** (8 * rng.next() - 7); // 10⁻⁷ … 10
      const want = Math.tanh(z);
      assert.ok(Math.abs(tanh(z) - want) <= 3 * Number.EPSILON * Math.abs(want), `tanh(${z}) = ${tanh(z)} vs ${want}`);
    }
    for (const z of [19.9, 20, 20.1, 40, Infinity]) {
      assert.strictEqual(tanh(z), Math.tanh(z));
      assert.strictEqual(tanh(-z), Math.tanh(-z));
    }
    assert.ok(Object.is(tanh(-0), -0) && Object.is(tanh(0), 0));
    assert.strictEqual(tanh(1e-300), 1e-300);
    assert.ok(Number.isNaN(tanh(NaN)));
  });

  for (const name of ACTIVATION_NAMES.filter((n) => n !== 'softmax')) {
    test(`${name}: f'(z) agrees with a central difference of f`, () => {
      const act = ACTIVATIONS[name];
      for (const z of POINTS) {
        const numeric = centralDifference(act.output, z);
        // floor 1e-4: where f is flat its central difference is rounding noise of order ε·|f|/h ≈ 1e-10
        assertClose(act.der(z, act.output(z)), numeric, 1e-6, `${name}'(${z})`, 1e-4);
      }
    });
  }

  test("kinks follow PyTorch: relu'(0) = 0, leaky_relu'(0) = α, elu'(0) = α", () => {
    assert.strictEqual(ACTIVATIONS.relu.der(0, 0), 0);
    const leaky = getActivation({ type: 'leaky_relu', alpha: 0.2 });
    assert.strictEqual(leaky.der(0, 0), 0.2);
    assert.strictEqual(leaky.output(-2), -0.4);
    const elu = getActivation({ type: 'elu', alpha: 1.5 });
    assert.strictEqual(elu.der(0, 0), 1.5);
  });

  test("default alphas are PyTorch's (leaky 0.01, elu 1)", () => {
    assert.strictEqual(ACTIVATIONS.leaky_relu.alpha, 0.01);
    assert.strictEqual(ACTIVATIONS.elu.alpha, 1);
  });

  test("sigmoid' = σ(1−σ) and tanh' = 1−tanh² exactly as written", () => {
    const s = ACTIVATIONS.sigmoid.output(0.7);
    assert.strictEqual(ACTIVATIONS.sigmoid.der(0.7, s), s * (1 - s));
    const t = Math.tanh(-0.4);
    assert.strictEqual(ACTIVATIONS.tanh.der(-0.4, t), 1 - t * t);
  });

  test('gelu is the exact erf form: gelu(1) = Φ(1)', () => {
    assertClose(ACTIVATIONS.gelu.output(1), 0.8413447460685429, 1e-15, 'gelu(1)');
    assertClose(ACTIVATIONS.gelu.output(-3), -3 * 0.0013498980316300946, 1e-13, 'gelu(-3)');
  });

  test('sigmoid does not overflow for huge |z|', () => {
    assert.strictEqual(ACTIVATIONS.sigmoid.output(-1000), 0);
    assert.strictEqual(ACTIVATIONS.sigmoid.output(1000), 1);
  });

  test('softmax rows sum to 1, survive huge logits, and its backward is the Jacobian-vector product', () => {
    const act = ACTIVATIONS.softmax;
    const z = Float64Array.from([1000, 1001, 999, -2, 0.5, 3]);
    const a = new Float64Array(6);
    const d = new Float64Array(6);
    applyActivation(act, z, a, d, 2, 3);
    assertClose(a[0] + a[1] + a[2], 1, 1e-15, 'row 0 sum');
    assertClose(a[3] + a[4] + a[5], 1, 1e-15, 'row 1 sum');
    assert.ok(a.every(Number.isFinite));
    // backward vs central difference of L = Σ g·softmax(z) on row 1
    const g = Float64Array.from([0, 0, 0, 0.3, -1.2, 0.8]);
    const gz = new Float64Array(6);
    activationBackward(act, a, d, g, gz, 2, 3);
    for (let j = 3; j < 6; j++) {
      const f = (v: number): number => {
        const zz = Float64Array.from(z);
        zz[j] = v;
        const aa = new Float64Array(6);
        applyActivation(act, zz, aa, new Float64Array(6), 2, 3);
        return g[3] * aa[3] + g[4] * aa[4] + g[5] * aa[5];
      };
      assertClose(gz[j], centralDifference(f, z[j]), 1e-7, `∂L/∂z${j}`);
    }
  });
});
