/** Problems view: every validation problem at its exact range, every warning on its layer, with stable codes. */
import * as vscode from 'vscode';
import { Warning } from '../core/diagnosis/report';
import { layerRange } from './documents';
import { diagnosticCode } from './warningLookup';
import { NetworkSession } from './session';
import { shallowTree } from '../core/format/json';

/** The source name every diagnostic of ours carries. */
export const DIAGNOSTIC_SOURCE = 'Gradient Debugger';
/** Code of validation problems; warnings use their kind. */
export const INVALID_CODE = 'invalid_network';

const SEVERITY: Record<Warning['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Spec errors and analysis warnings of each network file in the Problems view. */
export class NetworkDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('gradientDebugger');
  private readonly subscription: vscode.Disposable;

  constructor(private readonly session: NetworkSession) {
    this.subscription = session.onDidChange((uri) => this.update(uri));
  }

  private update(uri: vscode.Uri): void {
    const entry = this.session.entry(uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!entry || !doc) {
      this.collection.delete(uri);
      return;
    }
    const problems = this.session.problemsOf(uri).map((p) => {
      const d = new vscode.Diagnostic(
        new vscode.Range(p.start.line, p.start.character, p.end.line, p.end.character),
        p.message,
        p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = INVALID_CODE;
      return d;
    });
    // while the file has errors its report is stale: positions would point at the wrong text
    const tree = shallowTree(doc.getText());
    const warnings = entry.state.problems.length
      ? []
      : (entry.state.report?.warnings ?? []).map((w) => warningDiagnostic(doc, w, tree));
    this.collection.set(uri, [...problems, ...warnings]);
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}

/** A warning as a diagnostic on its layer's JSON object. */
export function warningDiagnostic(
  doc: vscode.TextDocument,
  w: Warning,
  tree?: ReturnType<typeof shallowTree>,
): vscode.Diagnostic {
  const when = w.firstStep !== undefined ? ` (from step ${w.firstStep})` : '';
  const d = new vscode.Diagnostic(
    layerRange(doc, w.layerIndex, tree),
    `${w.message}${when}\n${w.cause}\nFix: ${w.fix}`,
    SEVERITY[w.severity],
  );
  d.source = DIAGNOSTIC_SOURCE;
  d.code = diagnosticCode(w);
  return d;
}
