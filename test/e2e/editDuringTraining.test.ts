/**
 * A file edited while its network trains, in a real VS Code: writing the trained weights into it is refused with
 * the reason (its layers no longer have the trained shapes), a new file is offered, and the file keeps the edit.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { suiteVsCode, waitFor } from './harness';

const FILE = 'xor-healthy.net.json';

suite('Editing a file while it trains (dark theme)', function () {
  const current = suiteVsCode('Default Dark Modern');

  test('Write Trained Weights refuses a file whose layer grew during training, says why, and offers a new file', async () => {
    const vs = current();
    await vs.openFile(FILE);
    await vs.train(300);
    const panel = await vs.webview('#training');
    await waitFor(
      async () => /^Trained 300 steps/.test(await panel.locator('#training-status').innerText()),
      60_000,
      'training done',
    );

    // the hidden layer goes from 4 to 5 units after training started from 4
    const text = fs.readFileSync(path.join(vs.workspace, FILE), 'utf8');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('"units": 4'));
    const column = lines[line].indexOf('"units": 4') + '"units": '.length;
    await vs.openFile(FILE);
    await vs.runCommand('Go to Line/Column...');
    await vs.page.keyboard.type(`${line + 1}:${column + 1}`);
    await vs.page.keyboard.press('Enter');
    await vs.page.keyboard.press('Shift+ArrowRight');
    await vs.page.keyboard.type('5');
    await vs.save();
    assert.match(fs.readFileSync(path.join(vs.workspace, FILE), 'utf8'), /"units": 5/);

    await vs.runCommand('Gradient Debugger: Write Trained Weights to File');
    const here = vs.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'Into this file' });
    await here.waitFor({ state: 'visible', timeout: 10_000 });
    await here.click();
    const refusal = vs.page.locator('.notification-list-item-message').filter({ hasText: /Not written into/ });
    await refusal.first().waitFor({ timeout: 20_000 });
    const message = await refusal.first().innerText();
    assert.match(message, /Not written into xor-healthy\.net\.json: .*'hidden'.*The file was edited while training\./s);
    assert.strictEqual(
      await vs.page.locator('.notification-toast .monaco-button').filter({ hasText: 'Write a new file…' }).count(),
      1,
      'a new file is offered',
    );
    await vs.screenshot('weights-refused-after-edit-dark');
    const saved = JSON.parse(fs.readFileSync(path.join(vs.workspace, FILE), 'utf8'));
    assert.strictEqual(saved.layers[0].units, 5, 'the edit is kept');
    assert.ok(!('weights' in saved.layers[0]), 'no trained weights were written into the edited file');
  });
});
