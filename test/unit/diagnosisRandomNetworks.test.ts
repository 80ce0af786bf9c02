/**
 * Faults found on random practitioner networks (random depth, width, activations, inits, optimizers and rates,
 * labelled by the eval's truth rules): each failed before the change it tests.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../src/core/analysis';
import { loadNetwork } from '../../src/core/load';

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
});
