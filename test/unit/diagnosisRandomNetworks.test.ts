/**
 * Faults found on random practitioner networks (random depth, width, activations, inits, optimizers and rates,
 * labelled by the eval's truth rules): each failed before the change it tests.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../src/core/analysis';
import { verifyFixes } from '../../src/core/fixVerification';
import { loadNetwork } from '../../src/core/load';
import { runWarnings } from '../../src/core/diagnosis/warningOrder';
import { TrainingRun } from '../../src/core/trainingRun';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'practitioner');

suite('random practitioner networks', () => {
  test('a ReLU layer whose ±6 weights make its update ratio 4e-6, with a gradient as large as the output’s, is not vanishing', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'stalled-large-weights.net.json'), 'utf8');
    const report = analyze(loadNetwork(text).loaded!);
    const [, h2, out] = report.layers;
    assert.ok(h2.gradients.updateRatio < 1e-5 && out.gradients.updateRatio > 1e-4, 'h2 stalls while the output learns');
    assert.ok(h2.gradients.weightNorm > 0.5 * out.gradients.weightNorm, 'its gradient did not shrink on the way back');
    const kinds = report.warnings.map((w) => w.kind);
    assert.ok(!kinds.includes('vanishing_gradient'), kinds.join(', '));
  });

  test('dead units in a deeper layer that the trial run of fix verification does not revive: analyze warns', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'xor-mixed-activations.net.json'), 'utf8');
    const loaded = loadNetwork(text).loaded!;
    const atStart = analyze(loaded);
    const onePass = atStart.warnings.find((w) => w.kind === 'dead_relu');
    assert.strictEqual(onePass?.layer, 'h2');
    assert.strictEqual(onePass.severity, 'info', 'one pass: units fed by h1 may revive');
    assert.strictEqual(onePass.revivable, true);
    const judged = verifyFixes(text, {}, [onePass])[0];
    assert.strictEqual(judged.severity, 'warning', judged.cause);
    assert.match(judged.cause, /A trial run of \d+ steps did not revive them/);
    assert.strictEqual(judged.revivable, undefined, 'judged');
    // a training run judges them itself: its warnings are never revivable, so verification leaves them be
    const run = new TrainingRun(loaded);
    run.advance(loaded.spec.training.steps);
    const trained = runWarnings(run.warnings(), atStart, analyze(run.loaded));
    assert.ok(trained.every((w) => w.revivable === undefined));
  });
});
