// The benchmarks' one way to load the core from source: named core modules bundled with esbuild into a
// temporary CommonJS file and required (the core is TypeScript; the benchmarks are plain Node scripts).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

/** The repository's root folder. */
export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Bundles `exports` ({ name: 'src/core/…' module path }) under `tag` and returns the loaded module. */
export function bundleCore(tag, exports) {
  const entry = path.join(os.tmpdir(), `gd-bench-${tag}-entry.ts`);
  const out = path.join(os.tmpdir(), `gd-bench-${tag}.cjs`);
  fs.writeFileSync(
    entry,
    Object.entries(exports)
      .map(([name, module]) => `export { ${name} } from ${JSON.stringify(path.join(root, module))};\n`)
      .join(''),
  );
  const esbuild = path.join(root, 'node_modules/.bin/esbuild');
  execFileSync(esbuild, [
    entry,
    '--bundle',
    '--platform=node',
    '--main-fields=module,main',
    `--outfile=${out}`,
    '--log-level=warning',
  ]);
  return createRequire(import.meta.url)(out);
}
