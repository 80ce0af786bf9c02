/**
 * Worker-thread entry (dist/trainingWorker.js): trains off the extension host's main thread,
 * in time slices so that pause and other requests are handled between them.
 */
import { parentPort } from 'worker_threads';
import { explainWeight } from '../../core/explain';
import { loadNetwork } from '../../core/load';
import { decisionSurface } from '../../core/surface';
import { StepRecord } from '../../core/diagnosis/report';
import { TrainingRun } from '../../core/trainingRun';
import { FromWorker, StopReason, ToWorker } from './workerProtocol';

/** Milliseconds of training between checks for incoming messages. */
const SLICE_MS = 20;

let run: TrainingRun | undefined;
let running = false;

const post = (msg: FromWorker): void => parentPort?.postMessage(msg);

/** The decision surface of the current network (2-input networks only). */
function surfaceOf(r: TrainingRun) {
  const { network, dataset } = r.loaded;
  return decisionSurface(network, dataset);
}

async function train(steps: number, throttleMs: number): Promise<void> {
  if (!run || running) return;
  const current = run;
  running = true;
  const target = current.stepsDone + steps;
  let lastPost = 0;
  let pending: StepRecord[] = [];
  let reason: StopReason = 'completed';
  while (running && current.stepsDone < target) {
    const sliceEnd = Date.now() + SLICE_MS;
    const { records, nonFinite } = current.advance(target, () => Date.now() >= sliceEnd);
    pending.push(...records);
    if (nonFinite) {
      reason = 'nonFinite';
      break;
    }
    if (Date.now() - lastPost >= throttleMs) {
      post({ type: 'progress', stepsDone: current.stepsDone, records: pending, surface: surfaceOf(current) });
      pending = [];
      lastPost = Date.now();
    }
    await new Promise((resolve) => setImmediate(resolve)); // lets 'pause' arrive
  }
  if (reason === 'completed' && current.stepsDone < target) reason = 'paused';
  running = false;
  post({ type: 'progress', stepsDone: current.stepsDone, records: pending, surface: surfaceOf(current) });
  post({ type: 'stopped', reason, stepsDone: current.stepsDone, warnings: current.warnings() });
}

function handle(msg: ToWorker): void {
  switch (msg.type) {
    case 'load': {
      running = false;
      const { loaded, problems } = loadNetwork(msg.text, { readCsv: (p) => msg.csv[p] });
      run = loaded ? new TrainingRun(loaded, msg.thresholds) : undefined;
      post({ type: 'loaded', problems });
      return;
    }
    case 'run':
      void train(msg.steps, msg.throttleMs);
      return;
    case 'pause':
      running = false;
      return;
    case 'reset':
      running = false;
      run?.reset();
      if (run) post({ type: 'progress', stepsDone: 0, records: [], surface: surfaceOf(run) });
      return;
    case 'getParameters':
      if (run) post({ type: 'parameters', parameters: run.loaded.network.parameters() });
      return;
    case 'explain':
      if (run)
        post({ type: 'explanation', explanation: explainWeight(run.loaded, msg.layerIndex, msg.unit, msg.input) });
      return;
    default: {
      const unknown: never = msg;
      post({ type: 'error', message: `unknown request ${JSON.stringify(unknown)}` });
    }
  }
}

parentPort?.on('message', (msg: ToWorker) => {
  try {
    handle(msg);
  } catch (e) {
    running = false;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
