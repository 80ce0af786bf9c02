/** A real PyTorch run's log (`*.gd.jsonl`) in VS Code: tailed live by the panel and the side view while it is written. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, VsCode, waitFor } from './harness';

const HEALTHY = fs.readFileSync(path.join(ROOT, 'test/fixtures/runs/healthy.gd.jsonl'), 'utf8').trimEnd().split('\n');
const STEPS = HEALTHY.slice(1).map((l) => JSON.parse(l) as Record<string, unknown>);
/** The step at which the written run's loss becomes NaN. */
const NAN_STEP = 45;

/** Step `k` of a healthy run, its loss NaN at NAN_STEP. */
const stepLine = (k: number): string =>
  JSON.stringify({ ...STEPS[k % STEPS.length], step: k, ...(k === NAN_STEP ? { loss: 'NaN' } : {}) }) + '\n';

/** The number of logged steps the panel's status line reports. */
async function loggedSteps(frame: import('playwright-core').Frame): Promise<number> {
  const text = await frame.locator('#training-status').innerText();
  const m = /(\d+) logged steps?/.exec(text);
  return m ? Number(m[1]) : -1;
}

suite('Training runs from the PyTorch probe, tailed live (dark theme)', function () {
  let vs: VsCode;
  let writer: ReturnType<typeof setInterval> | undefined;

  suiteSetup(async function () {
    this.timeout(240_000);
    vs = await VsCode.start('Default Dark Modern');
  });

  teardown(async function () {
    clearInterval(writer);
    if (this.currentTest?.state === 'failed')
      await vs?.screenshot(`FAILED-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  suiteTeardown(async () => {
    await vs?.close();
  });

  test('a log opened while the run writes it: charts and step count grow, the NaN warning appears at its step', async () => {
    const file = path.join(vs.workspace, 'live.gd.jsonl');
    // the run has started: the header, ten steps and half of the eleventh line are on disk
    const eleventh = stepLine(10);
    fs.writeFileSync(file, HEALTHY[0] + '\n' + [...Array(10).keys()].map(stepLine).join('') + eleventh.slice(0, 50));
    await vs.openFile('live.gd.jsonl');
    const panel = await vs.webview('#run-facts');
    assert.match(await panel.locator('#run-facts').innerText(), /single · Adam · loss CrossEntropyLoss · every 1/);
    await waitFor(async () => (await loggedSteps(panel)) === 10, 20_000, 'the 10 complete steps are shown');
    assert.strictEqual(await panel.locator('#problems-section').count(), 0, 'a partial last line is not an error');
    for (const id of ['chart-loss', 'chart-grad-norms', 'chart-update-ratio', 'chart-dead', 'chart-activations'])
      assert.strictEqual(await panel.locator(`svg#${id}`).count(), 1, id);
    await vs.screenshot('run-live-start-dark');

    // the writer goes on: the rest of line 11, then a step every 100 ms
    fs.appendFileSync(file, eleventh.slice(50));
    let next = 11;
    writer = setInterval(() => {
      if (next < 70) fs.appendFileSync(file, stepLine(next++));
    }, 100);
    let seen = 10;
    await waitFor(
      async () => {
        const now = await loggedSteps(panel);
        assert.ok(now >= seen, `the step count never goes back (${seen} → ${now})`);
        seen = now;
        return now > 11 && now < 70;
      },
      20_000,
      'the step count grows while the run writes',
    );
    await waitFor(
      async () => (await panel.locator('#training-warnings .warning[data-kind="non_finite"]').count()) === 1,
      30_000,
      'the non_finite warning appears',
    );
    const warning = panel.locator('#training-warnings .warning[data-kind="non_finite"]');
    assert.match(await warning.innerText(), new RegExp(`from step ${NAN_STEP}`));
    assert.match(await warning.innerText(), /first in layer '4'/);
    await waitFor(async () => (await loggedSteps(panel)) === 70, 30_000, 'all 70 steps shown');
    const points = await panel.locator('svg#chart-loss .point').count();
    assert.ok(points > 0, 'the loss chart draws the logged steps');

    // a broken line written by a crashing run is skipped and listed with its line number
    clearInterval(writer);
    fs.appendFileSync(file, '{"step": 70, "loss": 0.1, "gradN\n');
    await waitFor(
      async () =>
        /Skipped lines \(1\)/.test(
          await panel
            .locator('#problems-section')
            .innerText()
            .catch(() => ''),
        ),
      20_000,
      'the skipped line is listed',
    );
    assert.match(await panel.locator('#problems .problem').innerText(), /^line 72, column \d+/);
    await vs.screenshot('run-live-dark');

    // the Summary view follows the run
    await vs.runCommand('Gradient Debugger: Focus on Summary View');
    const side = await vs.webview('#summary-run');
    assert.match(await side.locator('#summary-training').innerText(), /70 logged steps/);
    assert.deepStrictEqual(
      await side
        .locator('#summary-warnings .warning')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')).filter((k) => k === 'non_finite')),
      ['non_finite'],
    );

    // a network editor takes the panel back
    await vs.openFile('xor-healthy.net.json');
    const network = await vs.webview('#layer-table');
    assert.strictEqual(await network.locator('#run-facts').count(), 0);
  });

  test('Open Training Run… picks a log in the file dialog and shows its warnings with the step each began', async () => {
    fs.mkdirSync(path.join(vs.workspace, 'runs'), { recursive: true });
    const file = path.join(vs.workspace, 'runs', 'diverging.gd.jsonl');
    fs.copyFileSync(path.join(ROOT, 'test/fixtures/runs/diverging.gd.jsonl'), file);
    await vs.runCommand('Gradient Debugger: Open Training Run…');
    await vs.answerFileDialog('Open a training run logged by gdprobe', file, 'Open Training Run');
    const panel = await vs.webview('#run-facts');
    await waitFor(
      async () => /diverging\.gd\.jsonl/.test(await panel.locator('h1').innerText()),
      20_000,
      'the panel shows the picked run',
    );
    await waitFor(
      async () => (await panel.locator('#training-warnings .warning[data-kind="non_finite"]').count()) === 1,
      20_000,
      'the non_finite warning of the diverging run',
    );
    assert.match(
      await panel.locator('#training-warnings .warning[data-kind="non_finite"]').innerText(),
      /from step \d+/,
    );
  });

  test('a log with an unknown format version says so in the panel', async () => {
    const file = path.join(vs.workspace, 'future.gd.jsonl');
    fs.writeFileSync(file, HEALTHY[0].replace('"version":1', '"version":9') + '\n' + stepLine(0));
    await vs.openFile('future.gd.jsonl');
    const panel = await vs.webview('#run-error');
    assert.match(await panel.locator('#run-error').innerText(), /format version 9 is not supported/);
  });
});
