/** The panel and the side view in the light and high-contrast themes: numbers read back, screenshots kept as artifacts. */
import * as assert from 'assert';
import { Theme, VsCode, waitFor } from './harness';

for (const [theme, tag] of [
  ['Default Light Modern', 'light'],
  ['Default High Contrast', 'high-contrast'],
] as [Theme, string][]) {
  suite(`Gradient Debugger in VS Code (${tag} theme)`, function () {
    let vs: VsCode;
    suiteSetup(async function () {
      this.timeout(240_000);
      vs = await VsCode.start(theme);
    });
    suiteTeardown(async () => {
      await vs?.close();
    });

    test("the panel shows the exploding example's warnings and the side view its loss", async () => {
      await vs.openFile('exploding-init.net.json');
      await vs.runCommand('Gradient Debugger: Open Gradient Panel');
      const panel = await vs.webview('#warnings .warning[data-kind="exploding_gradient"]');
      assert.deepStrictEqual(
        await panel.locator('#warnings .warning').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))),
        ['bad_init', 'exploding_gradient'],
      );
      const body = await panel.locator('body').getAttribute('class');
      assert.match(body ?? '', tag === 'light' ? /vscode-light/ : /vscode-high-contrast/);
      await vs.screenshot(`panel-${tag}`);
      await vs.runCommand('Gradient Debugger: Focus on Summary View');
      const side = await vs.webview('#summary-loss');
      await waitFor(
        async () => Number(await side.locator('#summary-loss').getAttribute('data-value')) > 1e8,
        20_000,
        'side view loss',
      );
      await vs.screenshot(`sidebar-${tag}`);
    });
  });
}
