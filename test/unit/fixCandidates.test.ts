/**
 * Which repairs each warning tries and how the verified ones are ranked: typo-sized weights, learning rates far
 * below the usual, causes' repairs inherited by their symptoms, causes whose repairs do not help, long names.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../src/core/analysis';
import { verifyFixes, verifyFixesSteps } from '../../src/core/fixVerification';
import { compareFixes, demoteUnconfirmedCause, relativeAfter, relativeBefore } from '../../src/core/fixJudgement';
import { loadNetwork } from '../../src/core/load';
import { orderWarnings, runWarnings } from '../../src/core/diagnosis/warningOrder';
import { TrainingRun } from '../../src/core/trainingRun';
import { runVerified } from './trainedRuns';
import { Warning } from '../../src/core/diagnosis/report';
import { usualLearningRateFixes } from '../../src/core/diagnosis/warningParts';
import { Fix, FixEffect } from '../../src/core/format/fixEdits';
import { NetworkSpec } from '../../src/core/format/spec';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'practitioner');

/** A two-layer network on four inline samples, with explicit weights. */
function typoNetwork(firstWeight: number): string {
  return JSON.stringify({
    name: 'typo',
    seed: 1,
    input: 2,
    layers: [
      {
        name: 'h',
        units: 2,
        activation: 'linear',
        weights: [
          [firstWeight, 0.5],
          [-0.3, 0.8],
        ],
        bias: [0, 0],
      },
      { name: 'out', units: 1, activation: 'linear', weights: [[0.7, -0.4]], bias: [0] },
    ],
    loss: 'mse',
    data: {
      inputs: [
        [0, 1],
        [1, 0],
        [1, 1],
        [0.5, -0.5],
      ],
      targets: [[1], [1], [0], [0.5]],
    },
    training: { optimizer: 'sgd', learningRate: 0.1, steps: 50 },
  });
}

/** The file's analysis warnings with their fixes verified. */
function verified(text: string, readCsv?: (p: string) => string): Warning[] {
  const options = readCsv ? { readCsv } : {};
  return verifyFixes(text, options, analyze(loadNetwork(text, options).loaded!).warnings);
}

