/** The look-ahead behind `learning_rate_too_high`: real steps tell a harmful rate from a large but harmless first step. */
import * as assert from 'assert';
import { analyze } from '../../src/core/analysis';
import { LookAhead, settles, tenthHelps, unstable } from '../../src/core/diagnosis/lookAhead';
import { loadNetwork } from '../../src/core/load';
import { LOOK_AHEAD_STEPS, runLookAhead } from '../../src/core/lookAheadRun';

/** A two-input network file with one hidden layer. */
function file(seed: number, hidden: object, out: object, loss: string, data: object, training: object): string {
  return JSON.stringify({ name: 'look-ahead', seed, input: 2, layers: [hidden, out], loss, data, training });
}

/** Plain SGD at 50 on an 8-unit tanh classifier: its first step is under the weights' size, then the loss blows up. */
const SGD_AT_50 = file(
  3841,
  { name: 'h', units: 8, activation: 'tanh' },
  { name: 'out', units: 1, activation: 'sigmoid' },
  'binary_cross_entropy',
  { generate: 'circle', samples: 100, noise: 0.05 },
  { optimizer: 'sgd', learningRate: 50, steps: 300 },
);

/** SGD at 0.3 on a leaky-ReLU regression of xor: a first step as large as the weights, and the loss falls to 0.07. */
const BRISK_BUT_STABLE = file(
  5120,
  { name: 'h1', units: 16, activation: { type: 'leaky_relu', alpha: 0.01 } },
  { name: 'out', units: 1, activation: 'linear' },
  'mse',
  { generate: 'xor', samples: 120, noise: 0.05 },
  { optimizer: 'sgd', learningRate: 0.3, steps: 500 },
);

const loaded = (text: string) => {
  const { loaded: l, problems } = loadNetwork(text);
  assert.ok(l, JSON.stringify(problems));
  return l;
};
const biggestStep = (text: string): number =>
  Math.max(...analyze(loaded(text)).layers.map((l) => l.gradients.updateRatio));

suite('look-ahead', () => {
  test('SGD at 50 whose first step is under the weights is caught: the loss rises, a tenth of the rate helps', () => {
    const big = biggestStep(SGD_AT_50);
    assert.ok(big > 0.1 && big < 1, `first step ${big}× the weights`);
    const w = analyze(loaded(SGD_AT_50)).warnings.find((x) => x.kind === 'learning_rate_too_high');
    assert.ok(w, 'no learning_rate_too_high');
    assert.strictEqual(w.severity, 'warning');
    assert.match(w.message, /in 20 sgd steps the loss rises from 0\.\d+ to \d+/);
    assert.match(w.cause, /20 real steps on 100 samples/);
    assert.strictEqual(w.fixes[0].actions[0].kind, 'set_learning_rate');
  });

  test('a first step as large as the weights on a network that then trains well: no learning-rate warning, no exploding error', () => {
    const big = biggestStep(BRISK_BUT_STABLE);
    assert.ok(big > 1, `first step ${big}× the weights`);
    const { spec, network, dataset } = loaded(BRISK_BUT_STABLE);
    const ahead = runLookAhead(spec, network, dataset);
    const report = analyze(loaded(BRISK_BUT_STABLE));
    assert.ok(
      settles(() => ahead, report.chanceLoss, spec.training),
      JSON.stringify(ahead),
    );
    const kinds = report.warnings.map((w) => w.kind);
    assert.ok(!kinds.includes('learning_rate_too_high') && !kinds.includes('exploding_gradient'), kinds.join(', '));
  });

  test('a run parked at the chance level, or one under momentum, never counts as settled', () => {
    const flat: LookAhead = { steps: 2, samples: 4, atRate: [1, 0.7, 0.69], atTenth: [1, 0.8, 0.7] };
    const sgd = loaded(BRISK_BUT_STABLE).spec.training;
    assert.ok(
      settles(() => flat, 1, sgd),
      'ends at 69% of chance',
    );
    assert.ok(!settles(() => flat, 0.7, sgd), 'ends at the chance level');
    assert.ok(
      !settles(() => assert.fail('run under momentum'), 1, { ...sgd, optimizer: 'momentum', momentum: 0.9 }),
      'momentum steps grow after 20 steps',
    );
  });

  test('runs are deterministic, cover every step, and read ∞ from a step that turned NaN on', () => {
    const l = loaded(SGD_AT_50);
    const a = runLookAhead(l.spec, l.network, l.dataset);
    const b = runLookAhead(l.spec, l.network, l.dataset);
    assert.deepStrictEqual(a, b);
    assert.strictEqual(a.atRate.length, LOOK_AHEAD_STEPS + 1);
    assert.strictEqual(a.atTenth.length, LOOK_AHEAD_STEPS + 1);
    assert.strictEqual(a.atRate[0], a.atTenth[0]);
    const blown: LookAhead = { steps: 3, samples: 4, atRate: [1, 5, Infinity, Infinity], atTenth: [1, 0.9, 0.8, 0.7] };
    assert.ok(unstable(blown) && tenthHelps(blown));
    const tenthBlown: LookAhead = { ...blown, atTenth: [1, Infinity, Infinity, Infinity] };
    assert.ok(!tenthHelps(tenthBlown), 'a tenth of the rate that blows up too helps nothing');
  });

  test('the look-ahead leaves the analysed network as it was', () => {
    const l = loaded(SGD_AT_50);
    const before = Array.from(l.network.layers[0].weights);
    analyze(l);
    assert.deepStrictEqual(Array.from(l.network.layers[0].weights), before);
  });
});
