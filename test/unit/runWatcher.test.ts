import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunWatcher } from '../../src/host/runs/runWatcher';

const ROOT = path.join(__dirname, '..', '..', '..');
const HEALTHY = fs.readFileSync(path.join(ROOT, 'test/fixtures/runs/healthy.gd.jsonl'), 'utf8').trimEnd().split('\n');
const HEADER = HEALTHY[0];
/** The healthy run's step lines as objects (60 of them). */
const STEPS = HEALTHY.slice(1).map((l) => JSON.parse(l) as Record<string, unknown>);

/** Step `k` of a run, with the healthy run's figures. */
const stepLine = (k: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ ...STEPS[k % STEPS.length], step: k, ...extra });

/** Waits (polling every 20 ms, at most 5 s) until `test` holds. */
async function until(test: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

suite('RunWatcher: tailing a run log while the run writes it', () => {
  let dir: string;
  let watchers: RunWatcher[] = [];
  setup(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-tail-'));
  });
  teardown(() => {
    watchers.forEach((w) => w.dispose());
    watchers = [];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A watcher on `name` in the temp folder, counting its updates. */
  function watch(name: string, options: ConstructorParameters<typeof RunWatcher>[3] = {}) {
    const counter = { updates: 0 };
    const w = new RunWatcher(path.join(dir, name), name, () => counter.updates++, options);
    watchers.push(w);
    return { w, counter };
  }

  test('a partial last line waits for its end; lines appended later are picked up (fs.watch)', async () => {
    const file = path.join(dir, 'run.gd.jsonl');
    const third = stepLine(2);
    fs.writeFileSync(file, `${HEADER}\n${stepLine(0)}\n${stepLine(1)}\n${third.slice(0, 40)}`);
    const { w } = watch('run.gd.jsonl', { pollMs: 60_000 }); // polling too slow to matter: fs.watch must see it
    await w.start();
    assert.ok(w.watching, 'fs.watch is in use');
    assert.strictEqual(w.digest.reader.records, 2);
    assert.strictEqual(w.digest.reader.skipped, 0, 'the partial line is not an error');
    assert.strictEqual(w.digest.reader.pendingChars, 40);
    fs.appendFileSync(file, `${third.slice(40)}\n${stepLine(3)}\n`);
    await until(() => w.digest.reader.records === 4, '4 records');
    assert.deepStrictEqual(
      w.digest.records().map((r) => r.step),
      [0, 1, 2, 3],
    );
    assert.strictEqual(w.digest.reader.skipped, 0);
    assert.strictEqual(w.bytesRead, fs.statSync(file).size);
  });

  test('polling alone follows the file, and a NaN appended live raises non_finite at its step', async () => {
    const file = path.join(dir, 'poll.gd.jsonl');
    fs.writeFileSync(file, `${HEADER}\n`);
    const { w, counter } = watch('poll.gd.jsonl', { pollOnly: true, pollMs: 25 });
    await w.start();
    assert.ok(!w.watching);
    assert.deepStrictEqual([w.digest.header?.layers.length, w.digest.reader.records], [3, 0]);
    for (let k = 0; k < 30; k++) fs.appendFileSync(file, `${stepLine(k, k === 17 ? { loss: 'NaN' } : {})}\n`);
    await until(() => w.digest.reader.records === 30, '30 records');
    assert.ok(counter.updates >= 2, `updates: ${counter.updates}`);
    const warnings = w.digest.warnings().map((x) => `${x.kind}@${x.firstStep}:${x.layer}`);
    assert.ok(warnings.includes('non_finite@17:4'), warnings.join(', '));
  });

  test('malformed and truncated lines are skipped and counted with their line numbers', async () => {
    const file = path.join(dir, 'bad.gd.jsonl');
    const lines = [HEADER, stepLine(0), 'not json', stepLine(1), '{"step": 2, "loss": 1', stepLine(3), '[1, 2]'];
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const { w } = watch('bad.gd.jsonl', { pollOnly: true, pollMs: 25 });
    await w.start();
    assert.strictEqual(w.digest.reader.records, 3);
    assert.strictEqual(w.digest.reader.skipped, 3);
    assert.deepStrictEqual(
      w.digest.reader.problems.map((p) => p.line),
      [3, 5, 7],
    );
    assert.match(w.digest.reader.problems[1].message, /JSON|truncated/);
    fs.appendFileSync(file, `${stepLine(4)}\n{oops\n`);
    await until(() => w.digest.reader.records === 4 && w.digest.reader.skipped === 4, 'one more of each');
    assert.strictEqual(w.digest.reader.problems[3].line, 9);
  });

  test('chunks of a few bytes read like one (UTF-8 split mid-character), memory held is one line', async () => {
    const file = path.join(dir, 'chunks.gd.jsonl');
    const header = HEADER.replace('"layers":[{"name":"0"', '"layers":[{"name":"couche-é→1"');
    const body = Array.from({ length: 12 }, (_, k) => stepLine(k)).join('\n');
    fs.writeFileSync(file, `${header}\n${body}\n`);
    const { w } = watch('chunks.gd.jsonl', { pollOnly: true, pollMs: 60_000, chunkBytes: 7 });
    await w.start();
    assert.strictEqual(w.digest.header?.layers[0].name, 'couche-é→1');
    assert.strictEqual(w.digest.reader.records, 12);
    assert.strictEqual(w.digest.reader.pendingChars, 0);
  });

  test('a file rewritten shorter or replaced (a new run at the same path) is read again from the start', async () => {
    const file = path.join(dir, 'again.gd.jsonl');
    fs.writeFileSync(file, `${HEADER}\n${[0, 1, 2, 3, 4].map((k) => stepLine(k)).join('\n')}\n`);
    const { w } = watch('again.gd.jsonl', { pollOnly: true, pollMs: 25 });
    await w.start();
    assert.strictEqual(w.digest.reader.records, 5);
    fs.writeFileSync(file, `${HEADER}\n${stepLine(0)}\n`);
    await until(() => w.restarts === 1 && w.digest.reader.records === 1, 'a restart on the shorter file');
    const next = path.join(dir, 'next.gd.jsonl');
    fs.writeFileSync(next, `${HEADER}\n${[0, 1, 2, 3, 4, 5, 6].map((k) => stepLine(k)).join('\n')}\n`);
    fs.renameSync(next, file);
    await until(() => w.restarts === 2 && w.digest.reader.records === 7, 'a restart on the replaced file');
  });

  test('bad input: no file yet, then not a run log, then an unknown version: each said, never a crash', async () => {
    const file = path.join(dir, 'late.gd.jsonl');
    const { w } = watch('late.gd.jsonl', { pollOnly: true, pollMs: 25 });
    await w.start();
    assert.strictEqual(w.error, 'the file is gone');
    fs.writeFileSync(file, '{"step": 0}\n');
    await until(() => w.digest.reader.fatal !== undefined, 'the header problem');
    assert.strictEqual(w.error, undefined);
    assert.match(w.digest.reader.fatal!.message, /not a run log header/);
    const other = path.join(dir, 'future.gd.jsonl');
    fs.writeFileSync(other, `${HEADER.replace('"version":1', '"version":7')}\n${stepLine(0)}\n`);
    const future = watch('future.gd.jsonl', { pollOnly: true, pollMs: 25 }).w;
    await future.start();
    assert.match(future.digest.reader.fatal!.message, /format version 7 is not supported/);
    assert.strictEqual(future.digest.reader.records, 0);
  });
});
