/**
 * The walkthrough "Debug your first network" end to end, in a window with no folder open (as after
 * installing the .vsix): each step's link runs its command, the example lands in the extension's
 * storage, the fix edits it, training runs, and a weight's update is explained with numbers.
 */
import * as assert from 'assert';
import { Frame } from 'playwright-core';
import { VsCode, waitFor } from './harness';

suite('Walkthrough: Debug your first network (no folder open)', function () {
  let vs: VsCode;

  suiteSetup(async function () {
    this.timeout(240_000);
    vs = await VsCode.start('Default Dark Modern');
    await vs.page.goto(new URL('/?ew=true', vs.page.url()).href);
    await vs.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await vs.waitForCommand('Gradient Debugger: Open the Deep Sigmoid Example');
  });
  suiteTeardown(async () => {
    await vs?.close();
  });
  teardown(async function () {
    if (this.currentTest?.state === 'failed')
      await vs.screenshot(`walkthrough-failed-${this.currentTest.title.slice(0, 6)}`);
  });

  /** Opens the walkthrough and clicks the link button of step `title`. */
  async function runStep(title: string, link: string): Promise<void> {
    const page = vs.page;
    if (
      !(await page
        .locator('.gettingStartedContainer')
        .isVisible()
        .catch(() => false))
    ) {
      await vs.runCommand('Welcome: Open Walkthrough...');
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Debug your first network' });
      await row.first().click();
    }
    const step = page.locator('.getting-started-step', { hasText: title }).first();
    await step.waitFor({ timeout: 20_000 });
    await step.click();
    await step.getByRole('button', { name: link, exact: true }).first().click();
  }

  let panel: Frame;

  test('step 1 copies the example into the extension storage and opens it with the panel', async () => {
    await runStep('Open the example', 'Open the example');
    await vs.page.locator('.tab[aria-label^="deep-sigmoid-vanishing.net.json"]').first().waitFor({ timeout: 30_000 });
    panel = await vs.webview('#warnings .warning[data-kind="vanishing_gradient"]', 60_000);
    assert.strictEqual(await panel.locator('#layer-table tr[data-layer-index]').count(), 9);
  });

  test('step 3 applies the recommended fix through the existing command', async () => {
    const before = await panel.locator('#layer-table [data-field="activation"]').first().innerText();
    await runStep('Apply the recommended fix', 'Apply the fix');
    await waitFor(
      async () => {
        panel = await vs.webview('#layer-table');
        const after = await panel.locator('#layer-table tr[data-layer-index]').allInnerTexts();
        return after.join('|') !== '' && !after.every((r) => r.includes(before));
      },
      60_000,
      'the recommended fix did not change the network (is there a verified fix for the deep sigmoid stack?)',
    );
  });

  test('step 4 trains and step 5 explains one weight with its numbers', async () => {
    await runStep('Train and watch the charts', 'Train 200 steps');
    panel = await vs.webview('#chart-loss', 120_000);
    await runStep('Explain this weight', 'Explain a weight');
    panel = await vs.webview('.explanation-body', 60_000);
    const text = await panel.locator('.explanation-body').innerText();
    assert.match(text, /\d\.\d/, text);
    assert.match(text, /f'|f′/, text);
  });
});
