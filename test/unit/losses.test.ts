import * as assert from 'assert';
import { LOSSES } from '../../src/core/nn/losses';
import { applyActivation, ACTIVATIONS } from '../../src/core/nn/activations';
import { LOSS_NAMES } from '../../src/core/format/spec';
import { assertClose } from './helpers';

const Y = Float64Array.from([0.2, 0.7, 0.1, 0.45, 0.35, 0.2]);
const T = Float64Array.from([0, 1, 0, 0.5, 0.25, 0.25]);

suite('losses', () => {
  for (const name of LOSS_NAMES) {
    test(`${name}: ∂E/∂y agrees with a central difference of E`, () => {
      const loss = LOSSES[name];
      const grad = new Float64Array(6);
      loss.grad(Y, T, 2, 3, grad);
      for (let i = 0; i < 6; i++) {
        const h = 1e-7;
        const plus = Float64Array.from(Y);
        plus[i] += h;
        const minus = Float64Array.from(Y);
        minus[i] -= h;
        const numeric = (loss.value(plus, T, 2, 3) - loss.value(minus, T, 2, 3)) / (2 * h);
        assertClose(grad[i], numeric, 1e-6, `${name} ∂E/∂y[${i}]`);
      }
    });
  }

  test('reductions match PyTorch: mse is the mean over all elements, half_sse ½Σ per sample averaged', () => {
    const y = Float64Array.from([1, 2, 3, 4]);
    const t = Float64Array.from([0, 0, 0, 0]);
    assert.strictEqual(LOSSES.mse.value(y, t, 2, 2), (1 + 4 + 9 + 16) / 4);
    assert.strictEqual(LOSSES.half_sse.value(y, t, 2, 2), (0.5 * (1 + 4 + 9 + 16)) / 2);
  });

  test('binary cross-entropy clamps log(0) at −100 like torch.nn.BCELoss', () => {
    const v = LOSSES.binary_cross_entropy.value(Float64Array.from([0]), Float64Array.from([1]), 1, 1);
    assert.strictEqual(v, 100);
  });

  test('fused softmax cross-entropy: value from logits equals −Σ t log softmax, gradient is y − t', () => {
    const z = Float64Array.from([2, -1, 0.5, 0.1, 0.2, 3]);
    const y = new Float64Array(6);
    applyActivation(ACTIVATIONS.softmax, z, y, new Float64Array(6), 2, 3);
    const oneHot = Float64Array.from([1, 0, 0, 0, 0, 1]);
    const fused = LOSSES.cross_entropy.fused!;
    assertClose(fused.value(z, oneHot, 2, 3), LOSSES.cross_entropy.value(y, oneHot, 2, 3), 1e-14, 'loss');
    const gz = new Float64Array(6);
    fused.gradPre(y, oneHot, 2, 3, gz);
    for (let i = 0; i < 6; i++) assertClose(gz[i], (y[i] - oneHot[i]) / 2, 1e-15, `gz[${i}]`);
    // stable where softmax underflows: a logit gap of 1000 still gives a finite loss
    assert.ok(Number.isFinite(fused.value(Float64Array.from([1000, 0]), Float64Array.from([0, 1]), 1, 2)));
  });
});
