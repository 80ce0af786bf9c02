import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Network } from '../../src/core/nn/network';
import { Trainer } from '../../src/core/nn/train';
import { measuredStep, train } from '../../src/core/trainingRun';
import { clipGradients, totalGradNorm } from '../../src/core/nn/clip';
import { Dataset, TrainingSpec } from '../../src/core/format/spec';
import { assertClose, xorSpec } from './helpers';

const XOR: Dataset = {
  samples: 4,
  inputSize: 2,
  targetSize: 1,
  inputs: Float64Array.from([0, 0, 0, 1, 1, 0, 1, 1]),
  targets: Float64Array.from([0, 1, 1, 0]),
};

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
    for (let i = 0; i < 4; i++) {
      trainer.gradients();
      trainer.update();
    }
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
      const bytes = stepHeapBytesInFreshProcess(training, false);
      assert.ok(bytes < 128, `${bytes} bytes a step`);
    });
  }

  test('the measure sees one small buffer a step (the control for the tests above)', () => {
    assert.ok(stepHeapBytesInFreshProcess({ optimizer: 'sgd', batchSize: 16 }, true) >= 128);
  });
});

/**
 * Heap growth per training step, measured by stepHeapProbe.js in a Node process of its own: the JIT state that the
 * other test files leave behind in this process inlines the step's calls differently in some runs (144 bytes a step,
 * nine boxed floats, in about one full run in four), which says nothing about the step itself.
 */
function stepHeapBytesInFreshProcess(training: Partial<TrainingSpec>, leak: boolean): number {
  const probe = path.join(__dirname, 'stepHeapProbe.js');
  const r = spawnSync(process.execPath, [probe, JSON.stringify({ training, leak })], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return Number(r.stdout);
}
