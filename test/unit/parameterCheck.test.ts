import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { nonFiniteCount, parameterMismatch } from '../../src/core/format/parameterCheck';
import { loadNetwork } from '../../src/core/load';
import { TrainingRun } from '../../src/core/trainingRun';

const ROOT = path.join(__dirname, '..', '..', '..');
const text = fs.readFileSync(path.join(ROOT, 'examples', 'xor-healthy.net.json'), 'utf8');

/** xor-healthy's parameters after 50 steps. */
function trained() {
  const run = new TrainingRun(loadNetwork(text).loaded!);
  run.advance(50);
  return run.loaded.network.parameters();
}

suite('writing trained weights checks the file first', () => {
  test('the file as trained takes its weights', () => {
    assert.strictEqual(parameterMismatch(text, trained()), undefined);
  });

  test('a layer widened while training: refused, naming the layer and both shapes', () => {
    const edited = text.replace('"units": 4', '"units": 5');
    assert.notStrictEqual(edited, text);
    const why = parameterMismatch(edited, trained());
    assert.match(why ?? '', /layer 1 \('hidden'\) is now 5 × 2 .*trained as 4 × 2/);
  });

  test('a layer added while training: refused', () => {
    const spec = JSON.parse(text);
    spec.layers.splice(1, 0, { name: 'extra', units: 4, activation: 'tanh' });
    assert.match(
      parameterMismatch(JSON.stringify(spec), trained()) ?? '',
      /now has 3 layers; the trained network has 2/,
    );
  });

  test('NaN or ∞ are never written (JSON would turn them into null)', () => {
    const p = trained();
    p[0].weights[1][0] = NaN;
    p[1].bias[0] = Infinity;
    assert.strictEqual(nonFiniteCount(p), 2);
    assert.match(parameterMismatch(text, p) ?? '', /2 trained values are NaN or infinite/);
  });
});
