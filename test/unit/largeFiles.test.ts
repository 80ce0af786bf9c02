import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { withParameters } from '../../src/core/format/fixEdits';
import { loadNetwork } from '../../src/core/load';
import { TrainingRun } from '../../src/core/trainingRun';
import { WorkerClient } from '../../src/host/worker/workerClient';

const ROOT = path.join(__dirname, '..', '..', '..');
const WORKER = path.join(ROOT, 'dist', 'coreWorker.js');
const EXAMPLE = path.join(ROOT, 'examples', 'spiral-softmax.net.json');

/** Files over VS Code's 50 MB limit reach the worker as a path: it reads them and writes their weights anew. */
suite('network files read from disk by the worker', function () {
  this.timeout(60_000);
  let dir: string;
  let w: WorkerClient;

  setup(() => {
    assert.ok(fs.existsSync(WORKER), 'dist/coreWorker.js is missing: run npm run build first (npm test does)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-large-'));
    w = new WorkerClient(WORKER);
  });
  teardown(() => {
    w.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('trains a file read from disk and writes its trained weights to a new file, the original untouched', async () => {
    const original = fs.readFileSync(EXAMPLE, 'utf8');
    const file = path.join(dir, 'big.net.json');
    fs.writeFileSync(file, original);
    assert.deepStrictEqual(await w.request({ type: 'load', diskPath: file, csv: {} }).reply, { problems: [] });
    const target = path.join(dir, 'big.trained.net.json');
    const early = await w.request({ type: 'writeParameters', target }).reply;
    assert.deepStrictEqual(early, { written: false, refused: 'there are no trained weights (train first)' });
    assert.strictEqual((await w.request({ type: 'train', steps: 40, throttleMs: 5 }).reply).stepsDone, 40);
    assert.deepStrictEqual(await w.request({ type: 'writeParameters', target }).reply, { written: true });
    assert.strictEqual(fs.readFileSync(file, 'utf8'), original);
    // the new file is the original with the weights of the network trained in-process for as many steps
    const run = new TrainingRun(loadNetwork(original).loaded!);
    run.advance(40);
    const written = fs.readFileSync(target, 'utf8');
    assert.strictEqual(written, withParameters(original, run.loaded.network.parameters()));
    assert.notStrictEqual(written, withParameters(original, loadNetwork(original).loaded!.network.parameters()));
    const again = await w.request({ type: 'writeParameters', target }).reply;
    assert.deepStrictEqual(again, { written: false, refused: 'big.trained.net.json already exists' });
  });

  test('a path that is not a regular file, or is missing, is a problem at the start of the file, not a crash', async () => {
    const fifo = path.join(dir, 'pipe.net.json');
    execFileSync('mkfifo', [fifo]);
    for (const [diskPath, message] of [
      [dir, /not a regular file/],
      [fifo, /not a regular file/],
      [path.join(dir, 'gone.net.json'), /cannot read gone\.net\.json: ENOENT/],
    ] as const) {
      const { problems } = await w.request({ type: 'analyze', diskPath, csv: {} }).reply;
      assert.strictEqual(problems.length, 1);
      assert.match(problems[0].message, message);
      assert.deepStrictEqual([problems[0].severity, problems[0].start], ['error', { line: 0, character: 0 }]);
    }
  });

  test('a file read from disk names the CSV it came without; loaded again with it, it trains as in-process', async () => {
    const file = path.join(ROOT, 'examples', 'csv-regression.net.json');
    const csvText = fs.readFileSync(path.join(ROOT, 'examples', 'data', 'plants.csv'), 'utf8');
    const first = await w.request({ type: 'load', diskPath: file, csv: {} }).reply;
    assert.strictEqual(first.csvPath, 'data/plants.csv');
    assert.ok(first.problems.some((p) => p.severity === 'error'));
    const csv: Record<string, string> = { 'data/plants.csv': csvText };
    assert.deepStrictEqual(await w.request({ type: 'load', diskPath: file, csv }).reply, { problems: [] });
    await w.request({ type: 'train', steps: 20, throttleMs: 5 }).reply;
    const run = new TrainingRun(loadNetwork(fs.readFileSync(file, 'utf8'), { readCsv: (p) => csv[p] }).loaded!);
    run.advance(20);
    const { parameters } = await w.request({ type: 'getParameters' }).reply;
    assert.deepStrictEqual(parameters, run.loaded.network.parameters());
    const refused = { 'data/plants.csv': { refused: 'it is not a regular file' } };
    const third = await w.request({ type: 'load', diskPath: file, csv: {}, refused }).reply;
    assert.strictEqual(third.csvPath, undefined, 'a CSV the host refused is not asked for again');
  });

  test('analysis of a file read from disk equals the analysis of its text', async () => {
    const text = fs.readFileSync(EXAMPLE, 'utf8');
    const fromDisk = await w.request({ type: 'analyze', diskPath: EXAMPLE, csv: {} }).reply;
    const fromText = await w.request({ type: 'analyze', text, csv: {} }).reply;
    assert.ok(fromDisk.report);
    assert.deepStrictEqual(fromDisk, fromText);
  });
});
