// Bundles the benchmark with esbuild (tfjs's gradient registrations are extension-less ESM that
// Node's loader rejects; a bundle resolves them) and runs it with the arguments given.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outfile = path.join(root, 'out', 'bench', 'bench.js');
if (spawnSync(process.execPath, [path.join(root, 'scripts', 'build-wasm.mjs')], { stdio: 'inherit' }).status !== 0)
  process.exit(1);
await build({
  entryPoints: [path.join(root, 'bench', 'bench.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  external: ['fs', 'path', 'os', 'worker_threads', 'perf_hooks'],
});
const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
