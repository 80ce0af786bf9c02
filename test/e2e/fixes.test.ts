/**
 * Verified fixes in a real VS Code: for every shipped example with warnings, each fix button in the panel
 * shows its measured effect, and applying the first one leaves no new serious warning (screenshots of both).
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { Frame } from 'playwright-core';
import { ROOT, VsCode, suiteVsCode, waitFor } from './harness';

/** The shipped examples that have serious warnings at their initial weights. */
const EXAMPLES = ['dead-relu', 'deep-sigmoid-vanishing', 'exploding-init', 'saturated-tanh'];

/** Serious warning kinds the CLI reports for a workspace file. */
function seriousKinds(vs: VsCode, file: string): string[] {
  const report = JSON.parse(
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'dist', 'cli.js'), 'analyze', path.join(vs.workspace, file), '--json'],
      {
        encoding: 'utf8',
      },
    ),
  ) as { warnings: { kind: string; severity: string }[] };
  return report.warnings.filter((w) => w.severity !== 'info').map((w) => w.kind);
}

/** The serious warnings of the panel, once every one of them has its fixes verified. */
async function verifiedWarnings(vs: VsCode): Promise<{ panel: Frame; kinds: string[] }> {
  let panel = await vs.webview('#warnings');
  await waitFor(
    async () => {
      panel = await vs.webview('#warnings');
      return (await panel.locator('#warnings .verifying').count()) === 0;
    },
    60_000,
    'fixes verified in the panel',
  );
  const kinds = await panel
    .locator('#warnings .warning:not(.severity-info)')
    .evaluateAll((items) => items.map((i) => i.getAttribute('data-kind') ?? ''));
  return { panel, kinds };
}

suite('Verified fixes in VS Code', function () {
  const current = suiteVsCode('Default Dark Modern');

  test('Apply Suggested Fix follows the active file: offered for deep-sigmoid, not for the healthy XOR, and again after switching back', async () => {
    const vs = current();
    const apply = 'Gradient Debugger: Apply Suggested Fix';
    await vs.openFile('deep-sigmoid-vanishing.net.json');
    await vs.waitForCommand(apply, 30_000);
    await vs.openFile('xor-healthy.net.json');
    await waitFor(async () => !(await vs.commandListed(apply)), 30_000, 'no fix offered for the healthy XOR');
    await vs.openFile('deep-sigmoid-vanishing.net.json'); // analysed already: only the active file changes
    await waitFor(() => vs.commandListed(apply), 15_000, 'the fix offered again for deep-sigmoid');
  });

  for (const name of EXAMPLES)
    test(`${name}: every fix button shows its effect, and the first fix leaves no new serious warning`, async () => {
      const vs = current();
      const file = `${name}.net.json`;
      const before = seriousKinds(vs, file);
      await vs.openFile(file);
      await vs.runCommand('Gradient Debugger: Open Gradient Panel');
      const { panel, kinds } = await verifiedWarnings(vs);
      assert.deepStrictEqual([...kinds].sort(), [...before].sort(), 'the panel lists the warnings the CLI reports');
      const buttons = panel.locator('#warnings .warning:not(.severity-info) .fix');
      assert.ok((await buttons.count()) > 0, 'at least one verified fix is offered');
      for (const text of await buttons.allInnerTexts())
        assert.match(text, /loss after \d+ steps \S+ → \S+/, `fix shows its measured effect: ${text}`);
      await vs.screenshot(`fix-${name}-before`);

      await panel.locator('#warnings .warning:not(.severity-info) button.apply-fix').first().click();
      await waitFor(
        async () => {
          const now = (await verifiedWarnings(vs)).kinds;
          return now.length !== kinds.length || now.some((k) => !kinds.includes(k));
        },
        60_000,
        'the panel re-analysed the edited file',
      );
      await vs.screenshot(`fix-${name}-after`);
      await vs.openFile(file);
      await vs.save();
      const after = seriousKinds(vs, file);
      const raised = after.filter((k) => !before.includes(k));
      assert.deepStrictEqual(raised, [], `no new serious warning after the fix (before ${before}, after ${after})`);
      assert.ok(after.length < before.length, `a warning went away (before ${before}, after ${after})`);
    });
});
