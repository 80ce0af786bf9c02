import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { loadNetwork } from '../../src/core/load';
import { StepRecord } from '../../src/core/diagnosis/report';
import { TrainingRun } from '../../src/core/trainingRun';

const ROOT = path.join(__dirname, '..', '..', '..');

/** A full collection, so heap figures are what is held, not garbage not yet collected. */
function collect(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Issue 12 item 3: a long run holds the thinned history only (bench/longRun.mjs measures RSS at 1M steps). */
suite('long training runs hold bounded memory', () => {
  test('advance(50,000) keeps no per-step records: the heap after it holds under 2 MB more than before', () => {
    const gc = collect();
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'xor-healthy.net.json'), 'utf8');
    const run = new TrainingRun(loadNetwork(text).loaded!);
    run.advance(1000);
    gc();
    const before = process.memoryUsage().heapUsed;
    let seen = 0;
    let last: StepRecord | undefined;
    const result = run.advance(51_000, undefined, (r) => {
      seen++;
      last = r;
    });
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    assert.deepStrictEqual(result, { steps: 50_000, nonFinite: false }); // held until here: it must be small
    assert.strictEqual(seen, 50_000);
    assert.strictEqual(last?.step, 50_999);
    assert.ok(run.history.length <= 1201, `${run.history.length} history points`);
    assert.ok(grown < 2 * 2 ** 20, `heap grew ${(grown / 2 ** 20).toFixed(1)} MB over 50,000 steps`);
  });
});
