/** Edits of network files (always one undoable WorkspaceEdit, formatting kept) and revealing ranges. */
import * as vscode from 'vscode';
import { Fix, TextEdit, diffEdit, fixToEdit, withParameters } from '../core/format/fixEdits';
import { LayerParameters } from '../core/format/spec';
import { parameterMismatch } from '../core/format/parameterCheck';
import { layerRange } from './documents';

/** Applies a text edit of the core's kind to a document as one undoable edit. */
async function applyTextEdit(doc: vscode.TextDocument, edit: TextEdit | undefined, label: string): Promise<boolean> {
  if (!edit) return false;
  const we = new vscode.WorkspaceEdit();
  we.replace(
    doc.uri,
    new vscode.Range(doc.positionAt(edit.offset), doc.positionAt(edit.offset + edit.length)),
    edit.content,
    { label, needsConfirmation: false },
  );
  return vscode.workspace.applyEdit(we);
}

/** The WorkspaceEdit a fix makes (for code actions, which VS Code applies itself). */
export function fixWorkspaceEdit(doc: vscode.TextDocument, fix: Fix): vscode.WorkspaceEdit | undefined {
  const edit = fixToEdit(doc.getText(), fix);
  if (!edit) return undefined;
  const we = new vscode.WorkspaceEdit();
  we.replace(
    doc.uri,
    new vscode.Range(doc.positionAt(edit.offset), doc.positionAt(edit.offset + edit.length)),
    edit.content,
  );
  return we;
}

/** Applies a suggested fix to the network file. */
export async function applyFixToDocument(uri: vscode.Uri, fix: Fix): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return applyTextEdit(doc, fixToEdit(doc.getText(), fix), fix.title);
}

/** Writes trained weights and biases into the file as one undoable edit. */
export { withParameters };

/** Writes trained parameters into the file as one undoable edit; false when it could not (or they do not fit it). */
export async function writeParameters(uri: vscode.Uri, parameters: readonly LayerParameters[]): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const text = doc.getText();
  if (parameterMismatch(text, parameters) !== undefined) return false;
  return applyTextEdit(doc, diffEdit(text, withParameters(text, parameters)), 'Write trained weights');
}

/**
 * A copy of `baseText` (the file as trained) with the parameters, saved where the user chooses
 * (never over an existing file) and opened; false when nothing was written.
 */
export async function writeParametersToNewFile(
  doc: vscode.TextDocument,
  baseText: string,
  parameters: readonly LayerParameters[],
): Promise<boolean> {
  const target = await vscode.window.showSaveDialog({
    defaultUri: doc.uri.with({ path: doc.uri.path.replace(/\.net\.json$/, '.trained.net.json') }),
    filters: { 'Network files': ['net.json'] },
  });
  if (!target) return false;
  const we = new vscode.WorkspaceEdit();
  we.createFile(target, { overwrite: false, contents: new TextEncoder().encode(withParameters(baseText, parameters)) });
  if (await vscode.workspace.applyEdit(we)) {
    await vscode.window.showTextDocument(target);
    return true;
  }
  void vscode.window.showErrorMessage(`Could not create ${target.path.split('/').pop()} (does it already exist?).`);
  return false;
}

/** Opens the file and selects a layer's JSON object (the `layers` key for −1). */
export async function revealLayer(uri: vscode.Uri, layerIndex: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const editor = await vscode.window.showTextDocument(doc, {
    viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
    preserveFocus: false,
  });
  const range = layerRange(doc, layerIndex);
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
