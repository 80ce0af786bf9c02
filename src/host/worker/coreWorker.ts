/**
 * Worker-thread entry (dist/coreWorker.js): everything heavy the extension does, off the host's
 * thread. Analysis and the gradient check are stateless requests; a training worker also holds
 * one TrainingRun and trains it in time slices, so pause, cancel and other requests are handled
 * between them. Every reply names the id of the request it answers.
 */
import { parentPort } from 'worker_threads';
import { analyze } from '../../core/analysis';
import { explainWeight } from '../../core/explain';
import { gradientCheckSteps } from '../../core/gradcheck';
import { verifyFixesSteps } from '../../core/fixVerification';
import { LoadOptions, loadNetwork } from '../../core/load';
import { decisionSurface } from '../../core/surface';
import { StepRecord } from '../../core/diagnosis/report';
import { TrainingRun } from '../../core/trainingRun';
import { FileInput, FromWorker, StopReason, ToWorker, WorkerProgress, WorkerRequest, WorkerResults } from './protocol';

/** Milliseconds of work between checks for incoming messages. */
const SLICE_MS = 20;
/** Gradient-check progress is reported at most this often. */
const PROGRESS_MS = 100;

let run: TrainingRun | undefined;
/** The id of the training request in progress, if any. */
let training: number | undefined;
/** Ids of requests asked to stop. */
const cancelled = new Set<number>();

const post = (msg: FromWorker): void => parentPort?.postMessage(msg);
const reply = <K extends WorkerRequest['type']>(id: number, _type: K, result: WorkerResults[K]): void =>
  post({ type: 'result', id, result });
const progress = <K extends keyof WorkerProgress>(id: number, _type: K, p: WorkerProgress[K]): void =>
  post({ type: 'progress', id, progress: p });
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How a file's text is loaded: with the CSV contents it came with, at most `maxSamples` samples. */
function fileOptions(file: FileInput): LoadOptions {
  return {
    readCsv: (p) => file.csv[p] ?? file.refused?.[p],
    maxSamples: file.maxSamples,
    ...(file.maxMemoryMB !== undefined ? { maxMemoryMB: file.maxMemoryMB } : {}),
  };
}

/** Loads a file's text with the CSV contents it came with. */
function load(file: FileInput): ReturnType<typeof loadNetwork> {
  return loadNetwork(file.text, fileOptions(file));
}

/** The decision surface of the current network (2-input networks only). */
function surfaceOf(r: TrainingRun) {
  const { network, dataset } = r.loaded;
  return decisionSurface(network, dataset);
}

async function train(id: number, steps: number, throttleMs: number): Promise<void> {
  const current = run;
  if (!current || training !== undefined) {
    reply(id, 'train', { reason: 'completed', stepsDone: current?.stepsDone ?? 0, warnings: [] });
    return;
  }
  training = id;
  const target = current.stepsDone + steps;
  let lastPost = 0;
  let pending: StepRecord[] = [];
  let reason: StopReason = 'completed';
  while (training === id && !cancelled.has(id) && current.stepsDone < target) {
    const sliceEnd = Date.now() + SLICE_MS;
    const { records, nonFinite } = current.advance(target, () => Date.now() >= sliceEnd);
    pending.push(...records);
    if (nonFinite) {
      reason = 'nonFinite';
      break;
    }
    if (Date.now() - lastPost >= throttleMs) {
      progress(id, 'train', { stepsDone: current.stepsDone, records: pending, surface: surfaceOf(current) });
      pending = [];
      lastPost = Date.now();
    }
    await nextTurn(); // lets 'pause' and 'cancel' arrive
  }
  if (reason === 'completed' && current.stepsDone < target) reason = 'paused';
  if (training === id) training = undefined;
  cancelled.delete(id);
  progress(id, 'train', { stepsDone: current.stepsDone, records: pending, surface: surfaceOf(current) });
  reply(id, 'train', { reason, stepsDone: current.stepsDone, warnings: current.warnings() });
}

/**
 * Runs a generator in time slices, handing its progress to `report` at most every `everyMs`
 * (0: every value), and lets other messages in between; a cancelled request answers with an error.
 */
async function sliced<P, R>(id: number, steps: Generator<P, R>, report: (p: P) => void, everyMs: number): Promise<R> {
  let lastPost = 0;
  for (;;) {
    const sliceEnd = Date.now() + SLICE_MS;
    let next = steps.next();
    while (!next.done) {
      if (everyMs === 0 || Date.now() - lastPost >= everyMs) {
        report(next.value);
        lastPost = Date.now();
      }
      if (Date.now() >= sliceEnd) break;
      next = steps.next();
    }
    if (next.done) return next.value;
    await nextTurn();
    if (cancelled.delete(id)) throw new Error('cancelled');
  }
}

async function handle({ id, request }: ToWorker): Promise<void> {
  switch (request.type) {
    case 'load': {
      training = undefined;
      const { loaded, problems } = load(request);
      run = loaded ? new TrainingRun(loaded, request.thresholds) : undefined;
      return reply(id, 'load', { problems });
    }
    case 'train':
      return train(id, request.steps, request.throttleMs);
    case 'pause':
      training = undefined;
      return reply(id, 'pause', {});
    case 'reset':
      training = undefined;
      run?.reset();
      return reply(id, 'reset', { surface: run && surfaceOf(run) });
    case 'getParameters':
      return reply(id, 'getParameters', { parameters: run?.loaded.network.parameters() });
    case 'explain': {
      const loaded = request.file ? load(request.file).loaded : run?.loaded;
      const explanation = loaded && explainWeight(loaded, request.layerIndex, request.unit, request.input);
      return reply(id, 'explain', { explanation });
    }
    case 'analyze': {
      const { loaded, problems } = load(request);
      return reply(id, 'analyze', { problems, report: loaded && analyze(loaded, request.thresholds) });
    }
    case 'gradientCheck': {
      const { loaded, problems } = load(request);
      const options = request.tolerance !== undefined ? { tolerance: request.tolerance } : {};
      const report = (p: WorkerProgress['gradientCheck']): void => progress(id, 'gradientCheck', p);
      const check = loaded && (await sliced(id, gradientCheckSteps(loaded, options), report, PROGRESS_MS));
      return reply(id, 'gradientCheck', { problems, check });
    }
    case 'verifyFixes': {
      const steps = verifyFixesSteps(request.text, fileOptions(request), request.warnings, {
        thresholds: request.thresholds,
      });
      return reply(id, 'verifyFixes', { warnings: await sliced(id, steps, (p) => progress(id, 'verifyFixes', p), 0) });
    }
    case 'cancel':
      if (training === request.target) training = undefined;
      else cancelled.add(request.target);
      return reply(id, 'cancel', {});
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

parentPort?.on('message', (msg: ToWorker) => {
  handle(msg).catch((e: unknown) => {
    if (training === msg.id) training = undefined;
    post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
  });
});
