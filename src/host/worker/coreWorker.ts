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
import { parseNetworkText } from '../../core/format/parse';
import { decisionSurface } from '../../core/surface';
import { StepRecord, Warning } from '../../core/diagnosis/report';
import { ThinnedHistory } from '../../core/diagnosis/thinnedHistory';
import { TrainingRun } from '../../core/trainingRun';
import { DiskFileError, readNetworkFile, writeTrainedFile } from './diskFiles';
import { panelMark } from '../panelTiming';
import { PostCadence } from './postCadence';
import { threadKernels } from './productHelper';
import {
  FileInput,
  FromWorker,
  NetworkSource,
  StopReason,
  ToWorker,
  WorkerProgress,
  WorkerRequest,
  WorkerResults,
} from './protocol';

/** End-to-end tests make the worker die mid-training, as a crash would, once a run passes this step. */
const EXIT_AT_STEP = Number(process.env.GD_TEST_WORKER_EXIT_AT_STEP) || Infinity;
/** Milliseconds of work between checks for incoming messages. */
const SLICE_MS = 20;
/** Largest share of training time spent redrawing the decision surface while training runs. */
const SURFACE_SHARE = 0.1;
/** Step records one training progress report carries at least (evenly thinned past twice this). */
const POSTED_POINTS = 300;
/** Gradient-check progress is reported at most this often. */
const PROGRESS_MS = 100;

/** This thread's kernels: every network it loads shares them (and the memory the last one gave back). */
const KERNELS = threadKernels();

let run: TrainingRun | undefined;
/** The text `run` was loaded from (its trained weights are written into a copy of it). */
let runText = '';
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
    kernels: KERNELS,
    ...(file.maxMemoryMB !== undefined ? { maxMemoryMB: file.maxMemoryMB } : {}),
  };
}

/** A file's text: the one it came with, or read from disk (files over the editor's 50 MB limit). */
function textOf(file: NetworkSource): string {
  return file.diskPath !== undefined ? readNetworkFile(file.diskPath) : file.text;
}

/** Loads a file with the CSV contents it came with; a file that cannot be read is a problem at its start. */
function load(file: FileInput): ReturnType<typeof loadNetwork> & { text: string } {
  let text: string;
  try {
    text = textOf(file);
  } catch (e) {
    if (!(e instanceof DiskFileError)) throw e;
    const start = { line: 0, character: 0 };
    const end = { line: 0, character: 1 };
    const problem = { path: [], message: e.message, severity: 'error', offset: 0, length: 1, start, end } as const;
    return { problems: [problem], text: '' };
  }
  return { ...loadNetwork(text, fileOptions(file)), text };
}

/** The CSV path a file names that it came without (neither read nor refused by the host). */
function missingCsv(text: string, file: FileInput): string | undefined {
  const data = parseNetworkText(text).spec?.data;
  return data?.kind === 'csv' && !(data.path in file.csv) && !(data.path in (file.refused ?? {}))
    ? data.path
    : undefined;
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
  panelMark('worker: training starts');
  const target = current.stepsDone + steps;
  const cadence = new PostCadence(throttleMs);
  // the steps since the last post, thinned: however fast it trains, a post carries at most 2·POSTED_POINTS + 1
  const pending = new ThinnedHistory(POSTED_POINTS);
  const keep = (r: StepRecord): void => pending.push(r);
  // the decision surface (a forward pass over a grid) is redrawn while it costs at most SURFACE_SHARE of the time
  let surfaceDue = 0;
  const postPending = (last = false): void => {
    const started = Date.now();
    const surface = last || started >= surfaceDue ? surfaceOf(current) : undefined;
    if (surface) surfaceDue = Date.now() + (Date.now() - started) / SURFACE_SHARE;
    progress(id, 'train', { stepsDone: current.stepsDone, records: pending.records(), surface });
    pending.clear();
  };
  let reason: StopReason = 'completed';
  while (training === id && !cancelled.has(id) && current.stepsDone < target) {
    const sliceStart = Date.now();
    const sliceEnd = sliceStart + SLICE_MS;
    const { nonFinite } = current.advance(target, () => Date.now() >= sliceEnd, keep);
    if (current.stepsDone >= EXIT_AT_STEP) process.exit(70);
    if (nonFinite) {
      reason = 'nonFinite';
      break;
    }
    const now = Date.now();
    if (cadence.due(now, now - sliceStart)) postPending();
    await nextTurn(); // lets 'pause' and 'cancel' arrive
  }
  panelMark('worker: training ends');
  if (reason === 'completed' && current.stepsDone < target) reason = 'paused';
  if (training === id) training = undefined;
  cancelled.delete(id);
  postPending(true);
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

/** Verifies a file's warnings' fixes in slices, posting each warning as soon as its fixes are verified. */
async function verify(id: number, request: Extract<WorkerRequest, { type: 'verifyFixes' }>): Promise<Warning[]> {
  const steps = verifyFixesSteps(textOf(request), fileOptions(request), request.warnings, {
    thresholds: request.thresholds,
  });
  return sliced(id, steps, (p) => p && progress(id, 'verifyFixes', p), 0);
}

/** Loads and analyses a file, then gives its network's memory back for the next analysis (live edits come often). */
function analyzeFile(id: number, request: Extract<WorkerRequest, { type: 'analyze' }>): void {
  panelMark('worker: request arrived');
  const { loaded, problems } = load(request);
  panelMark('worker: loaded');
  const report = loaded && analyze(loaded, request.thresholds);
  panelMark('worker: analysed');
  reply(id, 'analyze', { problems, report });
  loaded?.network.workspace.release(); // the report is posted (copied): its buffers are no longer read
}

async function handle({ id, request }: ToWorker): Promise<void> {
  switch (request.type) {
    case 'load': {
      training = undefined;
      const { loaded, problems, text } = load(request);
      run = loaded ? new TrainingRun(loaded, request.thresholds) : undefined;
      runText = text;
      const csvPath = loaded || request.diskPath === undefined ? undefined : missingCsv(text, request);
      return reply(id, 'load', csvPath !== undefined ? { problems, csvPath } : { problems });
    }
    case 'writeParameters': {
      if (!run?.stepsDone || training !== undefined)
        return reply(id, 'writeParameters', { written: false, refused: 'there are no trained weights (train first)' });
      const refused = writeTrainedFile(request.target, runText, run.loaded.network.parameters());
      return reply(id, 'writeParameters', refused ? { written: false, refused } : { written: true });
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
    case 'analyze':
      return analyzeFile(id, request);
    case 'gradientCheck': {
      const { loaded, problems } = load(request);
      const options = request.tolerance !== undefined ? { tolerance: request.tolerance } : {};
      const report = (p: WorkerProgress['gradientCheck']): void => progress(id, 'gradientCheck', p);
      const check = loaded && (await sliced(id, gradientCheckSteps(loaded, options), report, PROGRESS_MS));
      return reply(id, 'gradientCheck', { problems, check });
    }
    case 'verifyFixes':
      return reply(id, 'verifyFixes', { warnings: await verify(id, request) });
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
