/** Quick fixes for the warnings: one code action per verified fix, each a single undoable edit. */
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { fixWorkspaceEdit } from './editing';
import { NetworkSession } from './session';
import { TrainingController } from './training/trainingController';
import { diagnosticWarningId, findWarningById } from './warningLookup';

/** Quick fixes (Ctrl+.) for the warnings, found by the id their diagnostic carries; the same ranked list as the panel. */
export class FixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly session: NetworkSession,
    private readonly training: TrainingController,
  ) {}

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const id = diagnostic.source === DIAGNOSTIC_SOURCE ? diagnosticWarningId(diagnostic) : undefined;
      const found = id ? findWarningById(this.session, this.training, doc, id) : undefined;
      if (!found?.current) continue;
      found.warning.fixes.forEach((fix, i) => {
        const edit = fixWorkspaceEdit(doc, fix);
        if (!edit) return;
        const effect = fix.effect ? ` (${fix.effect.summary})` : '';
        const action = new vscode.CodeAction(`${fix.title}${effect}`, vscode.CodeActionKind.QuickFix);
        action.edit = edit;
        action.diagnostics = [diagnostic];
        action.isPreferred = i === 0;
        actions.push(action);
      });
    }
    return actions;
  }
}
