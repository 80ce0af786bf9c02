// The README's main job: build, then open VS Code with the extension loaded and examples/ open.
// Uses the desktop `code` CLI when it is installed (--extensionDevelopmentPath); otherwise the same
// code-server set-up the end-to-end tests use, printing the local URL to open in a browser.
// `npm start -- --cli` prints the command-line analysis of the examples instead.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CODE_SERVER, NODE24, setup } from './setup-vscode.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const examples = path.join(root, 'examples');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
if (process.argv.includes('--cli')) process.exit(run(process.execPath, ['dist/cli.js', 'analyze', 'examples/']));

const hasCode = (() => {
  try {
    execFileSync('code', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (hasCode) {
  process.exit(run('code', [`--extensionDevelopmentPath=${root}`, examples]));
}

setup();
const state = path.join(root, '.vscode-test', 'start');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const ext = path.join(state, 'extensions', `${pkg.publisher}.${pkg.name}-${pkg.version}`);
fs.rmSync(ext, { recursive: true, force: true });
fs.mkdirSync(ext, { recursive: true });
for (const item of ['package.json', 'README.md', 'LICENSE', 'dist', 'media', 'examples'])
  fs.cpSync(path.join(root, item), path.join(ext, item), { recursive: true });
fs.mkdirSync(path.join(state, 'user-data', 'User'), { recursive: true });
const settings = path.join(state, 'user-data', 'User', 'settings.json');
if (!fs.existsSync(settings))
  fs.writeFileSync(
    settings,
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'update.mode': 'none',
      },
      null,
      2,
    ),
  );
const config = path.join(state, 'config.yaml');
fs.writeFileSync(config, '');
const port = Number(process.env.PORT ?? 8080);
const server = spawn(
  NODE24,
  [
    CODE_SERVER,
    '--config',
    config,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--user-data-dir',
    path.join(state, 'user-data'),
    '--extensions-dir',
    path.join(state, 'extensions'),
    examples,
  ],
  { detached: true, stdio: 'ignore', env: { ...process.env, PATH: `${path.dirname(NODE24)}:${process.env.PATH}` } },
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
  console.error(`code-server exited (${code})`);
  process.exit(code ?? 1);
});
for (let i = 0; i < 120; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
  } catch {
    /* not up yet */
  }
  await new Promise((r) => setTimeout(r, 500));
}
console.log(
  `\nVS Code with Gradient Debugger is running: open http://127.0.0.1:${port}/?folder=${encodeURIComponent(examples)}`,
);
console.log('Open any *.net.json file, then "Gradient Debugger: Open Gradient Panel" (F1). Press Ctrl+C to stop.');
