/** Quick fixes for the warnings: one code action per suggested Fix, each a single undoable edit. */
import * as vscode from 'vscode';
import { Warning } from '../core/diagnosis/report';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { layerRange } from './documents';
import { fixWorkspaceEdit } from './editing';
import { NetworkSession } from './session';

/** Quick fixes (Ctrl+.) for the analysis' warnings, keyed on the diagnostic's code. */
export class FixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly session: NetworkSession) {}

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const report = this.session.entry(doc.uri)?.state.report;
    if (!report) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const warning = findWarning(doc, report.warnings, diagnostic);
      warning?.fixes.forEach((fix, i) => {
        const edit = fixWorkspaceEdit(doc, fix);
        if (!edit) return;
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = edit;
        action.diagnostics = [diagnostic];
        action.isPreferred = i === 0;
        actions.push(action);
      });
    }
    return actions;
  }
}

/** The warning a diagnostic stands for: same kind (its code) and same layer range. */
export function findWarning(
  doc: vscode.TextDocument,
  warnings: readonly Warning[],
  diagnostic: vscode.Diagnostic,
): Warning | undefined {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return warnings.find((w) => w.kind === code && layerRange(doc, w.layerIndex).isEqual(diagnostic.range));
}
