import * as assert from 'assert';
import { Network } from '../../src/core/nn/network';
import { LossName, LOSS_NAMES, NetworkSpec } from '../../src/core/format/spec';
import { ACTIVATION_NAMES, ActivationName } from '../../src/core/format/activationFacts';
import { assertClose } from './helpers';
import { Kernels } from '../../src/core/kernels/workspace';

/** A 3-5-4-K network with every hidden layer of `hidden` and the loss's natural output activation. */
function makeSpec(hidden: ActivationName, loss: LossName, seed = 7): NetworkSpec {
  const outAct: ActivationName =
    loss === 'cross_entropy' ? 'softmax' : loss === 'binary_cross_entropy' ? 'sigmoid' : 'tanh';
  return {
    name: `${hidden}-${loss}`,
    seed,
    input: 3,
    loss,
    layers: [
      { name: 'h1', units: 5, activation: { type: hidden }, init: { type: 'normal', std: 0.7 } },
      { name: 'h2', units: 4, activation: { type: hidden }, init: { type: 'normal', std: 0.7 } },
      { name: 'out', units: 3, activation: { type: outAct }, init: { type: 'normal', std: 0.7 } },
    ],
    data: { kind: 'inline', inputs: [], targets: [] },
    training: { optimizer: 'sgd', learningRate: 0.1, momentum: 0.9, steps: 1, shuffle: false },
  };
}

const BATCH = 6;
const X = Float64Array.from({ length: BATCH * 3 }, (_, i) => 1.7 * Math.sin(1.3 * i + 0.4));
function targets(loss: LossName): Float64Array {
  return Float64Array.from({ length: BATCH * 3 }, (_, i) =>
    loss === 'cross_entropy' ? (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0) : 0.5 + 0.4 * Math.cos(2.1 * i),
  );
}

suite('network backpropagation', () => {
  for (const hidden of ACTIVATION_NAMES.filter((a) => a !== 'softmax')) {
    for (const loss of LOSS_NAMES) {
      test(`${hidden} hidden, ${loss}: every ∂E/∂W and ∂E/∂b equals a central difference`, () => {
        const net = Network.fromSpec(makeSpec(hidden, loss));
        // non-zero biases keep every z off the kinks at exactly 0
        net.layers.forEach((l, li) => l.bias.forEach((_, j) => (l.bias[j] = 0.25 * Math.sin(3 * j + li + 1))));
        const t = targets(loss);
        net.lossAndGradients(X, t, BATCH);
        for (const layer of net.layers) {
          for (const [param, grad] of [
            [layer.weights, Float64Array.from(layer.gradWeights)],
            [layer.bias, Float64Array.from(layer.gradBias)],
          ]) {
            for (let i = 0; i < param.length; i++) {
              const w = param[i];
              const h = 1e-6;
              param[i] = w + h;
              const up = net.lossValue(X, t, BATCH);
              param[i] = w - h;
              const down = net.lossValue(X, t, BATCH);
              param[i] = w;
              const numeric = (up - down) / (2 * h);
              // floor 1e-7: below that both values are finite-difference noise
              const err = Math.abs(numeric - grad[i]) / Math.max(Math.abs(numeric), Math.abs(grad[i]), 1e-7);
              assert.ok(err < 1e-5, `${layer.name}[${i}]: analytic ${grad[i]}, numeric ${numeric}, rel ${err}`);
            }
          }
        }
      });
    }
  }

  test('explicit weights use nn.Linear layout: z = W·x + b with row j feeding unit j', () => {
    const spec = makeSpec('linear', 'mse');
    const net = Network.fromSpec({
      ...spec,
      input: 2,
      layers: [
        {
          name: 'only',
          units: 2,
          activation: { type: 'linear' },
          init: { type: 'zeros' },
          weights: [
            [1, 2],
            [3, 4],
          ],
          bias: [0.5, -1],
        },
      ],
    });
    const y = net.forward(Float64Array.from([10, 100]), 1);
    assert.deepStrictEqual(Array.from(y), [1 * 10 + 2 * 100 + 0.5, 3 * 10 + 4 * 100 - 1]);
    assert.deepStrictEqual(net.parameters()[0].weights, [
      [1, 2],
      [3, 4],
    ]);
  });

  test('the same seed gives the same initial weights; another seed does not', () => {
    const a = Network.fromSpec(makeSpec('relu', 'mse', 1)).parameters();
    const b = Network.fromSpec(makeSpec('relu', 'mse', 1)).parameters();
    const c = Network.fromSpec(makeSpec('relu', 'mse', 2)).parameters();
    assert.deepStrictEqual(a, b);
    assert.notDeepStrictEqual(a, c);
  });

  test('clone copies parameters and is independent', () => {
    const net = Network.fromSpec(makeSpec('tanh', 'mse'));
    const copy = net.clone();
    assert.deepStrictEqual(copy.parameters(), net.parameters());
    copy.layers[0].weights[0] += 1;
    assert.notStrictEqual(copy.layers[0].weights[0], net.layers[0].weights[0]);
  });

  test('a batch larger than any before grows the buffers and gives the per-sample results', () => {
    const net = Network.fromSpec(makeSpec('silu', 'mse'));
    const single = Array.from(net.forward(X.subarray(0, 3), 1));
    const batched = Array.from(net.forward(X, BATCH)).slice(0, 3);
    single.forEach((v, i) => assertClose(batched[i], v, 1e-15, `output ${i}`));
  });

  test("inputs outside the network's memory are copied in afresh on every pass; the results match the TypeScript kernels", () => {
    const spec = makeSpec('tanh', 'mse');
    const plain = Network.fromSpec(spec, new Kernels('typescript'));
    const simd = Network.fromSpec(spec);
    assert.strictEqual(simd.workspace.simd, true);
    const x = Float64Array.from({ length: 12 }, (_, i) => Math.cos(i));
    const t = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i) / 2);
    for (let pass = 0; pass < 3; pass++) {
      x[pass] += 0.5; // the same array, changed: a stale copy would go unnoticed
      const e = simd.lossAndGradients(x, t, 4);
      assertClose(e, plain.lossAndGradients(x, t, 4), 1e-13, `E, pass ${pass}`);
      simd.layers.forEach((l, i) =>
        l.gradWeights.forEach((g, k) =>
          assertClose(g, plain.layers[i].gradWeights[k], 1e-13, `∂E/∂W of layer ${i}, entry ${k}`),
        ),
      );
    }
    const resident = simd.workspace.alloc(12);
    resident.set(x);
    assertClose(simd.lossValue(resident, t, 4), plain.lossValue(x, t, 4), 1e-13, 'E from a resident input');
    assertClose(
      simd.lossValue(x.subarray(0, 6), t, 2),
      plain.lossValue(x.subarray(0, 6), t, 2),
      1e-13,
      'E from a view of part of x',
    );
  });
});
