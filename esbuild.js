// Bundles the extension host, the CLI, the training worker and the webviews.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = { bundle: true, minify: production, sourcemap: !production, logLevel: 'info' };

/** Node-side bundles: extension host (vscode external), CLI and worker. */
const nodeEntries = [
  { in: 'src/extension.ts', out: 'dist/extension.js' },
  { in: 'src/cli.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node' },
  { in: 'src/host/worker/coreWorker.ts', out: 'dist/coreWorker.js' },
];
/** Browser-side bundles: one per webview. */
const webEntries = [
  { in: 'src/webview/panel/main.ts', out: 'dist/webview/panel.js' },
  { in: 'src/webview/sidebar/main.ts', out: 'dist/webview/sidebar.js' },
];

function options(entry, platform) {
  const o = {
    ...common,
    entryPoints: [entry.in],
    outfile: entry.out,
    platform,
    format: platform === 'node' ? 'cjs' : 'iife',
    target: platform === 'node' ? 'node20' : 'es2022',
    external: platform === 'node' ? ['vscode'] : [],
    // jsonc-parser's UMD build hides its requires from the bundler; its ESM build bundles cleanly
    mainFields: ['module', 'main'],
  };
  if (entry.banner) o.banner = { js: entry.banner };
  if (platform === 'node') o.define = { PACKAGE_VERSION: JSON.stringify(require('./package.json').version) };
  return o;
}

async function main() {
  const all = [
    ...nodeEntries.filter((e) => fs.existsSync(e.in)).map((e) => options(e, 'node')),
    ...webEntries.filter((e) => fs.existsSync(e.in)).map((e) => options(e, 'browser')),
  ];
  if (watch) {
    for (const o of all) (await esbuild.context(o)).watch();
    return;
  }
  await Promise.all(all.map((o) => esbuild.build(o)));
  const cli = path.join(__dirname, 'dist', 'cli.js');
  if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
