/** Issue 11's findings, each reproduced as a practitioner would meet it: they failed before the diagnosis was reworked. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../../src/core/analysis';
import { runWarnings } from '../../src/core/diagnosis/warningOrder';
import { Warning } from '../../src/core/diagnosis/report';
import { diagnoseHistory } from '../../src/core/diagnosis/overTime';
import { applyFix } from '../../src/core/format/fixEdits';
import { verifyFixes } from '../../src/core/fixVerification';
import { LoadOptions, loadNetwork } from '../../src/core/load';
import { createRng } from '../../src/core/nn/rng';
import { TrainingRun } from '../../src/core/trainingRun';
import { quietTwoLayerStep } from './stepRecords';

const ROOT = path.join(__dirname, '..', '..', '..');
const example = (name: string): string => fs.readFileSync(path.join(ROOT, 'examples', `${name}.net.json`), 'utf8');

/** What `train` reports for a file: over-time warnings, then those at the start and the end. */
function trained(text: string, options: LoadOptions = {}, steps?: number): Warning[] {
  const { loaded, problems } = loadNetwork(text, options);
  assert.ok(loaded, JSON.stringify(problems));
  const atStart = analyze(loaded);
  const run = new TrainingRun(loaded);
  run.advance(steps ?? loaded.spec.training.steps);
  return runWarnings(run.warnings(), atStart, analyze(run.loaded));
}

const serious = (ws: readonly Warning[]): string[] => ws.filter((w) => w.severity !== 'info').map((w) => w.kind);

/** A network file from parts. */
function net(layers: object[], loss: string, data: object, training: object, input = 2): string {
  return JSON.stringify({ name: 'finding', seed: 1, input, layers, loss, data, training });
}

