/**
 * Repairs beyond a warning's own candidates: a repair verified for another warning that also cures this one,
 * and a repair that trains clearly better although it uncovers a new problem.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../src/core/analysis';
import { verifyFixes } from '../../src/core/fixVerification';
import { outweighsNewProblem } from '../../src/core/fixJudgement';
import { Fix, FixEffect, applyFix, withParameters } from '../../src/core/format/fixEdits';
import { loadNetwork } from '../../src/core/load';
import { runVerified } from './trainedRuns';

const EVAL_CASES = path.join(__dirname, '..', '..', '..', 'eval', 'cases');
const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');

/** The eval's deep ReLU net initialised with normal(std 3) in every layer (nan-deep-init-7), on another seed. */
function deepReluStd3(): string {
  const file = JSON.parse(fs.readFileSync(path.join(EVAL_CASES, 'nan-deep-init-7.net.json'), 'utf8'));
  return JSON.stringify({ ...file, $schema: undefined, seed: 5271 });
}

suite('repairs beyond a warning’s own candidates', function () {
  this.timeout(120_000);

  test('a diverging loss that no lower rate or clipping cures gets the bad-init repair, verified on it', () => {
    const warnings = runVerified(deepReluStd3());
    const diverging = warnings.find((w) => w.kind === 'loss_diverging')!;
    const init = warnings.find((w) => w.kind === 'bad_init')!;
    assert.ok(diverging && init, warnings.map((w) => w.kind).join());
    assert.ok(
      diverging.rejectedFixes!.every((f) => !f.actions.some((a) => a.kind === 'set_init')),
      'its own candidates do not re-initialise',
    );
    const [first] = diverging.fixes;
    assert.ok(first, JSON.stringify(diverging.rejectedFixes!.map((f) => f.effect!.summary)));
    assert.ok(
      first.actions.some((a) => a.kind === 'set_init'),
      first.title,
    );
    assert.strictEqual(first.cause, init.id);
    assert.strictEqual(first.effect!.removesWarning, true);
    assert.ok(first.effect!.lossAfter < 0.1 * first.effect!.chanceAfter, first.effect!.summary);
    // the borrowed repair really cures it: the patched file trains without a diverging loss
    const after = runVerified(applyFix(deepReluStd3(), first));
    assert.ok(!after.some((w) => w.kind === 'loss_diverging' && w.severity !== 'info'));
  });

  test('exploding-init with its weights written out (an imported model): the rate warning is offered re-initialising first', () => {
    const example = fs.readFileSync(path.join(EXAMPLES, 'exploding-init.net.json'), 'utf8');
    const explicit = withParameters(example, loadNetwork(example).loaded!.network.parameters());
    const warnings = verifyFixes(explicit, {}, analyze(loadNetwork(explicit).loaded!).warnings);
    assert.ok(!warnings.some((w) => w.kind === 'bad_init'), 'no initialiser to blame: the weights are explicit');
    const rate = warnings.find((w) => w.kind === 'learning_rate_too_high')!;
    const lowered = rate.fixes.find((f) => f.actions[0].kind === 'set_learning_rate');
    assert.ok(lowered && lowered.effect!.lossAfter > 1e3, 'its own best repair leaves a loss in the millions');
    const [first] = rate.fixes;
    assert.strictEqual(first.actions[0].kind, 'set_init', first.title);
    assert.ok(first.effect!.lossAfter < 0.1, first.effect!.summary);
  });

  test('momentum at 1e-6 on a tanh spiral: Adam at 0.01 comes first, though tanh units then saturate', () => {
    const text = fs.readFileSync(path.join(EVAL_CASES, 'stuck-tiny-lr-7.net.json'), 'utf8');
    const stuck = runVerified(text).find((w) => w.kind === 'not_learning')!;
    const [first] = stuck.fixes;
    assert.ok(first, JSON.stringify(stuck.rejectedFixes!.map((f) => [f.title, f.effect!.summary])));
    assert.deepStrictEqual(first.actions, [{ kind: 'set_optimizer', optimizer: 'adam', learningRate: 0.01 }]);
    assert.deepStrictEqual(first.effect!.newSerious, ['saturated_activation']);
    assert.match(first.effect!.summary, /raises saturated_activation/);
    assert.ok(first.effect!.lossAfter < 0.6 * first.effect!.lossBefore, first.effect!.summary);
    for (const f of stuck.fixes.slice(1).filter((f) => !f.effect!.newSerious.length))
      assert.ok(f.effect!.lossAfter > first.effect!.lossAfter / 0.9, `${f.title}: ${f.effect!.summary}`);
    const edited = JSON.parse(applyFix(text, first)).training;
    assert.deepStrictEqual([edited.optimizer, edited.learningRate], ['adam', 0.01]);
  });

  test('a repair that uncovers a problem is kept when stable, 10% better than the original and other clean repairs, and better than its follow-ups', () => {
    const effect = (lossAfter: number, newSerious: string[] = []): FixEffect =>
      ({
        lossBefore: 1,
        chanceBefore: 1,
        lossAfter,
        chanceAfter: 1,
        removesWarning: true,
        newSerious,
        helps: !newSerious.length,
      }) as unknown as FixEffect;
    const fix = (lossAfter: number, newSerious: string[] = []): Fix => ({
      title: String(lossAfter),
      actions: [],
      effect: effect(lossAfter, newSerious),
    });
    const raises = fix(0.5, ['saturated_activation']);
    assert.strictEqual(outweighsNewProblem(raises, []), true);
    assert.strictEqual(outweighsNewProblem(raises, [fix(0.7)]), true);
    assert.strictEqual(outweighsNewProblem(raises, [fix(0.54)]), false, 'within 10% of a clean repair');
    assert.strictEqual(outweighsNewProblem(fix(0.95, ['dead_relu']), []), false, 'within 10% of the original');
    assert.strictEqual(outweighsNewProblem(fix(0.3), []), false, 'raises nothing: an ordinary helpful fix');
    assert.strictEqual(outweighsNewProblem(fix(0.1, ['loss_diverging']), []), false, 'an unstable run');
    const adam: Fix = { ...raises, actions: [{ kind: 'set_optimizer', optimizer: 'adam', learningRate: 0.01 }] };
    const followUp = (lossAfter: number): Fix => ({
      ...fix(lossAfter),
      actions: [...adam.actions, { kind: 'set_activation', layers: [1], activation: 'relu', init: 'he' }],
    });
    assert.strictEqual(outweighsNewProblem(adam, [followUp(0.52)]), true, 'curing what it uncovered costs loss');
    assert.strictEqual(outweighsNewProblem(adam, [followUp(0.48)]), false, 'its follow-up is better');
  });
});
