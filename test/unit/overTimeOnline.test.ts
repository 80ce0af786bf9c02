import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { MovingWindow } from '../../src/core/diagnosis/onlineStats';
import { OverTimeMonitor, diagnoseHistory } from '../../src/core/diagnosis/overTime';
import { DEFAULT_THRESHOLDS } from '../../src/core/diagnosis/thresholds';
import { quietTwoLayerStep } from './stepRecords';
import { StepRecord } from '../../src/core/diagnosis/report';
import { NetworkSpec } from '../../src/core/format/spec';
import { loadNetwork } from '../../src/core/load';
import { TrainingRun } from '../../src/core/trainingRun';
import { runCli } from '../../src/cli/main';
import { memoryIo } from './helpers';

const ROOT = path.join(__dirname, '..', '..', '..');
const example = (name: string): string => fs.readFileSync(path.join(ROOT, 'examples', `${name}.net.json`), 'utf8');

/** Two layers, tanh then sigmoid, for synthetic histories. */
const spec = loadNetwork(example('xor-healthy')).loaded!.spec as NetworkSpec;

/** A synthetic step whose layer-0 update ratio is `ratio`. */
function record(step: number, ratio: number, loss = 0.5): StepRecord {
  return {
    step,
    loss,
    gradNorms: spec.layers.map(() => 0.1),
    updateRatios: spec.layers.map((_, l) => (l === 0 ? ratio : 1e-3)),
    deadFractions: spec.layers.map(() => 0),
    saturatedFractions: spec.layers.map(() => 0),
    activationPercentiles: spec.layers.map(() => [0, 0, 0, 0, 0]),
  };
}

suite('over-time rules on long runs', () => {
  test('300,000 steps with an exploding layer: the warning, not a stack overflow', () => {
    const history = Array.from({ length: 300_000 }, (_, i) => record(i, i < 100 ? 1e-3 : 0.5 + (i % 7) * 0.01));
    const warnings = diagnoseHistory(spec, history);
    const ex = warnings.find((w) => w.kind === 'learning_rate_too_high');
    assert.ok(ex, JSON.stringify(warnings.map((w) => w.kind)));
    assert.strictEqual(ex.firstStep, 100);
    assert.match(ex.cause, /0\.56/); // the worst ratio, found without spreading 300k arguments
  });

  test('a training run keeps a thinned history: first and last steps, at most 1,201 points', () => {
    const run = new TrainingRun(loadNetwork(example('xor-healthy')).loaded!);
    run.advance(5000);
    const h = run.history;
    assert.ok(h.length <= 1201 && h.length >= 600, `${h.length} points`);
    assert.strictEqual(h[0].step, 0);
    assert.strictEqual(h[h.length - 1].step, 4999);
    for (let i = 1; i < h.length; i++) assert.ok(h[i].step > h[i - 1].step);
    assert.strictEqual(run.stepsDone, 5000);
  });

  test('train --json streams every step as it is taken', () => {
    const io = memoryIo(ROOT);
    const code = runCli(['train', 'examples/xor-healthy.net.json', '--json', '--steps', '3000'], io);
    assert.strictEqual(code, 0, io.errText());
    assert.ok(io.outChunks() > 100, `written in ${io.outChunks()} pieces`);
    const j = JSON.parse(io.outText());
    assert.strictEqual(j.history.length, 3000);
    assert.strictEqual(j.history[2999].step, 2999);
    assert.strictEqual(j.steps, 3000);
  });
});

suite('over-time rules after a loss that blows up first', () => {
  test('the moving average forgets a huge or infinite loss once it leaves the window', () => {
    const window = new MovingWindow(3);
    for (const [step, loss] of [1e28, 0.6, 0.6, 0.6].entries()) window.push(loss, step);
    assert.strictEqual(window.mean(), 0.6); // a running sum left 1e28's rounding error: 0
    const infinite = new MovingWindow(3);
    for (const [step, loss] of [Infinity, 0.5, 0.5, 0.5].entries()) infinite.push(loss, step);
    assert.strictEqual(infinite.mean(), 0.5); // ∞ − ∞ had left NaN for good
  });

  test('a 200-step run that jumps for 4 steps and then sits at chance is not learning', () => {
    const chance = Math.log(4);
    const losses = [170, 29351, 205271, 266.9, ...Array.from({ length: 196 }, () => chance)];
    const monitor = new OverTimeMonitor(spec, DEFAULT_THRESHOLDS, { chanceLoss: chance, plannedSteps: 200 });
    losses.forEach((loss, step) => monitor.observe(quietTwoLayerStep(step, loss)));
    const stuck = monitor.warnings().find((w) => w.kind === 'not_learning');
    assert.ok(
      stuck,
      monitor
        .warnings()
        .map((w) => w.kind)
        .join(),
    );
    assert.strictEqual(stuck.firstStep, 13, 'once the 10-step average holds only chance-level losses');
    const learns = new OverTimeMonitor(spec, DEFAULT_THRESHOLDS, { chanceLoss: chance, plannedSteps: 200 });
    losses.forEach((loss, step) => learns.observe(quietTwoLayerStep(step, step < 150 ? loss : chance / 2)));
    assert.ok(!learns.warnings().some((w) => w.kind === 'not_learning'), 'it learned in the end');
  });

  test('300 steps at chance, then a creep to 7% below it: still not learning; a fall to 15% below is learning', () => {
    const chance = Math.log(3);
    const crept = (share: number) => (step: number) =>
      step < 300 ? chance : chance * (1 - (share * (step - 299)) / 200);
    const warningsFor = (loss: (step: number) => number) => {
      const monitor = new OverTimeMonitor(spec, DEFAULT_THRESHOLDS, { chanceLoss: chance, plannedSteps: 500 });
      for (let step = 0; step < 500; step++) monitor.observe(quietTwoLayerStep(step, loss(step)));
      return monitor.warnings().filter((w) => w.kind === 'not_learning');
    };
    const [stuck] = warningsFor(crept(0.07));
    assert.ok(stuck, 'held at chance for 200 steps and ends within 10% of it');
    assert.strictEqual(stuck.firstStep, 0);
    assert.match(
      stuck.message,
      /from step 0 to step \d+ the loss stayed within 5% .* ends at 1\.0\d, still within 10%/,
    );
    assert.deepStrictEqual(warningsFor(crept(0.15)), [], 'it learned in the end');
  });
});
