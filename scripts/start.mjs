// `npm start`: build, then open VS Code with the extension and a scratch copy of examples/ (the demo),
// with the deep-sigmoid example and the Gradient panel beside it. The demo lives outside the repository
// (~/.cache/gradient-debugger/demo, or $GRADIENT_DEBUGGER_HOME/demo) and is kept across starts, so edits
// survive; `--reset-demo` renews it. A dedicated profile (user data, settings) keeps the chat side bar
// and the Restricted Mode banner away. Uses the desktop `code` when installed, else code-server, whose
// URL it prints; `--server` forces code-server, `--cli` prints the command-line analysis instead.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CODE_SERVER, LAUNCH, NODE24, SetupError, setupServer } from './setup-vscode.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const HOME = process.env.GRADIENT_DEBUGGER_HOME ?? path.join(os.homedir(), '.cache', 'gradient-debugger');
const DEMO = path.join(HOME, 'demo');
const WORKSPACE = path.join(DEMO, 'examples');
const DEMO_FILE = path.join(WORKSPACE, 'deep-sigmoid-vanishing.net.json');
const PROFILE = path.join(HOME, 'profile');
const args = process.argv.slice(2);
const started = Date.now();
let phase = 0;

/** Runs one phase under a progress line "[n/4] what (usually …)" finished by its measured time. */
async function step(what, usually, body) {
  process.stdout.write(`[start ${++phase}/4] ${what} (usually ${usually})…`);
  const t = Date.now();
  const note = await body((m) => process.stdout.write(`\n          ${m}`));
  console.log(` ${((Date.now() - t) / 1000).toFixed(1)} s${note ? ` (${note})` : ''}`);
}

/** The newest modification time under `p` (a file or a folder). */
function newest(p) {
  if (!fs.existsSync(p)) return 0;
  const s = fs.statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((n) => newest(path.join(p, n))));
}

/** Builds dist/ unless it is newer than every source it is made from. */
function build() {
  const sources = ['src', 'media', 'package.json', 'esbuild.js', 'scripts/build-wasm.mjs'].map((p) =>
    path.join(root, p),
  );
  if (newest(path.join(root, 'dist', 'extension.js')) > Math.max(...sources.map(newest))) return 'up to date';
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0)
    throw new SetupError(
      `the build failed:\n    ${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-10).join('\n    ')}`,
      'run `npm ci` first (the build needs the dev dependencies), then `npm start` again',
    );
}

/** The scratch demo: examples/ and the schema they name, copied once (or renewed with --reset-demo). */
function demo() {
  const reset = args.includes('--reset-demo');
  if (fs.existsSync(DEMO_FILE) && !reset) return `kept: ${WORKSPACE}`;
  fs.rmSync(DEMO, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'examples'), WORKSPACE, { recursive: true });
  // the examples name their schema as "../media/network.schema.json", as in the repository
  fs.mkdirSync(path.join(DEMO, 'media'), { recursive: true });
  fs.copyFileSync(path.join(root, 'media', 'network.schema.json'), path.join(DEMO, 'media', 'network.schema.json'));
  return `${reset ? 'renewed' : 'new'}: ${WORKSPACE}`;
}

/** The dedicated profile's settings: the launch settings over whatever the user changed in the demo. */
function writeSettings(userData) {
  const file = path.join(userData, 'User', 'settings.json');
  let mine = {};
  try {
    mine = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // none yet, or not plain JSON: start from the launch settings
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...mine, ...LAUNCH.settings }, null, 2));
}

/** The extension as an installed copy in the profile's extensions folder (code-server has no development path). */
function installExtension(extensions) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const ext = path.join(extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  fs.rmSync(ext, { recursive: true, force: true });
  for (const item of ['package.json', 'README.md', 'LICENSE', 'dist', 'media', 'examples'])
    fs.cpSync(path.join(root, item), path.join(ext, item), { recursive: true });
}

const hasDesktopCode = () => {
  if (args.includes('--server')) return false;
  try {
    execFileSync('code', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Resolves when nothing listens on the port; throws a SetupError naming another one otherwise. */
async function portFree(port) {
  await new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', () =>
      reject(new SetupError(`port ${port} is in use`, `start on another port: PORT=${port + 1} npm start`)),
    );
    s.listen(port, '127.0.0.1', () => s.close(resolve));
  });
}

