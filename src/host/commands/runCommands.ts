/** "Open Training Run…": shows a run logged by the PyTorch probe (`*.gd.jsonl`) in the views, tailed live. */
import * as vscode from 'vscode';
import { CommandServices, CommandTable } from './services';

/** Handlers of the run-log commands, by id. */
export function runCommands(s: CommandServices): CommandTable {
  return {
    'gradientDebugger.openTrainingRun': (uri?: unknown) => openTrainingRun(s, uri),
  };
}

/** Opens the run log given (from the Explorer's menu), else one picked in a file dialog. */
async function openTrainingRun({ runs }: CommandServices, arg: unknown): Promise<void> {
  const uri =
    arg instanceof vscode.Uri
      ? arg
      : (
          await vscode.window.showOpenDialog({
            title: 'Open a training run logged by gdprobe',
            canSelectMany: false,
            defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
            filters: { 'Training runs (*.gd.jsonl)': ['gd.jsonl'] },
            openLabel: 'Open Training Run',
          })
        )?.[0];
  if (uri) await runs.open(uri);
}