suite('repairs tried for each warning', function () {
  this.timeout(60_000);

  test('a weight typed 1e200 in the first layer: non_finite offers re-initialising that layer, which trains', () => {
    const [nan] = verified(typoNetwork(1e200)).filter((w) => w.kind === 'non_finite');
    assert.ok(nan, 'non_finite fires');
    assert.match(nan.cause, /'h' holds a weight over 1000× the recommended initial scale/);
    const first = nan.fixes[0];
    assert.ok(first, JSON.stringify(nan.rejectedFixes?.map((f) => f.effect?.summary)));
    assert.deepStrictEqual(first.actions, [{ kind: 'set_init', layers: [0], init: 'xavier' }]);
    assert.ok(Number.isFinite(first.effect!.lossAfter) && first.effect!.lossAfter < 0.5, first.effect!.summary);
  });

  test('all-zero weights under SGD at 0.5: re-initialising uncovers a rate too high, so it is offered with a tamer step', () => {
    const file = path.join(FIXTURES, '..', '..', '..', 'eval', 'cases', 'stuck-all-zeros-4.net.json');
    const text = fs.readFileSync(file, 'utf8');
    const loaded = loadNetwork(text).loaded!;
    const atStart = analyze(loaded);
    const run = new TrainingRun(loaded);
    run.advance(loaded.spec.training.steps);
    const warnings = verifyFixes(text, {}, runWarnings(run.warnings(), atStart, analyze(run.loaded)));
    const init = warnings.find((w) => w.kind === 'bad_init')!;
    const alone = init.rejectedFixes!.find((f) => f.title === "Use Xavier init in 'h1' and 'out'");
    assert.deepStrictEqual(alone?.effect?.newSerious.includes('learning_rate_too_high'), true);
    const [first] = init.fixes;
    assert.ok(first, JSON.stringify(init.rejectedFixes!.map((f) => f.effect!.summary)));
    assert.deepStrictEqual(first.actions[0], alone!.actions[0]);
    assert.match(first.actions[1].kind, /^set_(learning_rate|clip)$/);
    assert.ok(!first.effect!.newSerious.includes('loss_diverging'), first.effect!.summary);
    assert.ok(first.effect!.lossAfter < 0.6 * first.effect!.lossBefore, first.effect!.summary);
  });

  test('a learning rate 10,000× below the usual start: the usual rate and 10× it are tried, and Adam at both', () => {
    const spec = { training: { optimizer: 'momentum', learningRate: 1e-6 } } as NetworkSpec;
    assert.deepStrictEqual(
      usualLearningRateFixes(spec).map((f) => f.actions),
      [
        [{ kind: 'set_learning_rate', learningRate: 0.01 }],
        [{ kind: 'set_learning_rate', learningRate: 0.1 }],
        [{ kind: 'set_optimizer', optimizer: 'adam', learningRate: 0.001 }],
        [{ kind: 'set_optimizer', optimizer: 'adam', learningRate: 0.01 }],
      ],
    );
    const slowAdam = { training: { optimizer: 'adam', learningRate: 1e-6 } } as NetworkSpec;
    assert.deepStrictEqual(
      usualLearningRateFixes(slowAdam).map((f) => f.title),
      ['Raise the learning rate to 0.001 (the usual start for adam)', 'Raise the learning rate to 0.01'],
    );
    const adam = { training: { optimizer: 'adam', learningRate: 5 } } as NetworkSpec;
    assert.deepStrictEqual(
      usualLearningRateFixes(adam).map((f) => f.title),
      ['Lower the learning rate to 0.001 (the usual start for adam)'],
    );
    const usual = { training: { optimizer: 'sgd', learningRate: 0.05 } } as NetworkSpec;
    assert.deepStrictEqual(usualLearningRateFixes(usual), []);
  });

  test("a symptom tries every present cause's repairs, each marked with the cause's id", () => {
    const base = { layer: 'h', units: [], message: '', cause: '', fix: '' } as const;
    const fix = (title: string, learningRate: number): Fix => ({
      title,
      actions: [{ kind: 'set_learning_rate', learningRate }],
    });
    const ordered = orderWarnings([
      { ...base, kind: 'dead_relu', severity: 'warning', layerIndex: 0, fixes: [fix('leaky', 1)] },
      { ...base, kind: 'data_scale', severity: 'warning', layerIndex: -1, fixes: [fix('normalise', 2)] },
      { ...base, kind: 'bad_init', severity: 'warning', layerIndex: 0, fixes: [fix('init', 3), fix('leaky', 1)] },
    ]);
    const dead = ordered.find((w) => w.kind === 'dead_relu')!;
    assert.deepStrictEqual(
      dead.fixes.map((f) => [f.title, f.cause]),
      [
        ['leaky', 'bad_init@0'], // its own candidate, and also the cause's repair
        ['init', 'bad_init@0'],
        ['normalise', 'data_scale@network'],
      ],
    );
    assert.strictEqual(dead.causeId, 'bad_init@0');
  });

  test("among repairs that make the network fit, the cause's comes first; otherwise the lower loss wins", () => {
    const effect = (lossAfter: number): FixEffect =>
      ({ lossAfter, chanceAfter: 1, helps: true }) as unknown as FixEffect;
    const symptom: Fix = { title: 'leaky', actions: [], effect: effect(0.001) };
    const cause: Fix = { title: 'normalise', actions: [], cause: 'data_scale@network', effect: effect(0.05) };
    const slow: Fix = { title: 'lr', actions: [], effect: effect(0.5) };
    assert.deepStrictEqual(
      [slow, symptom, cause].sort(compareFixes).map((f) => f.title),
      ['normalise', 'leaky', 'lr'],
    );
    const unfit: Fix = { ...cause, effect: effect(0.3) };
    assert.deepStrictEqual(
      [unfit, slow, symptom].sort(compareFixes).map((f) => f.title),
      ['leaky', 'normalise', 'lr'],
    );
  });

  test('a learning rate too high is confirmed by a repair gaining a third, the data scale by one gaining a tenth', () => {
    const tried = (lossAfter: number): Fix[] => [
      {
        title: 'lower',
        actions: [{ kind: 'set_learning_rate', learningRate: 0.1 }],
        effect: { lossBefore: 1, chanceBefore: 1, lossAfter, chanceAfter: 1, helps: true } as FixEffect,
      },
    ];
    const base = { layer: 'net', layerIndex: -1, units: [], message: '', cause: 'Updates too large.', fix: '' };
    const warning = (kind: 'learning_rate_too_high' | 'data_scale'): Warning =>
      ({ ...base, kind, severity: 'warning', fixes: [] }) as Warning;
    const lr = warning('learning_rate_too_high');
    assert.strictEqual(demoteUnconfirmedCause(lr, tried(0.6)).severity, 'warning');
    const doubtful = demoteUnconfirmedCause(lr, tried(0.75));
    assert.strictEqual(doubtful.severity, 'info');
    assert.match(
      doubtful.cause,
      /^Updates too large\. Its repairs were tried on a copy \(lower\) and none lowered .* by 35%/,
    );
    assert.strictEqual(demoteUnconfirmedCause(warning('data_scale'), tried(0.75)).severity, 'warning');
    assert.strictEqual(demoteUnconfirmedCause(warning('data_scale'), tried(0.95)).severity, 'info');
    assert.strictEqual(demoteUnconfirmedCause(lr, []).severity, 'warning', 'nothing tried, nothing concluded');
  });

  test("another cause's repair does not confirm a learning rate too high (inputs of 1e-4 under Adam at 0.05)", () => {
    const fix = (title: string, lossAfter: number, cause?: string): Fix => ({
      title,
      actions: [
        cause ? { kind: 'set_normalize', normalize: 'standard' } : { kind: 'set_learning_rate', learningRate: 0.005 },
      ],
      ...(cause ? { cause } : {}),
      effect: { lossBefore: 0.686, chanceBefore: 0.686, lossAfter, chanceAfter: 0.686, helps: true } as FixEffect,
    });
    const lr = {
      ...{ layer: 'h', layerIndex: 0, units: [], message: '', cause: 'Updates too large.', fix: '' },
      kind: 'learning_rate_too_high',
      severity: 'warning',
      fixes: [],
    } as Warning;
    // seen in a seed variant of the eval's scale-raw-13: standardising reaches 0.108, a tenth of the rate 0.686
    const tried = [
      fix('Standardise the inputs', 0.108, 'data_scale@network'),
      fix('Lower the learning rate to 0.005', 0.686),
    ];
    const demoted = demoteUnconfirmedCause(lr, tried);
    assert.strictEqual(demoted.severity, 'info');
    assert.match(demoted.cause, /tried on a copy \(Lower the learning rate to 0\.005\) and none lowered/);
    const own = [
      fix('Standardise the inputs', 0.108, 'data_scale@network'),
      fix('Lower the learning rate to 0.005', 0.2),
    ];
    assert.strictEqual(demoteUnconfirmedCause(lr, own).severity, 'warning');
    assert.strictEqual(demoteUnconfirmedCause(lr, tried.slice(0, 1)).severity, 'warning', 'none of its own tried');
  });

  test('raw-scale house prices under Adam: data_scale is information when standardising does not lower the loss', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'houses-adam.net.json'), 'utf8');
    const readCsv = (p: string): string => fs.readFileSync(path.join(FIXTURES, p), 'utf8');
    const scale = verified(text, readCsv).find((w) => w.kind === 'data_scale');
    assert.ok(scale, 'the measurement is still reported');
    assert.strictEqual(scale.severity, 'info');
    assert.deepStrictEqual(scale.fixes, []);
    assert.match(scale.cause, /none lowered the loss reached by 10%/);
    assert.ok(scale.rejectedFixes!.every((f) => f.effect!.lossAfter > f.effect!.lossBefore));
  });

  test('raw wine features at SGD 3: two causes at once, so the repair of the data scale is tried with a lower rate', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'wine-sgd-hot.net.json'), 'utf8');
    const readCsv = (p: string): string => fs.readFileSync(path.join(FIXTURES, p), 'utf8');
    const warnings = verified(text, readCsv);
    const scale = warnings.find((w) => w.kind === 'data_scale');
    assert.strictEqual(scale?.severity, 'warning', 'standardising alone still blows up; with a lower rate it trains');
    const first = scale.fixes[0];
    assert.deepStrictEqual(
      first.actions.map((a) => a.kind),
      ['set_normalize', 'set_learning_rate'],
      first.title,
    );
    assert.ok(Number.isFinite(first.effect!.lossAfter), first.effect!.summary);
    const exploding = warnings.find((w) => w.kind === 'exploding_gradient');
    assert.ok(exploding?.fixes.length, 'the symptom borrows the pair');
  });

  test('a rate confirmed only by a repair it is combined with (ReLU in a sigmoid circle) is information, not a cause', () => {
    const warnings = runVerified(fs.readFileSync(path.join(FIXTURES, 'circle-sigmoid-momentum.net.json'), 'utf8'));
    const rate = warnings.find((w) => w.kind === 'learning_rate_too_high');
    assert.ok(rate, warnings.map((w) => w.kind).join(', '));
    const tried = [...rate.fixes, ...(rate.rejectedFixes ?? [])];
    const lowerAlone = tried.filter((f) => f.actions.length === 1 && f.actions[0].kind === 'set_learning_rate');
    assert.ok(lowerAlone.length && lowerAlone.every((f) => !f.effect!.helps), 'a lower rate alone does not help');
    assert.ok(
      rate.fixes.some((f) => f.actions.length > 1),
      'combined with ReLU it does',
    );
    assert.strictEqual(rate.severity, 'info', rate.cause);
    assert.match(rate.cause, /beyond what the repair combined with it does alone/);
  });

  test('a rate that only clipping tames (momentum 1, sigmoid circle) is information; exploding_gradient offers the clip', () => {
    const warnings = verified(fs.readFileSync(path.join(FIXTURES, 'circle-sigmoid-momentum-hot.net.json'), 'utf8'));
    const rate = warnings.find((w) => w.kind === 'learning_rate_too_high')!;
    const tried = [...rate.fixes, ...(rate.rejectedFixes ?? [])];
    const clip = tried.find((f) => f.actions[0].kind === 'set_clip')!;
    const lower = tried.filter((f) => f.actions[0].kind === 'set_learning_rate');
    assert.ok(relativeAfter(clip.effect!) < 0.5 * relativeBefore(clip.effect!), clip.effect!.summary);
    assert.ok(
      lower.every((f) => relativeAfter(f.effect!) > 0.65 * relativeBefore(f.effect!)),
      'no lower rate helps',
    );
    assert.strictEqual(rate.severity, 'info', rate.cause);
    const exploding = warnings.find((w) => w.kind === 'exploding_gradient')!;
    assert.strictEqual(exploding.fixes[0].actions[0].kind, 'set_clip', exploding.fixes[0].title);
  });

  test('a fit undone at step 488 of 500 (Adam 0.05 on a tanh spiral): copies are trained past it, and a tenth of the rate is offered', () => {
    const warnings = runVerified(fs.readFileSync(path.join(FIXTURES, 'spiral-tanh-adam-late-spike.net.json'), 'utf8'));
    const diverging = warnings.find((w) => w.kind === 'loss_diverging');
    assert.ok(diverging && diverging.firstStep! > 400, warnings.map((w) => `${w.kind}#${w.firstStep}`).join(', '));
    const first = diverging.fixes[0];
    assert.deepStrictEqual(first?.actions, [{ kind: 'set_learning_rate', learningRate: 0.005 }], first?.title);
    assert.ok(first.effect!.steps > diverging.firstStep!, `judged after ${first.effect!.steps} steps`);
  });

  test('credit data in dollars under Adam: spelling out the init a layer already has "changes nothing"', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'credit-adam.net.json'), 'utf8');
    const readCsv = (p: string): string => fs.readFileSync(path.join(FIXTURES, p), 'utf8');
    const loaded = loadNetwork(text, { readCsv }).loaded!;
    const atStart = analyze(loaded);
    const run = new TrainingRun(loaded);
    run.advance(loaded.spec.training.steps);
    const warnings = verifyFixes(text, { readCsv }, runWarnings(run.warnings(), atStart, analyze(run.loaded)));
    const stuck = warnings.find((w) => w.kind === 'not_learning')!;
    assert.match(stuck.fixes[0].title, /Standardise the inputs/);
    const xavier = stuck.rejectedFixes!.find((f) => /Use Xavier init/.test(f.title));
    assert.strictEqual(xavier?.effect?.summary, 'changes nothing');
    for (const w of warnings)
      for (const f of [...w.fixes, ...(w.rejectedFixes ?? [])])
        assert.ok(!f.effect!.newSerious.includes(w.kind), `${w.kind}: ${f.title}: ${f.effect!.summary}`);
  });

  test('saturated-tanh: data_scale stays a warning, since standardising lowers the loss', () => {
    const text = fs.readFileSync(path.join(FIXTURES, '..', '..', '..', 'examples', 'saturated-tanh.net.json'), 'utf8');
    const scale = verified(text).find((w) => w.kind === 'data_scale');
    assert.strictEqual(scale?.severity, 'warning');
    assert.ok(scale.fixes.length > 0);
  });

  test('a 30,000-parameter network: its copies train on a seeded 32 samples, not 256 (seconds, not half a minute)', () => {
    const example = path.join(FIXTURES, '..', '..', '..', 'examples', 'deep-sigmoid-vanishing.net.json');
    const text = fs.readFileSync(example, 'utf8').replace('"name": "h8", "units": 16', '"name": "h8", "units": 1616');
    const [vanishing] = verified(text);
    const tried = [...vanishing.fixes, ...(vanishing.rejectedFixes ?? [])];
    assert.ok(
      tried.length > 0 && tried.every((f) => f.effect!.samples === 32),
      JSON.stringify(tried.map((f) => f.effect)),
    );
    const small = verified(fs.readFileSync(example, 'utf8'))[0].fixes[0];
    assert.strictEqual(small.effect!.samples, 200); // all of its samples
  });

  test('verification yields every 25 training steps of a copy, so a worker can take a newer request within milliseconds', () => {
    const example = path.join(FIXTURES, '..', '..', '..', 'examples', 'deep-sigmoid-vanishing.net.json');
    const text = fs.readFileSync(example, 'utf8');
    const steps = verifyFixesSteps(text, {}, analyze(loadNetwork(text).loaded!).warnings);
    let pauses = 0;
    let next = steps.next();
    for (; !next.done; next = steps.next()) if (next.value === undefined) pauses++;
    const copies = 1 + next.value.flatMap((w) => [...w.fixes, ...(w.rejectedFixes ?? [])]).length; // and the original
    const trained = next.value[0].fixes[0].effect!.steps; // every copy trains this many steps
    assert.ok(pauses >= Math.floor(trained / 25) * copies - copies, `${pauses} pauses for ${copies} copies`);
  });

  test('a 300-character layer name is cut short in every message and fix title', () => {
    const long = 'h'.repeat(300);
    const text = typoNetwork(1e200).replace('"name":"h"', `"name":"${long}"`);
    const [nan] = analyze(loadNetwork(text).loaded!).warnings;
    for (const s of [nan.layer, nan.message, nan.cause, nan.fix, ...nan.fixes.map((f) => f.title)])
      assert.ok(!s.includes(long) && s.length < 400, s);
    assert.match(nan.cause, /'h{40}…' holds a weight/);
  });
});
