/** The extension in a real VS Code: palette, panel numbers against the CLI, Problems view, quick fix, side view, training, screenshots. */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, VsCode, waitFor } from './harness';

/** The CLI's report of a workspace file, for comparison. */
function cliReport(
  vs: VsCode,
  file: string,
): {
  loss: number;
  layers: {
    name: string;
    gradients: { weightNorm: number; biasNorm: number; updateRatio: number };
    derivatives: { meanAbs: number };
    deadUnits: number[];
  }[];
  warnings: { kind: string; layerIndex: number }[];
} {
  return JSON.parse(
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'dist', 'cli.js'), 'analyze', path.join(vs.workspace, file), '--json'],
      { encoding: 'utf8' },
    ),
  );
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);

suite('Gradient Debugger in VS Code (dark theme)', function () {
  let vs: VsCode;

  suiteSetup(async function () {
    this.timeout(240_000);
    vs = await VsCode.start('Default Dark Modern');
  });

  teardown(async function () {
    if (this.currentTest?.state === 'failed')
      await vs?.screenshot(`FAILED-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  suiteTeardown(async () => {
    await vs?.close();
  });

  test('every command is in the palette under "Gradient Debugger"', async () => {
    await vs.openFile('xor-healthy.net.json');
    for (const title of [
      'Open Gradient Panel',
      'Analyze Network',
      'Run Gradient Check',
      'New Network from Template',
      'Export Report',
      'Train',
      'Reset to Initial Weights',
      'Explain This Weight',
    ]) {
      await vs.waitForCommand(`Gradient Debugger: ${title}`, 20_000);
    }
  });

  test("the panel opens beside the editor and its numbers equal the CLI's", async () => {
    await vs.openFile('deep-sigmoid-vanishing.net.json');
    await vs.runCommand('Gradient Debugger: Open Gradient Panel');
    const panel = await vs.webview('#layer-table');
    await waitFor(
      async () => (await panel.locator('#layer-table tr[data-layer-index]').count()) === 9,
      20_000,
      'panel shows 9 layers',
    );
    const cli = cliReport(vs, 'deep-sigmoid-vanishing.net.json');
    const loss = Number(await panel.locator('#loss').getAttribute('data-value'));
    assert.ok(close(loss, cli.loss), `loss ${loss} vs CLI ${cli.loss}`);
    for (let i = 0; i < 9; i++) {
      const row = panel.locator(`#layer-table tr[data-layer-index="${i}"]`);
      assert.strictEqual(await row.locator('[data-field="name"]').innerText(), cli.layers[i].name);
      for (const [field, expected] of [
        ['weightNorm', cli.layers[i].gradients.weightNorm],
        ['biasNorm', cli.layers[i].gradients.biasNorm],
        ['updateRatio', cli.layers[i].gradients.updateRatio],
        ['meanAbsDer', cli.layers[i].derivatives.meanAbs],
      ] as const) {
        const v = Number(await row.locator(`[data-field="${field}"]`).getAttribute('data-value'));
        assert.ok(close(v, expected), `layer ${i} ${field}: panel ${v}, CLI ${expected}`);
      }
    }
    const kinds = await panel
      .locator('#warnings .warning')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    assert.deepStrictEqual(
      kinds,
      cli.warnings.map((w) => w.kind),
    );
    assert.match(await panel.locator('#warnings .warning .warning-cause').first().innerText(), /falls from/);
    // beside the editor: the editor group and the panel's group are both visible
    assert.ok((await vs.page.locator('.editor-group-container').count()) >= 2);
    await vs.screenshot('panel-dark');
  });

  test('Problems view: the vanishing warning on its layer, and every error of a broken file with its line', async () => {
    await vs.openFile('deep-sigmoid-vanishing.net.json');
    let rows = await vs.problems();
    assert.ok(
      rows.some((r) => /Gradients vanish before they reach/.test(r)),
      rows.join('\n'),
    );
    await vs.openFile('invalid/many-errors.net.json');
    await waitFor(
      async () => {
        rows = await vs.problems();
        return rows.some((r) => /unknown activation 'rleu'/.test(r));
      },
      20_000,
      'errors of the broken file in the Problems view',
    );
    assert.ok(
      rows.some((r) => /unknown activation 'rleu'.*\[Ln 5, Col 47\]/s.test(r)),
      rows.join('\n'),
    );
    assert.ok(rows.some((r) => /softmax is only allowed on the last layer/.test(r)));
    assert.ok(rows.some((r) => /"learningRate" must be > 0/.test(r)));
    await vs.screenshot('problems-dark');
  });

  test("applying the panel's fix edits the file and the warning goes away", async () => {
    await vs.openFile('deep-sigmoid-vanishing.net.json');
    await vs.runCommand('Gradient Debugger: Open Gradient Panel');
    let panel = await vs.webview('#warnings .warning[data-kind="vanishing_gradient"]');
    await panel.locator('#warnings .warning[data-kind="vanishing_gradient"] button.apply-fix').first().click();
    await waitFor(
      async () => {
        panel = await vs.webview('#layer-table');
        return (
          (await panel.locator('#warnings .warning[data-kind="vanishing_gradient"]').count()) === 0 &&
          (await panel.locator('#layer-table [data-field="activation"]').first().innerText()) === 'relu'
        );
      },
      20_000,
      'vanishing warning gone after the fix',
    );
    await vs.openFile('deep-sigmoid-vanishing.net.json');
    await vs.save();
    const saved = JSON.parse(fs.readFileSync(path.join(vs.workspace, 'deep-sigmoid-vanishing.net.json'), 'utf8'));
    assert.deepStrictEqual(
      saved.layers.slice(0, 8).map((l: { activation: string; init: string }) => [l.activation, l.init]),
      Array(8).fill(['relu', 'he']),
    );
    assert.strictEqual(
      cliReport(vs, 'deep-sigmoid-vanishing.net.json').warnings.filter((w) => w.kind === 'vanishing_gradient').length,
      0,
    );
  });

  test('breaking the file while the panel is open shows the errors and keeps the last good report', async () => {
    await vs.openFile('spiral-softmax.net.json');
    await vs.runCommand('Gradient Debugger: Open Gradient Panel');
    let panel = await vs.webview('#layer-table');
    await waitFor(
      async () => (await panel.locator('h1').innerText()) === 'spiral-softmax.net.json',
      20_000,
      'panel follows the spiral file',
    );
    await vs.openFile('spiral-softmax.net.json');
    await vs.runCommand('Go to Line/Column...');
    await vs.page.keyboard.type('11:1');
    await vs.page.keyboard.press('Enter');
    await vs.page.keyboard.type('"oops" ');
    await vs.runCommand('Gradient Debugger: Open Gradient Panel'); // the file may have opened over the panel in its group
    await waitFor(
      async () => {
        panel = await vs.webview('#problems');
        return (await panel.locator('#problems .problem').count()) > 0;
      },
      20_000,
      'the panel lists the syntax error',
    );
    assert.match(await panel.locator('.stale').innerText(), /last good analysis/);
    assert.strictEqual(await panel.locator('#layer-table tr[data-layer-index]').count(), 3);
    await vs.screenshot('stale-dark');
    // take the 7 typed characters out again
    await vs.openFile('spiral-softmax.net.json');
    await vs.runCommand('Go to Line/Column...');
    await vs.page.keyboard.type('11:1');
    await vs.page.keyboard.press('Enter');
    for (let i = 0; i < 7; i++) await vs.page.keyboard.press('Shift+ArrowRight');
    await vs.page.keyboard.press('Backspace');
    await vs.runCommand('Gradient Debugger: Open Gradient Panel');
    await waitFor(
      async () => {
        panel = await vs.webview('#layer-table');
        return (await panel.locator('#problems .problem').count()) === 0;
      },
      20_000,
      'errors gone after undo',
    );
  });

  test('the side view shows the loss and the warnings of the active network', async () => {
    await vs.openFile('dead-relu.net.json');
    await vs.runCommand('Gradient Debugger: Focus on Summary View');
    const side = await vs.webview('#summary-loss');
    const cli = cliReport(vs, 'dead-relu.net.json');
    await waitFor(
      async () => close(Number(await side.locator('#summary-loss').getAttribute('data-value')), cli.loss),
      20_000,
      'side view shows the dead-relu loss',
    );
    assert.deepStrictEqual(
      await side
        .locator('#summary-warnings .warning')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))),
      ['dead_relu'],
    );
    await vs.screenshot('sidebar-dark');
  });

  test('training runs off the main thread and draws the charts', async () => {
    await vs.openFile('xor-healthy.net.json');
    await vs.train(300);
    const panel = await vs.webview('#training');
    await waitFor(
      async () => /Trained 300 steps/.test(await panel.locator('#training-status').innerText()),
      60_000,
      'training finished',
    );
    for (const id of ['chart-loss', 'chart-grad-norms', 'chart-update-ratio', 'chart-dead', 'chart-activations'])
      assert.strictEqual(await panel.locator(`svg#${id}`).count(), 1, id);
    assert.strictEqual(await panel.locator('canvas#decision-surface').count(), 1);
    const cli = JSON.parse(
      execFileSync(
        process.execPath,
        [
          path.join(ROOT, 'dist', 'cli.js'),
          'train',
          path.join(vs.workspace, 'xor-healthy.net.json'),
          '--steps',
          '300',
          '--json',
        ],
        { encoding: 'utf8' },
      ),
    );
    const status = await panel.locator('#training-status').innerText();
    assert.ok(
      status.includes(`→ ${Number(cli.history[299].loss.toPrecision(4))}`),
      `${status} vs CLI loss ${cli.history[299].loss}`,
    );
    await panel.locator('#training-section').scrollIntoViewIfNeeded();
    await vs.screenshot('training-dark');
  });
});
