import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../src/core/analysis';
import { explainWeight } from '../../src/core/explain';
import { verifyFixes } from '../../src/core/fixVerification';
import { gradientCheck } from '../../src/core/gradcheck';
import { loadNetwork } from '../../src/core/load';
import { TrainingRun } from '../../src/core/trainingRun';
import { CancelledError, WorkerClient, WorkerStoppedError } from '../../src/host/worker/workerClient';

const ROOT = path.join(__dirname, '..', '..', '..');
const WORKER = path.join(ROOT, 'dist', 'coreWorker.js');
const example = (name: string): string => fs.readFileSync(path.join(ROOT, 'examples', `${name}.net.json`), 'utf8');

/** A worker client on the built worker. */
function client(onStopped?: (why: string) => void): WorkerClient {
  assert.ok(fs.existsSync(WORKER), 'dist/coreWorker.js is missing: run npm run build first (npm test does)');
  return new WorkerClient(WORKER, onStopped);
}

/** Parameters after `steps` steps trained in-process by the same TrainingRun the CLI uses. */
function inProcess(text: string, csv: Record<string, string>, steps: number) {
  const { loaded } = loadNetwork(text, { readCsv: (p) => csv[p] });
  const run = new TrainingRun(loaded!);
  run.advance(steps);
  return { parameters: run.loaded.network.parameters(), losses: run.history.map((r) => r.loss) };
}

suite('core worker thread', function () {
  this.timeout(60_000);

  for (const name of ['xor-healthy', 'spiral-softmax', 'csv-regression', 'dead-relu']) {
    test(`${name}: the worker's training equals the CLI's bit for bit`, async () => {
      const text = example(name);
      const csv: Record<string, string> =
        name === 'csv-regression'
          ? { 'data/plants.csv': fs.readFileSync(path.join(ROOT, 'examples', 'data', 'plants.csv'), 'utf8') }
          : {};
      const w = client();
      try {
        assert.deepStrictEqual(await w.request({ type: 'load', text, csv }).reply, { problems: [] });
        const stopped = await w.request({ type: 'train', steps: 150, throttleMs: 5 }).reply;
        assert.strictEqual(stopped.reason, 'completed');
        assert.strictEqual(stopped.stepsDone, 150);
        const { parameters } = await w.request({ type: 'getParameters' }).reply;
        assert.deepStrictEqual(parameters, inProcess(text, csv, 150).parameters);
      } finally {
        w.dispose();
      }
    });
  }

  test("fix verification in the worker posts each warning as it lands, equal to the core's, and stops when cancelled", async () => {
    const text = example('exploding-init');
    const warnings = analyze(loadNetwork(text).loaded!).warnings;
    const expected = verifyFixes(text, {}, warnings);
    const w = client();
    try {
      const posted: number[] = [];
      const { reply } = w.request({ type: 'verifyFixes', text, csv: {}, warnings }, (p) => posted.push(p.index));
      const result = await reply;
      assert.deepStrictEqual(
        posted,
        warnings.map((_, i) => i),
      );
      assert.deepStrictEqual(JSON.parse(JSON.stringify(result.warnings)), JSON.parse(JSON.stringify(expected)));
      const second = w.request({ type: 'verifyFixes', text, csv: {}, warnings });
      w.cancel(second.id);
      await assert.rejects(second.reply, CancelledError);
    } finally {
      w.dispose();
    }
  });

  test('cancelling a training keeps the state reached; resetting returns to the initial weights', async () => {
    const text = example('spiral-softmax');
    const w = client();
    try {
      await w.request({ type: 'load', text, csv: {} }).reply;
      let sawProgress!: () => void;
      const progressed = new Promise<void>((resolve) => (sawProgress = resolve));
      const training = w.request({ type: 'train', steps: 1_000_000, throttleMs: 10 }, () => sawProgress());
      await progressed;
      w.cancel(training.id);
      const stopped = await training.reply;
      assert.strictEqual(stopped.reason, 'paused');
      assert.ok(stopped.stepsDone > 0 && stopped.stepsDone < 1_000_000);
      const paused = await w.request({ type: 'getParameters' }).reply;
      assert.deepStrictEqual(paused.parameters, inProcess(text, {}, stopped.stepsDone).parameters);
      await w.request({ type: 'reset' }).reply;
      const reset = await w.request({ type: 'getParameters' }).reply;
      assert.deepStrictEqual(reset.parameters, inProcess(text, {}, 0).parameters);
    } finally {
      w.dispose();
    }
  });

  test('two explanations asked at once (a hover and a panel click) both get their own answer', async () => {
    const text = example('xor-healthy');
    const w = client();
    try {
      const file = { text, csv: {} };
      const a = w.request({ type: 'explain', layerIndex: 0, unit: 1, input: 0, file });
      const b = w.request({ type: 'explain', layerIndex: 1, unit: 0, input: 2, file });
      const [ea, eb] = await Promise.all([a.reply, b.reply]);
      const { loaded } = loadNetwork(text);
      assert.deepStrictEqual(ea.explanation, explainWeight(loaded!, 0, 1, 0));
      assert.strictEqual(eb.explanation?.layerIndex, 1);
      assert.strictEqual(eb.explanation?.input, 2);
    } finally {
      w.dispose();
    }
  });

  test('a worker killed mid-training: the request fails with WorkerStoppedError, the host hears why, a new request starts afresh', async () => {
    const stops: string[] = [];
    const w = client((why) => stops.push(why));
    try {
      await w.request({ type: 'load', text: example('spiral-softmax'), csv: {} }).reply;
      let kill!: () => void;
      const progressed = new Promise<void>((resolve) => (kill = resolve));
      const training = w.request({ type: 'train', steps: 1_000_000, throttleMs: 10 }, () => kill());
      await progressed;
      // the worker dies as if it crashed: process.exit inside it
      (w as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      await assert.rejects(training.reply, WorkerStoppedError);
      assert.strictEqual(stops.length, 1, stops.join('; '));
      const again = await w.request({ type: 'load', text: example('xor-healthy'), csv: {} }).reply;
      assert.deepStrictEqual(again.problems, []);
    } finally {
      w.dispose();
    }
  });

  test('analysis in the worker equals the in-process analysis', async () => {
    const text = example('deep-sigmoid-vanishing');
    const w = client();
    try {
      const { report, problems } = await w.request({ type: 'analyze', text, csv: {} }).reply;
      assert.deepStrictEqual(problems, []);
      assert.deepStrictEqual(report, analyze(loadNetwork(text).loaded!));
    } finally {
      w.dispose();
    }
  });

  test('the gradient check reports progress, equals the in-process check, and can be cancelled', async () => {
    const text = example('spiral-softmax');
    const w = client();
    try {
      const seen: number[] = [];
      const { check } = await w.request({ type: 'gradientCheck', text, csv: {} }, (p) => seen.push(p.done)).reply;
      assert.deepStrictEqual(check, gradientCheck(loadNetwork(text).loaded!));
      assert.ok(check!.samples <= 256 && check!.samplesInData === loadNetwork(text).loaded!.dataset.samples);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1]);
      const big = JSON.parse(text);
      big.layers[0].units = 400;
      const running = w.request({ type: 'gradientCheck', text: JSON.stringify(big), csv: {} });
      setTimeout(() => w.cancel(running.id), 50);
      await assert.rejects(running.reply, CancelledError);
    } finally {
      w.dispose();
    }
  });
});
