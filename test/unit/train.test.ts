import * as assert from 'assert';
import { Network } from '../../src/core/nn/network';
import { Trainer } from '../../src/core/nn/train';
import { measuredStep, train } from '../../src/core/trainingRun';
import { clipGradients, totalGradNorm } from '../../src/core/nn/clip';
import { Dataset, NetworkSpec, TrainingSpec } from '../../src/core/format/spec';
import { assertClose } from './helpers';
import { heapBytesPerCall } from '../../bench/heapGrowth';

const XOR: Dataset = {
  samples: 4,
  inputSize: 2,
  targetSize: 1,
  inputs: Float64Array.from([0, 0, 0, 1, 1, 0, 1, 1]),
  targets: Float64Array.from([0, 1, 1, 0]),
};

function xorSpec(training: Partial<TrainingSpec> = {}): NetworkSpec {
  return {
    name: 'xor',
    seed: 1,
    input: 2,
    loss: 'mse',
    layers: [
      { name: 'hidden', units: 4, activation: { type: 'tanh' }, init: { type: 'xavier' } },
      { name: 'out', units: 1, activation: { type: 'sigmoid' }, init: { type: 'xavier' } },
    ],
    data: { kind: 'inline', inputs: [], targets: [] },
    training: { optimizer: 'sgd', learningRate: 0.5, momentum: 0.9, steps: 10, shuffle: false, ...training },
  };
}

suite('training', () => {
  test('XOR: full-batch SGD lowers the loss at every step for 200 steps', () => {
    const spec = xorSpec({ learningRate: 0.5 });
    const history = train(spec, Network.fromSpec(spec), XOR, 200);
    for (let i = 1; i < history.length; i++) {
      assert.ok(history[i].loss < history[i - 1].loss, `step ${i}: ${history[i].loss} ≥ ${history[i - 1].loss}`);
    }
  });

  test('XOR is learned with Adam (loss < 0.01 within 1000 steps)', () => {
    const spec = xorSpec({ optimizer: 'adam', learningRate: 0.05 });
    const history = train(spec, Network.fromSpec(spec), XOR, 1000);
    assert.ok(history[history.length - 1].loss < 0.01, `final loss ${history[history.length - 1].loss}`);
  });

  test('one SGD step is exactly w ← w − lr·∂E/∂w', () => {
    const spec = xorSpec({ learningRate: 0.3 });
    const net = Network.fromSpec(spec);
    const reference = net.clone();
    reference.lossAndGradients(XOR.inputs, XOR.targets, 4);
    measuredStep(new Trainer(spec, net, XOR));
    net.layers.forEach((l, li) => {
      const r = reference.layers[li];
      l.weights.forEach((w, i) => assert.strictEqual(w, r.weights[i] - 0.3 * r.gradWeights[i]));
      l.bias.forEach((b, i) => assert.strictEqual(b, r.bias[i] - 0.3 * r.gradBias[i]));
    });
  });

  test('records are measured before the update and the step counter advances', () => {
    const spec = xorSpec();
    const net = Network.fromSpec(spec);
    const lossBefore = net.clone().lossValue(XOR.inputs, XOR.targets, 4);
    const trainer = new Trainer(spec, net, XOR);
    const r0 = measuredStep(trainer);
    assert.strictEqual(r0.step, 0);
    assert.strictEqual(r0.loss, lossBefore);
    assert.strictEqual(r0.gradNorms.length, 2);
    assert.strictEqual(r0.activationPercentiles[0].length, 5);
    assert.strictEqual(measuredStep(trainer).step, 1);
  });

  test('minibatches follow data order and cycle, the last one of a pass smaller (torch DataLoader)', () => {
    const spec = xorSpec({ batchSize: 3, learningRate: 0 });
    const trainer = new Trainer(spec, Network.fromSpec(spec), XOR);
    const seen: number[][] = [];
    const net = trainer.network;
    const original = net.lossAndGradients.bind(net);
    net.lossAndGradients = (x, t, batch) => {
      seen.push(Array.from(t.subarray(0, batch)));
      return original(x, t, batch);
    };
    for (let i = 0; i < 4; i++) quietStep(trainer);
    assert.deepStrictEqual(seen, [[0, 1, 1], [0], [0, 1, 1], [0]]);
  });

  test('shuffling is seeded: same seed, same trajectory', () => {
    const spec = xorSpec({ batchSize: 2, shuffle: true });
    const a = train(spec, Network.fromSpec(spec), XOR, 20).map((r) => r.loss);
    const b = train(spec, Network.fromSpec(spec), XOR, 20).map((r) => r.loss);
    assert.deepStrictEqual(a, b);
  });

  test('onStep returning false stops training and keeps the state reached', () => {
    const spec = xorSpec();
    const history = train(spec, Network.fromSpec(spec), XOR, 50, (r) => r.step < 4);
    assert.strictEqual(history.length, 5);
  });

  test('clip norm scales all gradients jointly to max_norm/(‖g‖+1e-6); clip value clamps', () => {
    const spec = xorSpec();
    const net = Network.fromSpec(spec);
    net.lossAndGradients(XOR.inputs, XOR.targets, 4);
    const before = totalGradNorm(net.layers);
    const copy = Float64Array.from(net.layers[0].gradWeights);
    const returned = clipGradients(net.layers, { norm: before / 4 });
    assert.strictEqual(returned, before);
    assertClose(totalGradNorm(net.layers), (before / 4) * (before / (before + 1e-6)), 1e-12, 'clipped norm');
    assertClose(net.layers[0].gradWeights[0], copy[0] * (before / 4 / (before + 1e-6)), 1e-14, 'scaled entry');
    clipGradients(net.layers, { value: 1e-4 });
    for (const l of net.layers) for (const g of l.gradWeights) assert.ok(Math.abs(g) <= 1e-4);
  });
});

