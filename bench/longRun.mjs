// Benchmark (issue 12, item 3): a long training run keeps bounded memory. Trains a network for
// --steps (default 1,000,000) with the same TrainingRun the CLI and the worker use (online over-time rules,
// thinned history, no per-step records collected) and prints RSS, V8 heap and off-heap memory (external,
// array buffers: WebAssembly memories and typed arrays) after 1,000 steps and at the end; the target is RSS
// within 50 MB. Run: node bench/longRun.mjs [--steps N] [--file examples/NAME.net.json]
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { bundleCore, root } from './bundleCore.mjs';

const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const steps = Number(option('--steps', '1000000'));
const file = path.resolve(root, option('--file', 'examples/xor-healthy.net.json'));
const { loadNetwork, TrainingRun } = bundleCore('longrun', {
  loadNetwork: 'src/core/load',
  TrainingRun: 'src/core/trainingRun',
});
// a full collection before each reading, so the figures are what the run holds, not garbage not yet collected
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const run = new TrainingRun(loadNetwork(fs.readFileSync(file, 'utf8')).loaded);
const mb = (b) => (b / 2 ** 20).toFixed(1);
const report = (label) => {
  gc();
  const m = process.memoryUsage();
  console.log(
    `${label.padEnd(18)} RSS ${mb(m.rss).padStart(7)} MB   heap ${mb(m.heapUsed).padStart(6)} of ` +
      `${mb(m.heapTotal).padStart(6)} MB   external ${mb(m.external).padStart(5)} MB   ` +
      `history ${run.history.length} points   warnings ${run.warnings().length}`,
  );
  return m.rss;
};
const t = Date.now();
run.advance(1000);
const early = report('after 1,000 steps');
for (let done = 1000; done < steps; done = run.stepsDone) run.advance(Math.min(steps, done + 100_000));
const late = report(`after ${steps.toLocaleString('en-US')}`);
console.log(
  `${path.basename(file)}: growth ${mb(late - early)} MB (target ≤ 50 MB) in ${((Date.now() - t) / 1000).toFixed(0)} s`,
);