suite('issue 11 findings', function () {
  this.timeout(120_000);

  test('1. saturated-tanh: the real cause, inputs in the hundreds, is a warning whose first verified fix normalises them', () => {
    const text = example('saturated-tanh');
    const ws = verifyFixes(text, {}, analyze(loadNetwork(text).loaded!).warnings);
    assert.strictEqual(ws[0].kind, 'data_scale');
    assert.deepStrictEqual(ws[0].fixes[0].actions, [{ kind: 'set_normalize', normalize: 'standard' }]);
    const sat = ws.find((w) => w.kind === 'saturated_activation')!;
    assert.strictEqual(sat.causeId, ws[0].id);
    assert.strictEqual(sat.fixes[0].actions[0].kind, 'set_normalize');
  });

  test('2. raw pixels 0–255 from a CSV into 784-128(relu)-10(softmax): scale named first, the fix normalises', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-pixels-'));
    const rng = createRng(3);
    const rows = ['label,' + Array.from({ length: 784 }, (_, i) => `p${i}`).join(',')];
    for (let s = 0; s < 60; s++) {
      const label = s % 10;
      const pixels = Array.from({ length: 784 }, (_, i) => (i % 10 === label ? 200 + rng.int(56) : rng.int(40)));
      rows.push(`${label},${pixels.join(',')}`);
    }
    fs.writeFileSync(path.join(dir, 'pixels.csv'), rows.join('\n'));
    const text = net(
      [
        { name: 'hidden', units: 128, activation: 'relu' },
        { name: 'digits', units: 10, activation: 'softmax' },
      ],
      'cross_entropy',
      { csv: 'pixels.csv', targets: ['label'] },
      { optimizer: 'sgd', learningRate: 0.01, steps: 60 },
      784,
    );
    const options = { readCsv: (p: string) => fs.readFileSync(path.join(dir, p), 'utf8') };
    const ws = verifyFixes(text, options, analyze(loadNetwork(text, options).loaded!).warnings);
    assert.strictEqual(ws[0].kind, 'data_scale', ws.map((w) => w.kind).join(', '));
    assert.strictEqual(ws[0].fixes[0].actions[0].kind, 'set_normalize');
    assert.ok(!ws.some((w) => w.fixes[0]?.actions[0].kind === 'set_init'), 'He/Xavier, already in use, is never first');
    const after = trained(applyFix(text, ws[0].fixes[0]), options);
    assert.deepStrictEqual(serious(after), []);
  });

  test('3. deep-sigmoid-vanishing: the recommended fix leaves no serious warning, and no fix that changes nothing is offered', () => {
    const text = example('deep-sigmoid-vanishing');
    const [v] = verifyFixes(text, {}, analyze(loadNetwork(text).loaded!).warnings);
    assert.strictEqual(v.kind, 'vanishing_gradient');
    assert.ok(v.fixes.length > 0);
    for (const f of v.fixes) assert.notStrictEqual(f.effect?.summary, 'changes nothing');
    const fixed = applyFix(text, v.fixes[0]);
    assert.deepStrictEqual(serious(analyze(loadNetwork(fixed).loaded!).warnings), []);
    assert.deepStrictEqual(serious(trained(fixed)), []);
  });

  test('4. leaky_relu and elu are never "dead", at init or while training', () => {
    for (const activation of ['leaky_relu', 'elu']) {
      const text = net(
        [
          { name: 'h', units: 8, activation, bias: [-5, -5, -5, -5, -5, -5, 0, 0] },
          { name: 'out', units: 1, activation: 'sigmoid' },
        ],
        'binary_cross_entropy',
        { generate: 'xor', samples: 64 },
        { learningRate: 0.3, steps: 100 },
      );
      assert.ok(!analyze(loadNetwork(text).loaded!).warnings.some((w) => w.kind === 'dead_relu'), activation);
      assert.ok(!trained(text).some((w) => w.kind === 'dead_relu'), activation);
    }
  });

  test('5. trained networks: spiral-softmax trained has no serious warning; a confident BCE sigmoid output is no saturation', () => {
    assert.deepStrictEqual(serious(trained(example('spiral-softmax'))), []);
    const confident = net(
      [
        { name: 'h', units: 4, activation: 'tanh' },
        { name: 'out', units: 1, activation: 'sigmoid', weights: [[9, -9, 9, -9]], bias: [0] },
      ],
      'binary_cross_entropy',
      { generate: 'gauss', samples: 64 },
      { learningRate: 0.1, steps: 50 },
    );
    const ws = analyze(loadNetwork(confident).loaded!).warnings;
    assert.ok(!ws.some((w) => w.kind === 'saturated_activation'), ws.map((w) => w.kind).join(', '));
    assert.ok(
      !ws.some((w) => w.fixes.some((f) => f.actions.some((a) => a.kind === 'set_activation' && a.layers.includes(1)))),
    );
  });

  test('6. Adam at lr 1.0 is caught (its first step moves every weight by about lr); a 10-layer tanh at chance is not learning', () => {
    const adam = net(
      [
        { name: 'h', units: 16, activation: 'relu' },
        { name: 'out', units: 3, activation: 'softmax' },
      ],
      'cross_entropy',
      { generate: 'spiral', samples: 120 },
      { optimizer: 'adam', learningRate: 1, steps: 200 },
    ).replace('"generate":"spiral","samples":120', '"generate":"spiral","samples":120');
    const text = adam.replace('"units":3,"activation":"softmax"', '"units":2,"activation":"softmax"');
    const report = analyze(loadNetwork(text).loaded!);
    assert.ok(
      report.layers.some((l) => l.gradients.updateRatio > 1),
      'Adam moves each weight by ≈ lr = 1 at its first step',
    );
    assert.ok(report.warnings.some((w) => w.kind === 'learning_rate_too_high'));
    const stuck = net(
      [
        ...Array.from({ length: 10 }, (_, i) => ({
          name: `h${i + 1}`,
          units: 8,
          activation: 'tanh',
          init: { type: 'normal', std: 0.05 },
        })),
        { name: 'out', units: 3, activation: 'softmax' },
      ],
      'cross_entropy',
      { generate: 'spiral', samples: 90 },
      { learningRate: 0.05, steps: 300 },
    ).replace('"units":3,"activation":"softmax"', '"units":2,"activation":"softmax"');
    const ws = trained(stuck);
    assert.ok(
      ws.some((w) => w.kind === 'not_learning'),
      ws.map((w) => w.kind).join(', '),
    );
  });

  test("7. a tanh layer whose mean |f'(z)| is 3% of its peak is saturated", () => {
    const text = net(
      [
        { name: 'h', units: 8, activation: 'tanh', init: { type: 'normal', std: 80 } },
        { name: 'out', units: 1, activation: 'linear' },
      ],
      'mse',
      {
        inputs: [
          [1, -1],
          [-1, 1],
          [1, 1],
          [-1, -1],
          [0.9, 0.8],
          [-0.8, 0.9],
        ],
        targets: [[1], [0], [1], [0], [0.4], [0.6]],
      },
      { steps: 10 },
    );
    const report = analyze(loadNetwork(text).loaded!);
    const share = report.layers[0].derivatives.meanAbs;
    assert.ok(share > 0.01 && share < 0.06, `mean |f'| ${share} (tanh' peaks at 1)`);
    assert.ok(report.warnings.some((w) => w.kind === 'saturated_activation'));
  });

  test('8. a 500× jump at step 1 is dated at step 1; a zero-initialised output layer gets no error and no ∞', () => {
    const spec = loadNetwork(example('xor-healthy')).loaded!.spec;
    const steps = [0.2, 100, 100, 100, 100].map((loss, step) => quietTwoLayerStep(step, loss));
    const d = diagnoseHistory(spec, steps).find((w) => w.kind === 'loss_diverging');
    assert.strictEqual(d?.firstStep, 1);
    const zeroOut = net(
      [
        { name: 'h', units: 8, activation: 'relu' },
        { name: 'out', units: 1, activation: 'sigmoid', init: 'zeros' },
      ],
      'binary_cross_entropy',
      { generate: 'circle', samples: 64 },
      { learningRate: 0.1, steps: 100 },
    );
    const report = analyze(loadNetwork(zeroOut).loaded!);
    assert.deepStrictEqual(serious(report.warnings), []);
    for (const l of report.layers)
      assert.ok(Number.isFinite(l.gradients.updateRatio), `${l.name}: ${l.gradients.updateRatio}`);
  });

  test('8. units that die while training are listed', () => {
    const text = net(
      [
        { name: 'h', units: 32, activation: 'relu' },
        { name: 'out', units: 1, activation: 'linear' },
      ],
      'mse',
      { generate: 'gauss', samples: 64 },
      { learningRate: 0.5, steps: 150 },
    );
    const dying = trained(text).find((w) => w.kind === 'dead_relu' && w.firstStep !== undefined);
    if (dying) assert.ok(dying.units.length > 0, 'the dying units are named');
  });

  test('9. exploding-init under train: the root cause (bad_init) first, one warning for its run of layers', () => {
    const ws = trained(example('exploding-init'));
    assert.strictEqual(ws[0].kind, 'bad_init', ws.map((w) => w.kind).join(', '));
    assert.strictEqual(ws.filter((w) => w.kind === 'bad_init').length, 1);
    assert.ok((ws[0].layers?.length ?? 0) >= 4);
    for (const w of ws.slice(1))
      if (w.severity !== 'info' && w.kind !== 'non_finite') assert.ok(w.causeId, `${w.kind} names its cause`);
  });
});
