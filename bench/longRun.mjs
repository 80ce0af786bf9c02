// Benchmark (issue 12, item 3): a long training run keeps bounded memory. Trains a small network for
// --steps (default 1,000,000) with the same TrainingRun the CLI and the worker use (online over-time rules,
// thinned history) and prints RSS and heap after 1,000 steps and at the end; the target is within 50 MB.
// Run: node bench/longRun.mjs [--steps N]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const at = process.argv.indexOf('--steps');
const steps = at > 0 ? Number(process.argv[at + 1]) : 1_000_000;
const out = path.join(os.tmpdir(), 'gd-bench-longrun.cjs');
const entry = path.join(os.tmpdir(), 'gd-bench-longrun-entry.ts');
fs.writeFileSync(
  entry,
  `export { loadNetwork } from ${JSON.stringify(path.join(root, 'src/core/load'))};\n` +
    `export { TrainingRun } from ${JSON.stringify(path.join(root, 'src/core/trainingRun'))};\n`,
);
execFileSync(path.join(root, 'node_modules/.bin/esbuild'), [
  entry,
  '--bundle',
  '--platform=node',
  '--main-fields=module,main',
  `--outfile=${out}`,
  '--log-level=warning',
]);
const { loadNetwork, TrainingRun } = createRequire(import.meta.url)(out);

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
