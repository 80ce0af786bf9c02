// Where one analysis of the live-edit benchmark's 100k-parameter network spends its time (issue 13), in one Node
// process without VS Code: load, the forward/backward pass, the optimizer's first step, the per-layer statistics,
// the whole analyze(), and the report's structured clone and JSON (what the worker and webview messages cost).
//   node bench/analysisParts.mjs [--runs N] [--typescript] [--worker]
// Prints the median of each part over N runs (after one warm-up run). --worker analyses as the extension's analysis
// worker does: large products shared with a helper thread (src/host/worker/productHelper.ts), and each network's
// memory given back for the next one.
import fs from 'node:fs';
import { bundleCore } from './bundleCore.mjs';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;

/** The 2-310-310-1 sigmoid network of bench/panelSpeed.mjs (97,651 parameters) on 2,000 samples. */
const WIDE = fs.readFileSync(new URL('wide-100k.net.json', import.meta.url), 'utf8');

const core = bundleCore('analysis-parts', {
  loadNetwork: 'src/core/load.ts',
  analyze: 'src/core/analysis.ts',
  firstStepNorms: 'src/core/nn/firstStep.ts',
  Kernels: 'src/core/kernels/workspace.ts',
  createProductHelper: 'src/host/worker/productHelper.ts',
});
const WORKER = process.argv.includes('--worker');
/** The kernels every network of the run shares, as one thread of the CLI or the editor's worker holds them. */
const kernels = new core.Kernels(
  process.argv.includes('--typescript') ? 'typescript' : 'auto',
  WORKER ? core.createProductHelper() : undefined,
);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const parts = {};
const time = (name, f) => {
  const t0 = performance.now();
  const result = f();
  (parts[name] ??= []).push(performance.now() - t0);
  return result;
};

for (let r = 0; r <= RUNS; r++) {
  const { loaded } = time('load', () => core.loadNetwork(WIDE, { kernels }));
  const { network, dataset, spec } = loaded;
  time('forward', () => network.forward(dataset.inputs, dataset.samples));
  time('forward+backward', () => network.lossAndGradients(dataset.inputs, dataset.targets, dataset.samples));
  time('firstStepNorms', () => core.firstStepNorms(network, spec.training));
  if (WORKER) network.workspace.release();
  const fresh = time('load again', () => core.loadNetwork(WIDE, { kernels }).loaded);
  const report = time('analyze (whole)', () => core.analyze(fresh));
  if (WORKER) fresh.network.workspace.release();
  time('structuredClone(report)', () => structuredClone(report));
  const json = time('JSON.stringify(report)', () => JSON.stringify(report));
  (parts['report JSON bytes'] ??= []).push(json.length);
  if (r === 0) for (const k of Object.keys(parts)) parts[k] = []; // warm-up run
}
const rows = Object.entries(parts).map(([k, xs]) => `${k.padEnd(26)} ${median(xs).toFixed(1).padStart(9)}`);
const kernelName = process.argv.includes('--typescript') ? 'TypeScript' : 'default';
console.log(
  `median of ${RUNS} runs (ms; bytes for the JSON), ${kernelName} kernels${WORKER ? ', as the worker runs' : ''}`,
);
console.log(rows.join('\n'));
