// The panel's speed through the real path: a real VS Code (code-server, the end-to-end harness) with
// Debian's Chromium at 1280×800, the extension host, its workers and the webview (issue 13).
//  * Live edit: the seed is retyped in the editor; the time from the end of the 300 ms debounce to the
//    panel's first frame showing the new numbers. "from busy": the panel is told at the debounce's end
//    (aria-busy) and draws later; "from key": from the keystroke, less the debounce (an upper bound:
//    it also counts the keystroke's trip to the extension host).
//  * Training: Train N steps from the palette until the panel says "Trained N steps"; the panel's
//    updates per second while it runs, and the CLI's time for the same file and steps (its process
//    start, timed on `--version`, excluded).
//   npm run build && flock /tmp/e2e.lock node bench/panelSpeed.mjs [--quick] [--edits N] [--only deep|wide] [--no-cli]
//     [--no-training] [--label TEXT]
// Results are appended to bench/panel-speed.json (with the label, when given). Each live edit is also broken down
// along its path from the extension's timing marks (src/host/panelTiming.ts, on while this benchmark runs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { bundleCore } from './bundleCore.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const quick = process.argv.includes('--quick');
const editsArg = process.argv.indexOf('--edits');
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg > 0 ? process.argv[onlyArg + 1] : undefined;
const labelArg = process.argv.indexOf('--label');
const LABEL = labelArg > 0 ? process.argv[labelArg + 1] : undefined;
const EDITS = editsArg > 0 ? Number(process.argv[editsArg + 1]) : quick ? 3 : 7;
const DEBOUNCE_MS = 300;
/** Trainings timed after the first, in the panel and of the CLI's loop (the medians are compared). */
const TRAININGS = quick ? 1 : 3;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A sigmoid network of about 100k parameters (2-310-310-1 = 97,651) on 2,000 generated samples. */
const WIDE = fs.readFileSync(path.join(root, 'bench', 'wide-100k.net.json'), 'utf8');

/**
 * The files measured, with their training steps: the 100k-parameter one first (it has no warnings, so no fix
 * verification is left running in the analysis worker when the next file is measured), then the example.
 */
