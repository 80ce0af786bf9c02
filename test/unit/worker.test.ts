import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { loadNetwork } from '../../src/core/load';
import { TrainingRun } from '../../src/core/trainingRun';
import type { FromWorker, ToWorker } from '../../src/host/training/workerProtocol';

const ROOT = path.join(__dirname, '..', '..', '..');
const WORKER = path.join(ROOT, 'dist', 'trainingWorker.js');

/** A worker with a promise-based request/next-message helper. */
function startWorker(): {
  send(m: ToWorker): void;
  next(type: FromWorker['type']): Promise<FromWorker>;
  stop(): Promise<number>;
} {
  assert.ok(fs.existsSync(WORKER), 'dist/trainingWorker.js is missing: run npm run build first (npm test does)');
  const worker = new Worker(WORKER);
  const queue: FromWorker[] = [];
  const waiting: { type: string; resolve: (m: FromWorker) => void }[] = [];
  worker.on('message', (m: FromWorker) => {
    const i = waiting.findIndex((w) => w.type === m.type);
    if (i >= 0) waiting.splice(i, 1)[0].resolve(m);
    else queue.push(m);
  });
  return {
    send: (m) => worker.postMessage(m),
    next: (type) => {
      const i = queue.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
      return new Promise((resolve) => waiting.push({ type, resolve }));
    },
    stop: () => worker.terminate(),
  };
}

/** Parameters after `steps` steps trained in-process by the same TrainingRun the CLI uses. */
function inProcess(text: string, csv: Record<string, string>, steps: number) {
  const { loaded } = loadNetwork(text, { readCsv: (p) => csv[p] });
  const run = new TrainingRun(loaded!);
  run.advance(steps);
  return { parameters: run.loaded.network.parameters(), losses: run.history.map((r) => r.loss) };
}

suite('training worker thread', function () {
  this.timeout(60_000);

  for (const example of ['xor-healthy', 'spiral-softmax', 'csv-regression', 'dead-relu']) {
    test(`${example}: the worker's training equals the CLI's bit for bit`, async () => {
      const text = fs.readFileSync(path.join(ROOT, 'examples', `${example}.net.json`), 'utf8');
      const csv: Record<string, string> =
        example === 'csv-regression'
          ? { 'data/plants.csv': fs.readFileSync(path.join(ROOT, 'examples', 'data', 'plants.csv'), 'utf8') }
          : {};
      const w = startWorker();
      try {
        w.send({ type: 'load', text, csv });
        assert.deepStrictEqual(await w.next('loaded'), { type: 'loaded', problems: [] });
        w.send({ type: 'run', steps: 150, throttleMs: 5 });
        const stopped = await w.next('stopped');
        assert.ok(stopped.type === 'stopped' && stopped.reason === 'completed' && stopped.stepsDone === 150);
        w.send({ type: 'getParameters' });
        const params = await w.next('parameters');
        const expected = inProcess(text, csv, 150);
        assert.ok(params.type === 'parameters');
        assert.deepStrictEqual(params.parameters, expected.parameters);
      } finally {
        await w.stop();
      }
    });
  }

  test('pausing keeps the state reached; resetting returns to the initial weights', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'spiral-softmax.net.json'), 'utf8');
    const w = startWorker();
    try {
      w.send({ type: 'load', text, csv: {} });
      await w.next('loaded');
      w.send({ type: 'run', steps: 1_000_000, throttleMs: 10 });
      await w.next('progress');
      w.send({ type: 'pause' });
      const stopped = await w.next('stopped');
      assert.ok(stopped.type === 'stopped' && stopped.reason === 'paused');
      assert.ok(stopped.stepsDone > 0 && stopped.stepsDone < 1_000_000);
      w.send({ type: 'getParameters' });
      const paused = await w.next('parameters');
      assert.ok(paused.type === 'parameters');
      assert.deepStrictEqual(paused.parameters, inProcess(text, {}, stopped.stepsDone).parameters);
      w.send({ type: 'reset' });
      w.send({ type: 'getParameters' });
      const reset = await w.next('parameters');
      assert.ok(reset.type === 'parameters');
      assert.deepStrictEqual(reset.parameters, inProcess(text, {}, 0).parameters);
    } finally {
      await w.stop();
    }
  });

  test('a run that overflows stops at the first non-finite loss with the over-time warnings', async () => {
    const spec = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'xor-healthy.net.json'), 'utf8'));
    spec.layers = [
      { name: 'h', units: 8, activation: 'linear' },
      { name: 'out', units: 1, activation: 'linear' },
    ];
    spec.loss = 'mse';
    spec.data = {
      inputs: [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
      targets: [[10], [20], [30], [40]],
    };
    spec.training = { learningRate: 0.5 };
    const w = startWorker();
    try {
      w.send({ type: 'load', text: JSON.stringify(spec), csv: {} });
      await w.next('loaded');
      w.send({ type: 'run', steps: 500, throttleMs: 5 });
      const stopped = await w.next('stopped');
      assert.ok(stopped.type === 'stopped' && stopped.reason === 'nonFinite' && stopped.stepsDone < 500);
      // the first NaN/∞ (in a gradient norm or an activation) comes at or before the step whose loss overflowed
      const nan = stopped.warnings.find((x) => x.kind === 'non_finite');
      assert.ok(
        nan && nan.firstStep !== undefined && nan.firstStep > 0 && nan.firstStep <= stopped.stepsDone - 1,
        JSON.stringify(stopped.warnings.map((x) => [x.kind, x.firstStep])),
      );
      assert.ok(stopped.warnings.some((x) => x.kind === 'exploding_gradient' && x.firstStep! < nan.firstStep!));
    } finally {
      await w.stop();
    }
  });
});
