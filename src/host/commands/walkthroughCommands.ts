/**
 * The walkthrough's own commands: a copy of the deep-sigmoid example in the open folder (or, with no
 * folder open, in the extension's storage), opened with the Gradient panel beside it; and the existing
 * apply-fix command run with the cursor on the first warning, so it applies that warning's recommended
 * fix without a quick pick (which the walkthrough page would close by taking the focus back).
 */
import * as vscode from 'vscode';
import { diagnosticWarningId } from '../warningLookup';
import { CommandServices, CommandTable } from './services';

/** The bundled example the walkthrough teaches with: vanishing gradients in a deep sigmoid stack. */
export const WALKTHROUGH_EXAMPLE = 'deep-sigmoid-vanishing.net.json';

/** Handlers of the walkthrough commands, by id. */
export function walkthroughCommands(s: CommandServices): CommandTable {
  return {
    'gradientDebugger.openExample': () => openExample(s),
    'gradientDebugger.applyRecommendedFix': () => applyRecommendedFix(s),
  };
}

/** Shows the active network with the cursor on its first warning, then runs "Apply Suggested Fix". */
async function applyRecommendedFix(s: CommandServices): Promise<void> {
  const uri = s.session.active ?? (await openExample(s));
  const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preview: false });
  const warning = vscode.languages.getDiagnostics(uri).find((d) => diagnosticWarningId(d) !== undefined);
  if (warning) editor.selection = new vscode.Selection(warning.range.start, warning.range.start);
  await vscode.commands.executeCommand('gradientDebugger.applyFix');
}

/** Copies the example (unless a copy is already there, which keeps the user's edits) and opens it. */
async function openExample({ context, panel }: CommandServices): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? context.globalStorageUri;
  const target = vscode.Uri.joinPath(folder, WALKTHROUGH_EXAMPLE);
  if (!(await exists(target))) {
    const bytes = await vscode.workspace.fs.readFile(
      vscode.Uri.joinPath(context.extensionUri, 'examples', WALKTHROUGH_EXAMPLE),
    );
    // the schema path is relative to the repository's examples/ folder: drop it in the copy
    const text = new TextDecoder().decode(bytes).replace(/^\s*"\$schema": .*\n/m, '');
    await vscode.workspace.fs.createDirectory(folder);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  }
  const doc = await vscode.workspace.openTextDocument(target);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
  panel.show();
  return target;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