const CASES = [
  { file: 'wide-100k.net.json', steps: 20 },
  { file: 'deep-sigmoid-vanishing.net.json', steps: 500 },
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const round = (x) => Math.round(x);

/** Watches the panel's DOM from inside its frame: each change, with the time of the next frame painted. */
async function installProbe(frame) {
  await frame.evaluate(() => {
    const app = document.getElementById('app');
    const w = window;
    if (w.__gdProbe) w.__gdProbe.disconnect();
    w.__gdRecords = [];
    w.__gdProbe = new MutationObserver(() => {
      const at = performance.timeOrigin + performance.now();
      const record = {
        at,
        busy: app.getAttribute('aria-busy'),
        table: document.getElementById('layer-table')?.textContent ?? '',
        status: document.getElementById('training-status')?.textContent ?? '',
      };
      requestAnimationFrame(() => {
        record.painted = performance.timeOrigin + performance.now();
        w.__gdRecords.push(record);
      });
    });
    w.__gdProbe.observe(app, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-busy'] });
    // added after the panel's own listener, so it runs once that one has rendered the message
    w.__gdMessages = [];
    if (!w.__gdListening)
      window.addEventListener('message', (e) => {
        const handled = performance.timeOrigin + performance.now();
        // the message itself is kept (its size is measured afterwards, not while the panel works)
        w.__gdMessages.push({
          type: e.data?.type,
          created: performance.timeOrigin + e.timeStamp,
          handled,
          data: e.data,
        });
      });
    w.__gdListening = true;
  });
}

const records = (frame) => frame.evaluate(() => window.__gdRecords.splice(0));

/** The messages the panel received since the last call, with their sizes as JSON. */
const takeMessages = (frame) =>
  frame.evaluate(() =>
    window.__gdMessages.splice(0).map(({ data, ...m }) => ({ ...m, bytes: JSON.stringify(data).length })),
  );

/** Waits until the panel has not changed for `quietMs` (fix verification and the like have settled). */
async function settle(frame, quietMs = 1500, timeout = 120_000) {
  const end = Date.now() + timeout;
  let last = Date.now();
  while (Date.now() < end) {
    if ((await records(frame)).length) last = Date.now();
    else if (Date.now() - last >= quietMs) return;
    await sleep(200);
  }
}

/** Puts the cursor on the seed's value in the active editor and selects it. */
async function selectSeed(vs) {
  const { page } = vs;
  await page.locator('.editor-group-container').first().locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type('4');
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft'); // before the comma
  await page.keyboard.press('Shift+ArrowLeft');
}

/** Where the extension writes its timing marks (src/host/panelTiming.ts), read after each edit. */
const MARKS = path.join(os.tmpdir(), `gd-panel-timing-${process.pid}.jsonl`);
process.env.GD_PANEL_TIMING = MARKS; // inherited by code-server, its extension host and the analysis worker

/** Marks written since the last call, by label (the latest of each at or before `until`). */
function takeMarks(until) {
  const lines = fs.existsSync(MARKS) ? fs.readFileSync(MARKS, 'utf8').split('\n').filter(Boolean) : [];
  fs.writeFileSync(MARKS, '');
  const marks = { all: [] };
  for (const { label, at } of lines.map((l) => JSON.parse(l)))
    if (at <= until) {
      marks[label] = at;
      marks.all.push({ label, at });
    }
  return marks;
}

/**
 * The live edit's path in steps (ms), from the host's marks and the webview's clock: reading the document, the
 * trip to the worker, loading, analysing, the reply's trip back, the host's own work until the post, the relay to
 * the webview, and the webview's parsing, drawing and painting.
 */
function breakdown(m, state, drawn) {
  const step = (a, b) => (a !== undefined && b !== undefined ? b - a : undefined);
  return {
    read: step(m['host: analysis starts'], m['host: document read']),
    toWorker: step(m['host: document read'], m['worker: request arrived']),
    load: step(m['worker: request arrived'], m['worker: loaded']),
    analyse: step(m['worker: loaded'], m['worker: analysed']),
    reply: step(m['worker: analysed'], m['host: worker replied']),
    host: step(m['host: worker replied'], m['host: state posted']),
    relay: step(m['host: state posted'], state?.created),
    webview: step(state?.created, drawn.painted),
  };
}

/** One live edit: retypes the seed, then times the panel's first frame with different layer figures. */
async function timeEdit(vs, frame, seed) {
  const before = await frame.evaluate(() => document.getElementById('layer-table')?.textContent ?? '');
  await selectSeed(vs);
  await records(frame);
  await frame.evaluate(() => void (window.__gdMessages.length = 0));
  takeMarks(Infinity);
  await vs.page.keyboard.type(String(seed));
  const keyAt = Date.now();
  const seen = [];
  for (const end = Date.now() + 60_000; Date.now() < end; await sleep(20)) {
    seen.push(...(await records(frame)));
    const drawn = seen.find((r) => r.table && r.table !== before);
    if (drawn) {
      const busy = seen.find((r) => r.busy === 'true' && r.at <= drawn.at);
      const messages = await takeMessages(frame);
      const state = messages.filter((m) => m.type === 'state' && m.created <= drawn.at).at(-1);
      return {
        fromKey: drawn.painted - keyAt - DEBOUNCE_MS,
        fromBusy: busy ? drawn.painted - busy.at : undefined,
        // the host's part (analysis, serialising, relaying) and the webview's (parsing, drawing, painting)
        hostMs: busy && state ? state.created - busy.at : undefined,
        webviewMs: state ? drawn.painted - state.created : undefined,
        stateBytes: state?.bytes,
        steps: breakdown(takeMarks(drawn.painted), state, drawn),
      };
    }
  }
  throw new Error('the panel never showed the edited numbers');
}

/** Trains `steps` steps from the palette; the wall time until the panel says it is done, and its updates. */
async function timeTraining(vs, frame, steps) {
  await installProbe(frame);
  await vs.runCommand('Gradient Debugger: Reset to Initial Weights');
  await settle(frame, 800);
  await vs.runCommand('Gradient Debugger: Train');
  const input = vs.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(String(steps));
  await records(frame);
  await frame.evaluate(() => {
    window.__gdMessages.length = 0;
    performance.clearMeasures('gd: training drawn');
  });
  takeMarks(Infinity);
  await vs.page.keyboard.press('Enter');
  const startAt = Date.now();
  const updates = [];
  const done = new RegExp(`^Trained ${steps} steps`);
  for (const end = Date.now() + Number(process.env.GD_BENCH_TRAIN_MS ?? 600_000); Date.now() < end; await sleep(50)) {
    for (const r of await records(frame)) if (r.status && updates.at(-1)?.status !== r.status) updates.push(r);
    const last = updates.at(-1);
    if (last && done.test(last.status)) {
      const seconds = (last.painted - startAt) / 1000;
      const running = updates.filter((u) => u.status.startsWith('Training: step'));
      const span = running.length > 1 ? (running.at(-1).painted - running[0].painted) / 1000 : 0;
      const m = takeMarks(last.painted);
      const messages = (await takeMessages(frame)).filter(
        (x) => x.type?.startsWith('training') && x.created <= last.painted,
      );
      const step = (a, b) => (a !== undefined && b !== undefined ? Math.round(b - a) : undefined);
      return {
        seconds,
        // where the wall time goes (ms): to the host's command, to the worker's first step, the worker's steps,
        // the reply's trip back, and from there to the panel's "Trained" frame
        parts: {
          command: step(startAt, m['host: train command']),
          toWorker: step(m['host: train command'], m['worker: training starts']),
          worker: step(m['worker: training starts'], m['worker: training ends']),
          reply: step(m['worker: training ends'], m['host: training replied']),
          host: step(m['host: training replied'], m['host: training view posted']),
          relay: step(m['host: training view posted'], messages.at(-1)?.created),
          webview: step(messages.at(-1)?.created, last.painted),
        },
        // each training post's trip from the host to the webview (ms), in order
        relays: m.all
          .filter((x) => x.label.startsWith('host: training') && x.label.endsWith('posted'))
          .map((x, i) => step(x.at, messages[i]?.created)),
        updates: running.length,
        updatesPerSecond: span ? (running.length - 1) / span : undefined,
        // the training messages the webview received (whole views and progress), and the largest one's size
        messages: messages.length,
        largestMessageBytes: Math.max(0, ...messages.map((m) => m.bytes)),
        // how long the panel took to draw each training update (ms, its own User Timing measure)
        drawMs: (
          await frame.evaluate(() => performance.getEntriesByName('gd: training drawn').map((e) => e.duration))
        ).map(Math.round),
        messageBytes: messages.map((m) => `${m.type === 'training' ? 'whole' : 'progress'} ${m.bytes}`),
      };
    }
  }
  const shot = await vs.screenshot('bench-training-unfinished');
  throw new Error(`training never finished in the panel (screenshot: ${shot})`);
}

/**
 * The CLI's time for the same steps, process start excluded: `cli.js train`'s training loop (a fresh
 * TrainingRun advanced `steps` steps, the core the CLI bundles) timed in a fresh Node process, median of TRAININGS;
 * and the whole `cli.js train` process less `cli.js --version` (it also analyses before and after, and
 * verifies the warnings' fixes).
 */
function cliSeconds(file, steps) {
  if (process.argv.includes('--no-cli')) return { seconds: NaN };
  bundleCore('panel-speed', { loadNetwork: 'src/core/load.ts', TrainingRun: 'src/core/trainingRun.ts' });
  const script = `const { loadNetwork, TrainingRun } = require(${JSON.stringify(path.join(os.tmpdir(), 'gd-bench-panel-speed.cjs'))});
    const { loaded } = loadNetwork(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'), {});
    const t0 = process.hrtime.bigint();
    new TrainingRun(loaded).advance(${steps});
    console.log(Number(process.hrtime.bigint() - t0) / 1e9);`;
  const loop = median(
    Array.from({ length: TRAININGS }, () =>
      Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim()),
    ),
  );
  const cli = path.join(root, 'dist', 'cli.js');
  const time = (args) => {
    const t0 = process.hrtime.bigint();
    execFileSync(process.execPath, [cli, ...args], { stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const start = median([1, 2, 3].map(() => time(['--version'])));
  return { seconds: loop, wholeProcess: time(['train', file, '--steps', String(steps)]) - start };
}

/** The checkout's commit, with "+" when it has local changes (undefined outside a git checkout). */
function commitOf(dir) {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') ? '+' : ''}`;
  } catch {
    return undefined;
  }
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) throw new Error('run npm run build first');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'test', 'e2e')], {
    stdio: 'inherit',
  });
  const { VsCode } = require(path.join(root, 'out', 'test', 'e2e', 'harness.js'));
  const vs = await VsCode.start('Default Dark Modern', {
    viewport: { width: 1280, height: 800 },
    settings: { 'gradientDebugger.updateDelay': DEBOUNCE_MS },
  });
  const results = {
    date: new Date().toISOString(),
    commit: commitOf(root),
    cores: os.cpus().length,
    load: os.loadavg()[0].toFixed(1),
    cases: [],
    ...(LABEL ? { label: LABEL } : {}),
  };
  try {
    fs.writeFileSync(path.join(vs.workspace, 'wide-100k.net.json'), WIDE);
    for (const { file, steps } of CASES.filter((c) => !ONLY || c.file.startsWith(ONLY))) {
      for (let tries = 1; ; tries++) {
        // on a loaded machine the first open can outlast the harness's wait: try again
        try {
          await vs.openFile(file);
          break;
        } catch (e) {
          if (tries === 3) throw e;
        }
      }
      await vs.runCommand('Gradient Debugger: Open Gradient Panel');
      const frame = await vs.webview('#layer-table', 120_000);
      await installProbe(frame);
      await settle(frame);
      const edits = [];
      for (let i = 0; i < EDITS; i++) {
        edits.push(await timeEdit(vs, frame, i % 2 ? 7 : 8));
        await settle(frame);
      }
      const fromKey = edits.map((e) => e.fromKey);
      const fromBusy = edits.map((e) => e.fromBusy).filter((x) => x !== undefined);
      const part = (key) => {
        const xs = edits.map((e) => e[key]).filter((x) => x !== undefined);
        return xs.length ? round(median(xs)) : undefined;
      };
      // the path's parts (read, toWorker, … webview); `steps` stays the training steps of the case
      const parts = Object.keys(edits[0].steps);
      const edit = {
        medianSteps: Object.fromEntries(
          parts.map((k) => {
            const xs = edits.map((e) => e.steps[k]).filter((x) => x !== undefined);
            return [k, xs.length ? Math.round(median(xs) * 10) / 10 : undefined];
          }),
        ),
        medianHostMs: part('hostMs'),
        medianWebviewMs: part('webviewMs'),
        stateBytes: edits.at(-1).stateBytes,
        medianFromKeyMs: round(median(fromKey)),
        maxFromKeyMs: round(Math.max(...fromKey)),
        ...(fromBusy.length
          ? { medianFromBusyMs: round(median(fromBusy)), maxFromBusyMs: round(Math.max(...fromBusy)) }
          : {}),
      };
      console.log(`${file}: live edit ${JSON.stringify(edit)} (all from key: ${fromKey.map(round).join(', ')})`);
      if (process.argv.includes('--no-training')) {
        results.cases.push({ file, edit });
        continue;
      }
      // the first Train also starts the file's training worker and loads the network into it; the second reuses it
      const cold = await timeTraining(vs, frame, steps);
      const warm = [];
      for (let i = 0; i < TRAININGS; i++) warm.push(await timeTraining(vs, frame, steps));
      const panel = warm.find((w) => w.seconds === median(warm.map((x) => x.seconds)));
      const cli = cliSeconds(path.join(vs.workspace, file), steps);
      const training = {
        steps,
        firstTrainSeconds: cold.seconds,
        ...panel,
        allSeconds: warm.map((w) => w.seconds),
        cliSeconds: cli.seconds,
        cliWholeProcessSeconds: cli.wholeProcess,
        ratio: panel.seconds / cli.seconds,
      };
      console.log(`${file}: training ${JSON.stringify(training)}`);
      results.cases.push({ file, edit, training });
    }
  } finally {
    await vs.close();
  }
  console.log(JSON.stringify(results));
  const out = path.join(root, 'bench', 'panel-speed.json');
  const all = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : [];
  fs.writeFileSync(out, `${JSON.stringify([...all, results], null, 2)}\n`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
