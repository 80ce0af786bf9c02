// Benchmark (issue 12, item 3): a long training run keeps bounded memory. Trains a small network for
// --steps (default 1,000,000) with the same TrainingRun the CLI and the worker use (online over-time rules,
// thinned history) and prints RSS and heap after 1,000 steps and at the end; the target is within 50 MB.
// Run: node bench/longRun.mjs [--steps N]
import fs from 'node:fs';
import path from 'node:path';
import { bundleCore, root } from './bundleCore.mjs';

const at = process.argv.indexOf('--steps');
const steps = at > 0 ? Number(process.argv[at + 1]) : 1_000_000;
const { loadNetwork, TrainingRun } = bundleCore('longrun', {
  loadNetwork: 'src/core/load',
  TrainingRun: 'src/core/trainingRun',
});

const text = fs.readFileSync(path.join(root, 'examples', 'xor-healthy.net.json'), 'utf8');
const run = new TrainingRun(loadNetwork(text).loaded);
const mb = (b) => (b / 2 ** 20).toFixed(1);
const report = (label) => {
  global.gc?.();
  const m = process.memoryUsage();
  console.log(
    `${label.padEnd(18)} RSS ${mb(m.rss).padStart(7)} MB   heap ${mb(m.heapUsed).padStart(6)} MB   history ${run.history.length} points   warnings ${run.warnings().length}`,
  );
  return m.rss;
};
const t = Date.now();
run.advance(1000);
const early = report('after 1,000 steps');
for (let done = 1000; done < steps; done = run.stepsDone) run.advance(Math.min(steps, done + 100_000));
const late = report(`after ${steps.toLocaleString('en-US')}`);
console.log(`growth ${mb(late - early)} MB (target ≤ 50 MB) in ${((Date.now() - t) / 1000).toFixed(0)} s`);
