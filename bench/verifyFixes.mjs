// Benchmark: how long verifying every warning's candidate fixes takes for each shipped example (issue 11's
// target: within 1 s each on this machine), beside the one analysis the editor runs anyway, in one process.
// Run: npm run build && node bench/verifyFixes.mjs   (bundles the core with esbuild first)
import fs from 'node:fs';
import path from 'node:path';
import { bundleCore, root } from './bundleCore.mjs';

const { analyze, loadNetwork, verifyFixes } = bundleCore('verify', {
  analyze: 'src/core/analysis',
  loadNetwork: 'src/core/load',
  verifyFixes: 'src/core/fixVerification',
});

const dir = path.join(root, 'examples');
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
console.log('example                            warnings  candidates  analysis ms  verification ms (median of 3)');
for (const name of fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.net.json'))
  .sort()) {
  const text = fs.readFileSync(path.join(dir, name), 'utf8');
  const options = { readCsv: (p) => fs.readFileSync(path.join(dir, p), 'utf8') };
  let t = process.hrtime.bigint();
  const warnings = analyze(loadNetwork(text, options).loaded).warnings;
  const analysis = ms(t);
  const times = [0, 1, 2].map(() => {
    t = process.hrtime.bigint();
    verifyFixes(text, options, warnings);
    return ms(t);
  });
  const median = times.sort((a, b) => a - b)[1];
  const candidates = warnings.reduce((n, w) => n + w.fixes.length, 0);
  console.log(
    `${name.padEnd(35)}${String(warnings.length).padStart(8)}${String(candidates).padStart(12)}` +
      `${analysis.toFixed(0).padStart(13)}${median.toFixed(0).padStart(17)}`,
  );
}
