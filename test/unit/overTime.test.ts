import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Network } from '../../src/core/nn/network';
import { OverTimeMonitor, diagnoseHistory } from '../../src/core/diagnosis/overTime';
import { DEFAULT_THRESHOLDS } from '../../src/core/diagnosis/thresholds';
import { StepRecord, Warning } from '../../src/core/diagnosis/report';
import { TrainingRun, train } from '../../src/core/trainingRun';
import { loadNetwork } from '../../src/core/load';
import { analyze } from '../../src/core/analysis';
import { runWarnings } from '../../src/core/diagnosis/warningOrder';
import { Dataset, InitSpec, NetworkSpec, TrainingSpec } from '../../src/core/format/spec';
import { ActivationName } from '../../src/core/format/activationFacts';
import { createRng } from '../../src/core/nn/rng';
import { quietTwoLayerStep } from './stepRecords';
import { runWarningsOf } from './trainedRuns';

/** Two Gaussian blobs in 2-D, labels 0/1, seeded. */
function blobs(n: number): Dataset {
  const rng = createRng(11);
  const inputs = new Float64Array(n * 2);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    inputs[2 * i] = (label ? 1.5 : -1.5) + 0.7 * rng.normal();
    inputs[2 * i + 1] = (label ? -1 : 1) + 0.7 * rng.normal();
    targets[i] = label;
  }
  return { samples: n, inputSize: 2, targetSize: 1, inputs, targets };
}

/** y = 5(x₁ − x₂) + 3 on standard-normal inputs: large targets for a ReLU regressor. */
function regression(n: number): Dataset {
  const rng = createRng(11);
  const inputs = new Float64Array(2 * n).map(() => rng.normal());
  const targets = Float64Array.from({ length: n }, (_, i) => 5 * (inputs[2 * i] - inputs[2 * i + 1]) + 3);
  return { samples: n, inputSize: 2, targetSize: 1, inputs, targets };
}

/** One ReLU hidden layer of 32 and a linear output, trained by full-batch SGD at `lr`. */
function reluRegressor(lr: number): NetworkSpec {
  const base = mlp('relu', 1, 32, { type: 'he' }, { learningRate: lr });
  return {
    ...base,
    layers: [base.layers[0], { name: 'out', units: 1, activation: { type: 'linear' }, init: { type: 'xavier' } }],
  };
}

/** A file's analysis at the start, its run over `steps` steps, the analysis at the end, and the run's warnings. */
function trainFile(text: string, steps: number) {
  const { loaded } = loadNetwork(text);
  const atStart = analyze(loaded!);
  const run = new TrainingRun(loaded!);
  run.advance(steps);
  const end = analyze(run.loaded);
  return { atStart, run, end, reported: runWarnings(run.warnings(), atStart, end) };
}

function mlp(
  hidden: ActivationName,
  depth: number,
  width: number,
  init: InitSpec,
  training: Partial<TrainingSpec>,
  loss: NetworkSpec['loss'] = 'mse',
): NetworkSpec {
  return {
    name: 'run',
    seed: 3,
    input: 2,
    loss,
    layers: [
      ...Array.from({ length: depth }, (_, i) => ({
        name: `h${i + 1}`,
        units: width,
        activation: { type: hidden },
        init,
      })),
      { name: 'out', units: 1, activation: { type: 'sigmoid' as const }, init: { type: 'xavier' as const } },
    ],
    data: { kind: 'inline', inputs: [], targets: [] },
    training: { optimizer: 'sgd', learningRate: 0.1, momentum: 0.9, steps: 100, shuffle: false, ...training },
  };
}

function run(spec: NetworkSpec, steps: number, data = blobs(64)) {
  const history = train(spec, Network.fromSpec(spec), data, steps);
  return { history, warnings: diagnoseHistory(spec, history) };
}

