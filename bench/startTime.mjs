// How long `npm start` takes until the browser shows the workbench with the deep-sigmoid example and
// the Gradient panel beside it, as the end-to-end browser (Debian Chromium) observes it.
//   node bench/startTime.mjs          warm start of this checkout (code-server cached, dist built)
//   node bench/startTime.mjs --first  a fresh copy of this checkout in a temporary folder, with an empty
//                                     npm cache and no code-server: `npm ci && npm start`, then a warm start
// Each run uses its own demo folder and port; the results are appended to bench/start-times.json.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { chromium } = createRequire(path.join(root, 'package.json'))('playwright-core');
const first = process.argv.includes('--first');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-start-bench-'));
const env = {
  ...process.env,
  GRADIENT_DEBUGGER_HOME: path.join(tmp, 'home'),
  PORT: String(18600 + (process.pid % 300)),
};

/** A copy of the checkout without anything installed or built (what a fresh clone holds, with local edits). */
function freshCopy() {
  const copy = path.join(tmp, 'clone');
  const skip = new Set(['node_modules', '.vscode-test', 'out', 'dist', 'test-results', '.git']);
  fs.cpSync(root, copy, { recursive: true, filter: (src) => !skip.has(path.basename(src)) });
  return copy;
}

/** Runs `npm start -- --server` in `cwd` and resolves with the seconds until the panel shows, then stops it. */
async function timeStart(cwd, t0) {
  const child = spawn('npm', ['start', '--', '--server'], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
      if (child.exitCode !== null) reject(new Error(`npm start ended:\n${out}`));
    }, 50);
    child.on('exit', () => setTimeout(() => clearInterval(timer), 100));
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const urlAt = (Date.now() - t0) / 1000;
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 180_000 });
    const workbenchAt = (Date.now() - t0) / 1000;
    await page.locator('.tab[aria-label^="deep-sigmoid-vanishing.net.json"]').first().waitFor({ timeout: 180_000 });
    for (const end = Date.now() + 180_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      const frames = page.frames().filter((f) => f !== page.mainFrame() && !f.isDetached());
      const shown = await Promise.all(frames.map((f) => f.$('#layer-table').catch(() => null)));
      if (shown.some(Boolean)) {
        const panelAt = (Date.now() - t0) / 1000;
        console.log(`  server up ${urlAt} s, workbench ${workbenchAt} s, example and panel ${panelAt} s`);
        return panelAt;
      }
    }
    throw new Error('the panel never showed the layer table');
  } finally {
    await browser.close();
    process.kill(-child.pid, 'SIGTERM');
  }
}

const results = { date: new Date().toISOString(), cores: os.cpus().length, load: os.loadavg()[0].toFixed(1) };
try {
  if (first) {
    const copy = freshCopy();
    const t0 = Date.now();
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--cache', path.join(tmp, 'npm-cache')], {
      cwd: copy,
      env,
      encoding: 'utf8',
    });
    if (ci.status !== 0) throw new Error(`npm ci failed:\n${ci.stderr}`);
    results.npmCiSeconds = (Date.now() - t0) / 1000;
    env.npm_config_cache = path.join(tmp, 'npm-cache');
    results.firstStartSeconds = await timeStart(copy, t0);
    results.warmStartSeconds = await timeStart(copy, Date.now());
  } else {
    results.warmStartSeconds = await timeStart(root, Date.now());
  }
  console.log(JSON.stringify(results));
  const file = path.join(root, 'bench', 'start-times.json');
  const all = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
  fs.writeFileSync(file, `${JSON.stringify([...all, results], null, 2)}\n`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
