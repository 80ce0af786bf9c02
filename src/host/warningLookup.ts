/**
 * Warnings found by id, never by position or list index: in the file's latest analysis or in its
 * training run, with the document state their fixes were computed for, so a fix computed for an
 * older version of the file is refused (and the analysis renewed) instead of landing in the wrong place.
 */
import * as vscode from 'vscode';
import { Warning } from '../core/diagnosis/report';
import { applyFixToDocument } from './editing';
import { NetworkSession } from './session';
import { TrainingController } from './training/trainingController';

/** Where the docs explain each warning; a diagnostic's code links there and carries the warning's id. */
const WARNING_DOCS = 'https://github.com/gradient-debugger/gradient-debugger/blob/main/README.md';

/** The code a warning's diagnostic carries: its kind, linking to the docs, with the id in the query. */
export function diagnosticCode(w: Warning): { value: string; target: vscode.Uri } {
  const query = w.id ? `warning=${encodeURIComponent(w.id)}` : '';
  return { value: w.kind, target: vscode.Uri.parse(WARNING_DOCS).with({ query, fragment: 'warnings' }) };
}

/** The warning id a diagnostic of ours carries, if any. */
export function diagnosticWarningId(d: vscode.Diagnostic): string | undefined {
  const code = d.code;
  if (typeof code !== 'object' || !code.target) return undefined;
  const m = /(?:^|&)warning=([^&]*)/.exec(code.target.query);
  return m ? decodeURIComponent(m[1]) : undefined;
}

/** A warning with whether the document is still what its fixes were computed for. */
export interface FoundWarning {
  readonly warning: Warning;
  readonly current: boolean;
}

/** Looks a warning up by id in the file's analysis, then in its training run. */
export function findWarningById(
  session: NetworkSession,
  training: TrainingController,
  doc: vscode.TextDocument,
  id: string,
): FoundWarning | undefined {
  const entry = session.entry(doc.uri);
  const analysed = entry?.state.report?.warnings.find((w) => w.id === id);
  if (analysed) return { warning: analysed, current: entry!.version === doc.version && !entry!.state.problems.length };
  const trained = training.view(doc.uri)?.warnings.find((w) => w.id === id);
  if (trained) return { warning: trained, current: training.trainedText(doc.uri) === doc.getText() };
  return undefined;
}

/**
 * Applies fix `fixIndex` of warning `id` as one undoable edit, when the file is still the version
 * it was computed for; otherwise says so and renews the analysis. Returns whether it applied.
 */
export async function applyWarningFix(
  session: NetworkSession,
  training: TrainingController,
  uri: vscode.Uri,
  id: string,
  fixIndex: number,
): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const found = findWarningById(session, training, doc, id);
  const fix = found?.warning.fixes[fixIndex];
  if (!found || !fix) {
    void vscode.window.showWarningMessage('That fix is no longer offered: the analysis has changed since.');
    return false;
  }
  if (!found.current) {
    void vscode.window.showWarningMessage(
      `Not applied: the file changed after "${fix.title}" was computed. The fixes are being recomputed for the new text.`,
    );
    void session.analyzeNow(doc);
    return false;
  }
  return applyFixToDocument(uri, fix);
}