/** Starts code-server on the demo and resolves with its URL once it answers. */
async function startServer(env) {
  const port = Number(process.env.PORT ?? 8080);
  await portFree(port);
  const userData = path.join(PROFILE, 'user-data');
  writeSettings(userData);
  installExtension(path.join(PROFILE, 'extensions'));
  fs.writeFileSync(path.join(PROFILE, 'config.yaml'), '');
  const log = path.join(PROFILE, 'code-server.log');
  const out = fs.openSync(log, 'w');
  const server = spawn(
    NODE24,
    [
      CODE_SERVER,
      '--config',
      path.join(PROFILE, 'config.yaml'),
      '--bind-addr',
      `127.0.0.1:${port}`,
      ...LAUNCH.serverFlags,
      '--user-data-dir',
      userData,
      '--extensions-dir',
      path.join(PROFILE, 'extensions'),
      WORKSPACE,
    ],
    { detached: true, stdio: ['ignore', out, out], env: { ...env, PATH: `${path.dirname(NODE24)}:${env.PATH}` } },
  );
  const stop = () => {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already stopped */
    }
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => {
    console.error(`\nVS Code (code-server) stopped (exit ${code}); its log: ${log}`);
    process.exit(code || 1);
  });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(WORKSPACE)}`;
}

/** Opens the demo in the desktop VS Code with its own user-data folder; returns when `code` has handed over. */
function startDesktop(env) {
  const userData = path.join(PROFILE, 'desktop-user-data');
  writeSettings(userData);
  const r = spawnSync(
    'code',
    [
      '--new-window',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      path.join(PROFILE, 'desktop-extensions'),
      '--disable-workspace-trust',
      `--extensionDevelopmentPath=${root}`,
      WORKSPACE,
      DEMO_FILE,
    ],
    { stdio: 'inherit', env },
  );
  if (r.status !== 0)
    throw new SetupError(`\`code\` failed (exit ${r.status})`, 'use code-server: npm start -- --server');
}

async function main() {
  if (Number(process.versions.node.split('.')[0]) < 20)
    throw new SetupError(`Node ${process.versions.node} is too old`, 'install Node 20 or newer (https://nodejs.org)');
  if (!fs.existsSync(path.join(root, 'node_modules', 'esbuild')))
    throw new SetupError('the dev dependencies are not installed', 'run `npm ci`, then `npm start` again');
  await step('Building the extension', '5-15 s', build);
  if (args.includes('--cli')) {
    process.exit(
      spawnSync(process.execPath, ['dist/cli.js', 'analyze', 'examples/'], { cwd: root, stdio: 'inherit' }).status ?? 1,
    );
  }
  const desktop = hasDesktopCode();
  await step(
    desktop ? 'Using the desktop VS Code (`code`)' : 'Preparing VS Code (code-server)',
    desktop ? 'instant' : 'instant; 1-2 min to download it once',
    (log) => (desktop ? 'code found' : setupServer(log) ? 'downloaded' : 'cached'),
  );
  await step('Preparing the scratch demo', 'under 1 s', demo);
  // the extension opens this file with the panel beside it when it starts (src/host/demoStartup.ts)
  const env = { ...process.env, GRADIENT_DEBUGGER_DEMO: DEMO_FILE };
  if (desktop) {
    await step('Opening VS Code', 'a few s', () => startDesktop(env));
    return;
  }
  let url = '';
  await step('Starting VS Code (code-server)', '2-5 s', async () => {
    url = await startServer(env);
  });
  console.log(`\nGradient Debugger is ready after ${((Date.now() - started) / 1000).toFixed(1)} s: open ${url}`);
  console.log('The demo is a scratch copy (edits are kept; `npm start -- --reset-demo` renews it). Ctrl+C stops.');
}

try {
  await main();
} catch (e) {
  console.error(
    `\n\nnpm start could not finish: ${e instanceof SetupError ? e.message : `unexpected failure: ${e.message}`}`,
  );
  process.exit(1);
}