suite('diagnosis over time', () => {
  test('a healthy run raises nothing', () => {
    const { warnings } = run(mlp('tanh', 2, 8, { type: 'xavier' }, { learningRate: 0.5 }), 300);
    assert.deepStrictEqual(
      warnings.map((w) => w.kind),
      [],
    );
  });

  test('a learning rate that blows up: exploding first, then non_finite at the exact step the values overflowed', () => {
    const { history, warnings } = run(reluRegressor(0.3), 60, regression(64));
    const firstBad = history.findIndex(
      (r) => !Number.isFinite(r.loss) || r.activationPercentiles.some((p) => p.some((v) => !Number.isFinite(v))),
    );
    assert.ok(firstBad > 0, 'the constructed run must overflow');
    const nan = warnings.find((w) => w.kind === 'non_finite');
    assert.ok(nan, JSON.stringify(warnings.map((w) => w.kind)));
    assert.strictEqual(nan.firstStep, firstBad);
    const ex = warnings.find((w) => w.kind === 'exploding_gradient');
    assert.ok(ex && ex.firstStep !== undefined && ex.firstStep < firstBad, 'exploding must be seen before the NaN');
    assert.strictEqual(nan.fixes[0].actions[0].kind, 'set_learning_rate');
  });

  test('ReLU units that die during training are reported with the step they started dying', () => {
    const { history, warnings } = run(reluRegressor(0.1), 150, regression(64));
    const dead = warnings.find((w) => w.kind === 'dead_relu');
    assert.ok(dead, `dead fractions ${history[0].deadFractions[0]} → ${history[history.length - 1].deadFractions[0]}`);
    assert.strictEqual(dead.layer, 'h1');
    assert.ok(dead.firstStep !== undefined && dead.firstStep > 0);
    assert.ok(history[dead.firstStep].deadFractions[0] > history[0].deadFractions[0]);
    assert.strictEqual(dead.fixes[0].actions[0].kind, 'set_activation');
  });

  test('early sigmoid layers that never move while the last one learns: vanishing, starting at the deepest stalled layer', () => {
    const spec = mlp('sigmoid', 8, 16, { type: 'normal', std: 0.1 }, { learningRate: 0.1 });
    const { warnings } = run(spec, 60);
    const v = warnings.find((w) => w.kind === 'vanishing_gradient');
    assert.ok(v, JSON.stringify(warnings.map((w) => w.kind)));
    assert.ok(v.layerIndex >= 0 && v.layerIndex < 8);
    assert.deepStrictEqual(v.fixes[0].actions[0].kind, 'set_activation');
  });

  test('early tanh layers that stop moving because their units sit at the flat ends: saturated, not vanishing', () => {
    const spec = mlp('tanh', 2, 4, { type: 'xavier' }, {});
    /** Three layers: h1 and h2 stalled (update ratio 1e-9), the output learning; h1/h2 units saturated or not. */
    const history = (saturated: number): StepRecord[] =>
      Array.from({ length: 40 }, (_, step) => ({
        step,
        loss: 1 - step / 100,
        gradNorms: [1e-9, 1e-9, 0.1],
        updateRatios: [1e-9, 1e-9, 1e-2],
        deadFractions: [0, 0, 0],
        saturatedFractions: [step >= 5 ? saturated : 0, step >= 5 ? saturated : 0, 0],
        activationPercentiles: [0, 1, 2].map(() => [0, 0, 0, 0, 0]),
      }));
    const pinned = diagnoseHistory(spec, history(1));
    const s = pinned.find((w) => w.kind === 'saturated_activation');
    assert.ok(s, pinned.map((w) => w.kind).join(', '));
    assert.deepStrictEqual(s.layers, [0, 1]);
    assert.strictEqual(s.firstStep, 5);
    assert.match(s.cause, /h1 87\.5%, h2 87\.5%/);
    assert.ok(!pinned.some((w) => w.kind === 'vanishing_gradient'), 'the same layers named twice');
    assert.deepStrictEqual(
      s.fixes.map((f) => f.actions[0].kind),
      ['set_learning_rate', 'set_init', 'set_activation'],
    );
    const quiet = diagnoseHistory(spec, history(0));
    assert.ok(quiet.some((w) => w.kind === 'vanishing_gradient'));
    assert.ok(!quiet.some((w) => w.kind === 'saturated_activation'));
  });

  test('layers stalled below a saturated one get no gradient through it: named in its warning, not as vanishing', () => {
    const spec = mlp('tanh', 2, 4, { type: 'xavier' }, {});
    const history: StepRecord[] = Array.from({ length: 40 }, (_, step) => ({
      step,
      loss: 1 - step / 100,
      gradNorms: [1e-9, 1e-9, 0.1],
      updateRatios: [1e-9, 1e-9, 1e-2],
      deadFractions: [0, 0, 0],
      saturatedFractions: [0, 1, 0],
      activationPercentiles: [0, 1, 2].map(() => [0, 0, 0, 0, 0]),
    }));
    const warnings = diagnoseHistory(spec, history);
    assert.deepStrictEqual(
      warnings.map((w) => w.kind),
      ['saturated_activation'],
    );
    assert.deepStrictEqual(warnings[0].layers, [1]);
    assert.match(warnings[0].cause, /'h1' below gets none through it/);
    const deadAbove = diagnoseHistory(
      spec,
      history.map((r) => ({ ...r, saturatedFractions: [0, 0, 0], deadFractions: [0, 0.9, 0] })),
    );
    assert.ok(!deadAbove.some((w) => w.kind === 'vanishing_gradient'), "a dead layer is dead_relu's to report");
  });

  test('a tanh net whose weights a rate of 3 pushes out to the flat ends: over time saturated, not vanishing', () => {
    const text = JSON.stringify({
      name: 'tanh pushed out',
      seed: 9028,
      input: 2,
      layers: [
        { name: 'h1', units: 4, activation: 'tanh', init: { type: 'uniform', limit: 6 } },
        { name: 'h2', units: 4, activation: 'tanh', init: { type: 'uniform', limit: 6 } },
        { name: 'out', units: 1, activation: 'linear' },
      ],
      loss: 'mse',
      data: { generate: 'gauss', samples: 240, noise: 0.1 },
      training: { optimizer: 'sgd', learningRate: 3, steps: 200, batchSize: 32, shuffle: true },
    });
    const { loaded } = loadNetwork(text);
    const run = new TrainingRun(loaded!);
    run.advance(200);
    const kinds = run.warnings().map((w) => w.kind);
    assert.ok(kinds.includes('saturated_activation'), kinds.join(', '));
    assert.ok(!kinds.includes('vanishing_gradient'), kinds.join(', '));
  });

  test('a deep mixed network that fits its data under Adam: its early layer slowing down is information, not a warning', () => {
    const activations = ['relu', 'tanh', 'relu', 'elu', 'tanh', 'sigmoid'];
    const text = JSON.stringify({
      name: 'deep mix',
      seed: 9163,
      input: 2,
      layers: [
        ...activations.map((activation, i) => ({ name: `h${i + 1}`, units: 64, activation, init: 'lecun' })),
        { name: 'out', units: 1, activation: 'sigmoid' },
      ],
      loss: 'binary_cross_entropy',
      data: { generate: 'gauss', samples: 240, noise: 0.1 },
      training: { optimizer: 'adam', learningRate: 0.001, steps: 500 },
    });
    const { run, end, reported } = trainFile(text, 500);
    assert.ok(end.loss < 0.1 * end.chanceLoss, `loss ${end.loss} against chance ${end.chanceLoss}`);
    const vanishing = run.warnings().find((w) => w.kind === 'vanishing_gradient');
    assert.ok(vanishing, 'the over-time rule sees h1 slow down');
    assert.deepStrictEqual(
      reported.filter((w) => w.severity !== 'info').map((w) => w.kind),
      [],
    );
    assert.strictEqual(reported.find((w) => w.kind === 'vanishing_gradient')?.severity, 'info');
  });

  test('a loss that falls and then climbs back above twice its best: loss_diverging at the step it crossed', () => {
    const spec = mlp('tanh', 1, 4, { type: 'xavier' }, {});
    // 40 steps falling from 1 to 0.1, then 40 steps rising linearly to 1
    const losses = [
      ...Array.from({ length: 40 }, (_, i) => 1 - (0.9 * i) / 39),
      ...Array.from({ length: 40 }, (_, i) => 0.1 + (0.9 * (i + 1)) / 40),
    ];
    const history = losses.map((loss, step) => quietTwoLayerStep(step, loss));
    const warnings = diagnoseHistory(spec, history);
    assert.deepStrictEqual(
      warnings.map((w) => w.kind),
      ['loss_diverging'],
    );
    // window 10: the smoothed loss first reaches 2× its best (≈0.1) when it has climbed to about 0.2
    const step = warnings[0].firstStep!;
    const smoothed = losses.slice(step - 9, step + 1).reduce((a, b) => a + b, 0) / 10;
    const best = Math.min(
      ...losses
        .map((_, i) => (i >= 9 ? losses.slice(i - 9, i + 1).reduce((a, b) => a + b, 0) / 10 : Infinity))
        .slice(0, step + 1),
    );
    assert.ok(smoothed >= 2 * best && step > 40, `step ${step}: smoothed ${smoothed}, best ${best}`);
  });

  test('tanh units pushed to the flat ends as momentum at rate 1 blows the run up: saturated, dated, with a working fix', () => {
    const text = JSON.stringify({
      name: 'xor regression, momentum 1',
      seed: 9198,
      input: 2,
      layers: [
        { name: 'h1', units: 8, activation: 'tanh' },
        { name: 'out', units: 1, activation: 'linear' },
      ],
      loss: 'mse',
      data: { generate: 'xor', samples: 240, noise: 0.1 },
      training: { optimizer: 'momentum', learningRate: 1, steps: 200 },
    });
    const { atStart, run, end, reported } = trainFile(text, 200);
    assert.ok(!atStart.warnings.some((w) => w.kind === 'saturated_activation'), 'not saturated at the start');
    assert.ok(!Number.isFinite(end.loss), 'the run must blow up, so the end analysis sees only NaN');
    const saturated = reported.find((w) => w.kind === 'saturated_activation');
    assert.strictEqual(saturated?.severity, 'warning', reported.map((w) => w.kind).join(', '));
    assert.deepStrictEqual(saturated.layers, [0]);
    const firstSaturated = run.history.findIndex((r) => r.saturatedFractions[0] >= 0.5);
    assert.strictEqual(saturated.firstStep, firstSaturated);
    assert.ok(
      reported.findIndex((w) => w.kind === 'non_finite') < reported.indexOf(saturated),
      'the blow-up comes before its symptom',
    );
    assert.strictEqual(saturated.fixes[0].actions[0].kind, 'set_learning_rate');
  });

  test('a deeper layer half dead at the start and still at the end of a run that does not fit: dead_relu is a warning', () => {
    const text = JSON.stringify({
      name: 'half-dead h2',
      seed: 4,
      input: 2,
      layers: [
        { name: 'h1', units: 8, activation: 'relu', init: 'he' },
        { name: 'h2', units: 8, activation: 'relu', init: 'he', bias: [-9, -9, -9, -9, -9, 0, 0, 0] },
        { name: 'out', units: 1, activation: 'sigmoid' },
      ],
      loss: 'binary_cross_entropy',
      data: { generate: 'xor', samples: 120, noise: 0.1 },
      training: { optimizer: 'sgd', learningRate: 0.01, steps: 200 },
    });
    const { atStart, end, reported } = trainFile(text, 200);
    const deadAtStart = atStart.warnings.find((w) => w.kind === 'dead_relu');
    assert.strictEqual(deadAtStart?.severity, 'info', 'one pass: deeper dead units may revive');
    assert.ok(end.loss > 0.1 * end.chanceLoss, `loss ${end.loss} against chance ${end.chanceLoss}`);
    const dead = reported.find((w) => w.kind === 'dead_relu');
    assert.strictEqual(dead?.severity, 'warning', 'training showed that they did not revive');
    assert.strictEqual(dead.layerIndex, 1);
    assert.match(dead.cause, /did not revive/);
  });

  test('standardised wine at SGD 2: the tanh layers saturate as the run blows up, reported once and said so', () => {
    const fixtures = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'practitioner');
    const text = fs.readFileSync(path.join(fixtures, 'wine-tanh-sgd-hot.net.json'), 'utf8');
    const readCsv = (p: string): string => fs.readFileSync(path.join(fixtures, p), 'utf8');
    const warnings = runWarningsOf(text, { readCsv });
    assert.ok(
      warnings.some((w) => w.kind === 'non_finite'),
      'the run must blow up',
    );
    const saturated = warnings.filter((w) => w.kind === 'saturated_activation');
    assert.strictEqual(saturated.length, 1, saturated.map((w) => w.message).join(' | '));
    assert.deepStrictEqual(saturated[0].layers, [0, 1]);
    assert.match(saturated[0].message, /saturate as the run blows up/);
  });

  test('two layers with dead units at the start, neither revived: train reports each layer, as analyze does', () => {
    const half = [-9, -9, -9, -9, -9, 0, 0, 0];
    const text = JSON.stringify({
      name: 'two half-dead ReLU layers',
      seed: 5,
      input: 2,
      layers: [
        { name: 'h1', units: 8, activation: 'relu', init: 'he', bias: half },
        { name: 'h2', units: 8, activation: 'relu', init: 'he', bias: half },
        { name: 'out', units: 1, activation: 'sigmoid' },
      ],
      loss: 'binary_cross_entropy',
      data: { generate: 'xor', samples: 120, noise: 0.1 },
      training: { optimizer: 'sgd', learningRate: 0.01, steps: 200 },
    });
    const { atStart, reported } = trainFile(text, 200);
    const layersOf = (ws: readonly Warning[]): number[] =>
      ws.filter((w) => w.kind === 'dead_relu').map((w) => w.layerIndex);
    assert.deepStrictEqual(layersOf(atStart.warnings), [0, 1]);
    assert.deepStrictEqual(layersOf(reported), [0, 1], reported.map((w) => `${w.kind}@${w.layer}`).join(', '));
    assert.ok(reported.filter((w) => w.kind === 'dead_relu').every((w) => w.severity === 'warning'));
  });

  test('below the chance level, a fit undone (0.15 → 0.62, chance 1.1) is loss_diverging; noise around a small loss is not', () => {
    const spec = mlp('tanh', 1, 4, { type: 'xavier' }, {}, 'cross_entropy');
    const run = (from: number, to: number): string[] => {
      // 40 steps falling from 1.1 to `from`, 20 there, 5 climbing to `to` and 15 there
      const losses = [
        ...Array.from({ length: 40 }, (_, i) => 1.1 - ((1.1 - from) * i) / 39),
        ...Array.from({ length: 20 }, () => from),
        ...Array.from({ length: 20 }, (_, i) => from + ((to - from) * Math.min(i + 1, 5)) / 5),
      ];
      const monitor = new OverTimeMonitor(spec, DEFAULT_THRESHOLDS, { chanceLoss: 1.1, plannedSteps: 80 });
      losses.forEach((loss, step) => monitor.observe(quietTwoLayerStep(step, loss)));
      return monitor.warnings().map((w) => w.kind);
    };
    assert.deepStrictEqual(run(0.15, 0.62), ['loss_diverging']);
    assert.deepStrictEqual(run(0.15, 0.45), [], '3× its best: not yet');
    assert.deepStrictEqual(run(0.001, 0.05), [], '50× its best, but far below half the chance level');
  });

  test('updates that stay too large for the weights: learning_rate_too_high; the limit comes from the one threshold table', () => {
    const spec = mlp('tanh', 1, 4, { type: 'xavier' }, {});
    const history: StepRecord[] = Array.from({ length: 30 }, (_, step) => ({
      step,
      loss: 0.5,
      gradNorms: [1, 1],
      updateRatios: [0.3, 0.001],
      deadFractions: [0, 0],
      saturatedFractions: [0, 0],
      activationPercentiles: [
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ],
    }));
    assert.deepStrictEqual(
      diagnoseHistory(spec, history).map((w) => w.kind),
      ['learning_rate_too_high'],
    );
    const lenient = { ...DEFAULT_THRESHOLDS, sustainedExplodingUpdateRatio: 0.5 };
    assert.deepStrictEqual(
      diagnoseHistory(spec, history, lenient).map((w) => w.kind),
      [],
    );
  });
});
