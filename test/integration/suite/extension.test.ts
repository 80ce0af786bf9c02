/** Activation, commands, diagnostics and code actions through the vscode API (the same scenarios test/e2e drives through the UI). */
import * as assert from 'assert';
import * as vscode from 'vscode';

/** A diagnostic's warning kind: its code, or the code's value when it links to the docs. */
const kindOf = (d: vscode.Diagnostic): unknown => (typeof d.code === 'object' ? d.code.value : d.code);

const EXTENSION_ID = 'gradient-debugger.gradient-debugger';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function open(name: string): Promise<vscode.TextDocument> {
  const [uri] = await vscode.workspace.findFiles(name);
  assert.ok(uri, `${name} is in the test workspace`);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

async function diagnosticsOf(
  doc: vscode.TextDocument,
  test: (d: vscode.Diagnostic[]) => boolean,
): Promise<vscode.Diagnostic[]> {
  for (let i = 0; i < 100; i++) {
    const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'Gradient Debugger');
    if (test(d)) return d;
    await sleep(100);
  }
  return vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'Gradient Debugger');
}

suite('Gradient Debugger extension', () => {
  test('activates in a workspace with network files and registers every command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'openPanel',
      'analyze',
      'gradientCheck',
      'newFromTemplate',
      'exportReport',
      'applyFix',
      'train',
      'step',
      'pause',
      'reset',
      'writeWeights',
      'explainWeight',
    ]) {
      assert.ok(commands.includes(`gradientDebugger.${id}`), id);
    }
  });

  test('a vanishing network gets a vanishing_gradient diagnostic on its layer', async () => {
    const doc = await open('deep-sigmoid-vanishing.net.json');
    const d = await diagnosticsOf(doc, (x) => x.some((y) => kindOf(y) === 'vanishing_gradient'));
    const v = d.find((y) => kindOf(y) === 'vanishing_gradient');
    assert.ok(v, JSON.stringify(d.map(kindOf)));
    assert.match(doc.getText(v.range), /"name": "h5"/);
  });

  test('a broken file gets every validation error at its exact position', async () => {
    const doc = await open('invalid/many-errors.net.json');
    const d = await diagnosticsOf(doc, (x) => x.length >= 7);
    const rleu = d.find((x) => x.message.includes("unknown activation 'rleu'"));
    assert.ok(rleu);
    assert.strictEqual(rleu.code, 'invalid_network');
    assert.deepStrictEqual([rleu.range.start.line, rleu.range.start.character], [4, 46]);
    assert.strictEqual(doc.getText(rleu.range), '"rleu"');
  });

  test('the quick fix for dead units is one edit that removes the warning', async () => {
    const doc = await open('dead-relu.net.json');
    const [dead] = (await diagnosticsOf(doc, (x) => x.some((y) => kindOf(y) === 'dead_relu'))).filter(
      (y) => kindOf(y) === 'dead_relu',
    );
    assert.ok(dead);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      dead.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const leaky = actions.find((a) => a.title.startsWith('Use leaky ReLU'));
    assert.ok(leaky?.edit && leaky.isPreferred);
    assert.ok(await vscode.workspace.applyEdit(leaky.edit));
    assert.match(doc.getText(), /"type": "leaky_relu"/);
    const after = await diagnosticsOf(doc, (x) => !x.some((y) => kindOf(y) === 'dead_relu'));
    assert.ok(!after.some((y) => kindOf(y) === 'dead_relu'));
    await vscode.commands.executeCommand('undo');
    assert.doesNotMatch(doc.getText(), /leaky_relu/);
  });
});