suite('training step memory', () => {
  // The hot loop reuses every buffer. What remains are floats boxed where a call returns one without being inlined
  // (the loss, 16 bytes each: 16–80 bytes a step measured, by what the JIT inlines), below the bound of 128;
  // one batch-sized buffer (16 samples × 4 units) would add 512 bytes and more.
  const samples = 256;
  const data: Dataset = {
    samples,
    inputSize: 2,
    targetSize: 1,
    inputs: Float64Array.from({ length: 2 * samples }, (_, i) => Math.sin(i)),
    targets: Float64Array.from({ length: samples }, (_, i) => i % 2),
  };
  for (const [title, training] of [
    ['full-batch SGD', { optimizer: 'sgd' }],
    [
      'shuffled minibatches, Adam, clipping by norm',
      { optimizer: 'adam', shuffle: true, batchSize: 16, clip: { norm: 1 } },
    ],
    [
      'momentum, a smaller last batch, clipping by value',
      { optimizer: 'momentum', batchSize: 100, clip: { value: 0.5 } },
    ],
  ] as const) {
    test(`${title}: a training step allocates no buffers (heap growth < 128 bytes a step)`, () => {
      const spec = xorSpec(training);
      const trainer = new Trainer(spec, Network.fromSpec(spec), data);
      for (let i = 0; i < 20000; i++) quietStep(trainer); // let the JIT settle
      // the least of three medians: a buffer allocated every step shows in all three, while a late JIT tier-up
      // landing in one measurement (it allocates on the heap too, more so on a loaded 2-core machine) does not
      const bytes = Math.min(...[1, 2, 3].map(() => heapBytesPerCall(() => quietStep(trainer))));
      assert.ok(bytes < 128, `${bytes} bytes a step`);
    });
  }

  test('the measure sees one small buffer a step (the control for the tests above)', () => {
    const spec = xorSpec({ optimizer: 'sgd', batchSize: 16 });
    const trainer = new Trainer(spec, Network.fromSpec(spec), data);
    let sink = 0;
    const leaky = (): void => {
      quietStep(trainer);
      sink += new Float64Array(16).length;
    };
    for (let i = 0; i < 20000; i++) leaky();
    assert.ok(Math.min(...[1, 2, 3].map(() => heapBytesPerCall(leaky))) >= 128);
    assert.ok(sink > 0);
  });
});

/** The hot loop's step: gradients, then the update, with nothing measured. */
function quietStep(trainer: Trainer): void {
  trainer.gradients();
  trainer.update();
}
