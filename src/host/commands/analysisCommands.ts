/**
 * Commands that analyse the active network and show the results: panel, analysis, gradient check,
 * export, weight explanations.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../worker/workerClient';
import { formatNumber } from '../../shared/numbers';
import { revealLayer } from '../editing';
import { exportReport } from '../exportReport';
import { CommandServices, CommandTable } from './services';
import { activeDocument, pickWeight, weightAtCursor } from './targets';

/** Handlers of the analysis commands, by id. */
export function analysisCommands(s: CommandServices): CommandTable {
  return {
    'gradientDebugger.openPanel': () => openPanel(s),
    'gradientDebugger.analyze': () => analyzeActive(s),
    'gradientDebugger.gradientCheck': () => checkGradients(s),
    'gradientDebugger.exportReport': () => exportActiveReport(s),
    'gradientDebugger.explainWeight': (layerIndex?: unknown, unit?: unknown, input?: unknown) =>
      explainWeight(s, layerIndex, unit, input),
    'gradientDebugger.revealWarning': async (layer?: unknown) => {
      if (s.session.active && typeof layer === 'number') await revealLayer(s.session.active, layer);
    },
  };
}

/** Follows the active network and shows the panel. */
async function openPanel({ session, panel, runs }: CommandServices): Promise<void> {
  if (runs.shown) return panel.show(); // a run log is shown: the panel follows it
  const doc = await activeDocument(session);
  if (doc) session.follow(doc);
  panel.show();
}

/** Analyses now and sums up the result in a notification. */
async function analyzeActive({ session, panel }: CommandServices): Promise<void> {
  const doc = await activeDocument(session);
  if (!doc) return;
  session.follow(doc);
  const { state } = await session.analyzeNow(doc);
  const report = state.report;
  if (state.problems.length) {
    void vscode.window
      .showErrorMessage(
        `${state.fileName} has ${state.problems.length} error(s): see the Problems view.`,
        'Show Problems',
      )
      .then((c) => c && vscode.commands.executeCommand('workbench.actions.view.problems'));
  } else if (report) {
    const kinds = report.warnings.length ? report.warnings.map((w) => w.kind).join(', ') : 'no warnings';
    void vscode.window.showInformationMessage(`${report.network}: loss ${formatNumber(report.loss, 4)}, ${kinds}.`);
  }
  panel.show();
}

/** Compares backprop with central differences; details go to the output channel. */
async function checkGradients({ session, output, analysis }: CommandServices): Promise<void> {
  const doc = await activeDocument(session);
  const entry = doc && (session.entry(doc.uri) ?? (await session.analyzeNow(doc)));
  if (!doc || !entry?.spec) return;
  const title = 'Checking gradients against central differences';
  const input = { text: doc.getText(), csv: entry.csv };
  let outcome: Awaited<ReturnType<typeof analysis.gradientCheck>>;
  try {
    outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (progress, token) => {
        let reported = 0;
        const onProgress = (done: number, total: number): void => {
          progress.report({ increment: ((done - reported) / total) * 100, message: `${done} of ${total} entries` });
          reported = done;
        };
        return analysis.gradientCheck(input, onProgress, token);
      },
    );
  } catch (e) {
    if (!(e instanceof CancelledError)) void vscode.window.showErrorMessage(`Gradient check: ${String(e)}`);
    return;
  }
  const result = outcome.check;
  if (!result) return;
  output.appendLine(
    `Gradient check of ${doc.uri.path.split('/').pop()} (h = ${result.epsilon}, tolerance ${result.tolerance}, ` +
      `${result.samples} of ${result.samplesInData} samples, at most ${result.entriesPerLayer} entries per layer):`,
  );
  for (const l of result.layers)
    output.appendLine(
      `  ${l.layer.padEnd(16)} max relative error ${formatNumber(l.maxRelativeError).padStart(10)}  ` +
        `(${l.checked} checked, ${l.skipped} skipped at kinks)`,
    );
  const message =
    `Gradient check ${result.passed ? 'passed' : 'FAILED'}: ` +
    `max relative error ${formatNumber(result.maxRelativeError)} (tolerance ${result.tolerance}).`;
  output.appendLine(`  ${message}`);
  const show = result.passed ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
  void show(message, 'Details').then((c) => c && output.show(true));
}

/** Writes the Markdown report (with charts, JSON and CSV) where the user chooses. */
async function exportActiveReport({ session, training }: CommandServices): Promise<void> {
  const doc = await activeDocument(session);
  const report = doc && session.entry(doc.uri)?.state.report;
  if (!doc || !report) return;
  const target = await vscode.window.showSaveDialog({
    defaultUri: doc.uri.with({ path: doc.uri.path.replace(/\.net\.json$/, '.report.md') }),
    filters: { Markdown: ['md'] },
    title: 'Export gradient report',
  });
  if (!target) return;
  const t = training.view(doc.uri);
  const files = await exportReport(
    target,
    vscode.workspace.asRelativePath(doc.uri),
    report,
    t?.history ?? [],
    t?.warnings ?? [],
  );
  void vscode.window
    .showInformationMessage(`Exported ${files.length} files next to ${target.path.split('/').pop()}.`, 'Open')
    .then((c) => c && vscode.commands.executeCommand('markdown.showPreview', target));
}

/** The chain rule for one weight in the panel: the one given, else the one at the cursor, else one asked for. */
async function explainWeight(
  { session, panel, training }: CommandServices,
  layerIndex: unknown,
  unit: unknown,
  input: unknown,
): Promise<void> {
  const doc = await activeDocument(session);
  if (!doc) return;
  const given =
    typeof layerIndex === 'number' && typeof unit === 'number' && typeof input === 'number'
      ? { layerIndex, unit, input }
      : undefined;
  const target = given ?? weightAtCursor(doc) ?? (await pickWeight(session, doc));
  if (!target) return;
  const explanation = await training.explain(doc.uri, target.layerIndex, target.unit, target.input);
  if (!explanation) return;
  panel.show();
  panel.postToPanel({ type: 'explanation', explanation });
}
