/**
 * Commands that create or edit network files: a new one from a template, trained weights written
 * back, a suggested fix applied.
 */
import * as vscode from 'vscode';
import { Fix } from '../../core/format/fixEdits';
import { nonFiniteCount, parameterMismatch } from '../../core/format/parameterCheck';
import { diagnosticWarningId, findWarningById } from '../warningLookup';
import { applyFixToDocument, writeParameters, writeParametersToNewFile } from '../editing';
import { TEMPLATES } from '../templates';
import { CommandServices, CommandTable } from './services';
import { activeDocument } from './targets';
import { LargeFile, activeLargeFile, askNewWeightsFile } from '../training/largeFiles';

/** Handlers of the file commands, by id. */
export function fileCommands(s: CommandServices): CommandTable {
  return {
    'gradientDebugger.newFromTemplate': () => newFromTemplate(s),
    'gradientDebugger.writeWeights': () => writeWeights(s),
    'gradientDebugger.applyFix': () => applyFix(s),
  };
}

/** Copies an example network to a file the user names, and opens it beside the panel. */
async function newFromTemplate({ context, panel }: CommandServices): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    TEMPLATES.map((t) => ({ label: t.label, description: t.description, template: t })),
    { title: 'New network from template' },
  );
  if (!pick) return;
  const bytes = await vscode.workspace.fs.readFile(
    vscode.Uri.joinPath(context.extensionUri, 'examples', pick.template.file),
  );
  const text = new TextDecoder().decode(bytes).replace(/^\s*"\$schema": .*\n/m, '');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = folder ? vscode.Uri.joinPath(folder, pick.template.file) : undefined;
  const uri = await vscode.window.showSaveDialog({
    defaultUri: target,
    filters: { 'Network files': ['net.json'] },
    title: 'Save the new network as',
  });
  if (!uri) return;
  const we = new vscode.WorkspaceEdit();
  we.createFile(uri, { overwrite: false, ignoreIfExists: false, contents: new TextEncoder().encode(text) });
  if (!(await vscode.workspace.applyEdit(we))) {
    void vscode.window.showErrorMessage(`Could not create ${uri.path.split('/').pop()} (does it already exist?).`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  panel.show();
}

/**
 * Writes the trained weights into this file (one undoable edit) or into a new one. Refused, with
 * the reason, when a value is NaN/∞ or the file's layers no longer have the trained shapes (edited
 * while training): then a new file, made from the text training started from, is offered instead.
 */
async function writeWeights({ session, training }: CommandServices): Promise<void> {
  const large = await activeLargeFile();
  if (large) return writeLargeFileWeights(training, large);
  const doc = await activeDocument(session);
  const parameters = doc && (await training.parameters(doc.uri));
  if (!doc || !parameters) {
    void vscode.window.showInformationMessage('Train the network first: there are no trained weights to write.');
    return;
  }
  const bad = nonFiniteCount(parameters);
  if (bad) {
    void vscode.window.showErrorMessage(
      `Not written: ${bad} trained values are NaN or infinite (training diverged). Reset, lower the learning rate and train again.`,
    );
    return;
  }
  const trainedText = training.trainedText(doc.uri) ?? doc.getText();
  const where = await vscode.window.showQuickPick(
    [
      { label: 'Into this file', description: 'one undoable edit', here: true },
      { label: 'Into a new file…', description: 'keeps this file as it is', here: false },
    ],
    { title: 'Write the trained weights' },
  );
  if (!where) return;
  if (!where.here) {
    await writeParametersToNewFile(doc, trainedText, parameters);
    return;
  }
  const mismatch = parameterMismatch(doc.getText(), parameters);
  if (mismatch) {
    const name = doc.uri.path.split('/').pop();
    const choice = await vscode.window.showErrorMessage(
      `Not written into ${name}: ${mismatch}. The file was edited while training.`,
      'Write a new file…',
    );
    if (choice) await writeParametersToNewFile(doc, trainedText, parameters);
    return;
  }
  if (await writeParameters(doc.uri, parameters))
    void vscode.window.showInformationMessage(
      'Trained weights written into the file (Undo restores the previous ones).',
    );
}

/** A file over the editor's 50 MB limit cannot be edited through a document: its weights go to a new file. */
async function writeLargeFileWeights(training: CommandServices['training'], file: LargeFile): Promise<void> {
  const target = await askNewWeightsFile(file);
  const refused = target && (await training.writeToNewFile(file, target));
  if (refused) void vscode.window.showErrorMessage(`Not written: ${refused}.`);
  else if (target)
    void vscode.window.showInformationMessage(`Trained weights written to ${target.path.split('/').pop()}.`);
}

/** Applies the first fix of the warning at the cursor, else one picked from every warning's fixes. */
async function applyFix({ session, training }: CommandServices): Promise<void> {
  const doc = await activeDocument(session);
  const report = doc && session.entry(doc.uri)?.state.report;
  if (!doc || !report) return;
  const editor = vscode.window.activeTextEditor;
  const atCursor =
    editor?.document === doc
      ? vscode.languages
          .getDiagnostics(doc.uri)
          .filter((d) => d.range.contains(editor.selection.active))
          .map((d) => diagnosticWarningId(d))
          .map((id) => (id ? findWarningById(session, training, doc, id) : undefined))
          .find((found) => found && found.current)?.warning
      : undefined;
  let fix: Fix | undefined = atCursor?.fixes[0];
  if (!fix) {
    const items = report.warnings.flatMap((w) =>
      w.fixes.map((f) => ({ label: f.title, description: `${w.kind} in '${w.layer}'`, fix: f })),
    );
    if (!items.length) {
      void vscode.window.showInformationMessage('No suggested fixes: the analysis found nothing to repair.');
      return;
    }
    fix = (await vscode.window.showQuickPick(items, { title: 'Apply a suggested fix' }))?.fix;
  }
  if (fix) await applyFixToDocument(doc.uri, fix);
}
