/** `npm start`'s demo: the network it names opens in the editor with the Gradient panel beside it. */
import * as vscode from 'vscode';
import { GradientPanel } from './gradientPanel';

/** The environment variable through which scripts/start.mjs names the demo's network file. */
export const DEMO_FILE_VARIABLE = 'GRADIENT_DEBUGGER_DEMO';

/** Opens the demo file (when one is named and lies in the open folder) and shows the panel beside it. */
export async function openDemoOnStart(panel: GradientPanel, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = env[DEMO_FILE_VARIABLE];
  if (!file) return;
  const uri = vscode.Uri.file(file);
  if (!vscode.workspace.getWorkspaceFolder(uri)) return;
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
    panel.show();
  } catch {
    // the demo file was deleted or renamed: open nothing
  }
}
