/** Models in and out of a real VS Code: Import Model… from the palette, the panel, a fix applied, Export Model… back. */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, suiteVsCode, waitFor } from './harness';

suite('Import and export models in VS Code', function () {
  const current = suiteVsCode('Default Dark Modern');

  test('import an ONNX model from the palette, see the panel, apply a fix, export it back', async function () {
    const vs = current();
    this.timeout(180_000);
    // an ONNX model of a badly initialised ReLU stack (our export of the exploding-init example), whose warning has a fix
    const model = path.join(vs.workspace, 'exploding.onnx');
    const layerCount = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'exploding-init.net.json'), 'utf8'))
      .layers.length;
    execFileSync(process.execPath, [
      path.join(ROOT, 'dist', 'cli.js'),
      'export',
      path.join(ROOT, 'examples', 'exploding-init.net.json'),
      '--onnx',
      model,
    ]);
    await vs.openFile('xor-healthy.net.json');
    await vs.runCommand('Gradient Debugger: Import Model…');
    await vs.answerFileDialog('Import a dense network', model);
    await vs.answerFileDialog('Save the imported network as', path.join(vs.workspace, 'imported.net.json'));
    const imported = path.join(vs.workspace, 'imported.net.json');
    await waitFor(() => fs.existsSync(imported), 30_000, 'imported.net.json was created');
    const panel = await vs.webview('#layer-table');
    await waitFor(
      async () => (await panel.locator('#layer-table tr[data-layer-index]').count()) === layerCount,
      30_000,
      'the panel shows every imported layer',
    );
    await waitFor(
      async () => (await panel.locator('[data-kind="exploding_gradient"]').count()) > 0,
      30_000,
      'the exploding-gradient warning',
    );
    await vs.screenshot('import-model-dark');

    await vs.openFile('imported.net.json');
    const before = fs.readFileSync(imported, 'utf8');
    await vs.runCommand('Gradient Debugger: Apply Suggested Fix');
    const pick = vs.page.locator('.quick-input-widget .monaco-list-row').first();
    if (await pick.isVisible({ timeout: 5_000 }).catch(() => false)) await vs.page.keyboard.press('Enter');
    await vs.save();
    await waitFor(() => fs.readFileSync(imported, 'utf8') !== before, 15_000, 'the fix changed the file');

    const exported = path.join(vs.workspace, 'fixed.onnx');
    await vs.runCommand('Gradient Debugger: Export Model…');
    await vs.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'ONNX (float64)' }).click();
    await vs.answerFileDialog('Export the network to', exported);
    await waitFor(() => fs.existsSync(exported), 30_000, 'fixed.onnx was written');
    const back = path.join(vs.workspace, 'back.net.json');
    execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'import', exported, '--out', back]);
    const analysis = (file: string) =>
      JSON.parse(
        execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'analyze', file, '--json'], {
          encoding: 'utf8',
        }),
      );
    const [fixed, roundTrip] = [analysis(imported), analysis(back)];
    assert.strictEqual(roundTrip.loss, fixed.loss, 'the exported model is the fixed network (same loss, exactly)');
    assert.deepStrictEqual(
      roundTrip.layers.map((l: { activation: string }) => l.activation),
      fixed.layers.map((l: { activation: string }) => l.activation),
    );
  });
});
