/** Every command of the palette, thin: each delegates to the session, the panel, the training controller or an edit. */
import { getLocation } from 'jsonc-parser';
import * as vscode from 'vscode';
import { gradientCheck } from '../core/gradcheck';
import { Fix } from '../core/diagnosis/report';
import { findWarning } from './codeActions';
import { isNetworkDocument, layerAt } from './documents';
import { applyFixToDocument, revealLayer, withParameters, writeParameters } from './editing';
import { GradientPanel } from './gradientPanel';
import { exportReport } from './exportReport';
import { NetworkSession } from './session';
import { TEMPLATES } from './templates';
import { TrainingController } from './training/trainingController';

const fmt = (v: number): string => (!Number.isFinite(v) ? String(v) : Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : Number(v.toPrecision(4)).toString());

export function registerCommands(context: vscode.ExtensionContext, session: NetworkSession, panel: GradientPanel, training: TrainingController, output: vscode.OutputChannel): void {
  /** The active network document: the focused editor's, else the session's. */
  const activeDocument = async (): Promise<vscode.TextDocument | undefined> => {
    const editorDoc = vscode.window.activeTextEditor?.document;
    if (isNetworkDocument(editorDoc)) return editorDoc;
    if (session.active) return vscode.workspace.openTextDocument(session.active);
    void vscode.window.showInformationMessage('Open a *.net.json network file first (or create one with "New Network from Template").');
    return undefined;
  };

  const commands: Record<string, (...args: unknown[]) => unknown> = {
    'gradientDebugger.openPanel': async () => {
      const doc = await activeDocument();
      if (doc) session.follow(doc);
      panel.show();
    },

    'gradientDebugger.analyze': async () => {
      const doc = await activeDocument();
      if (!doc) return;
      session.follow(doc);
      const entry = await session.analyzeNow(doc);
      const report = entry.state.report;
      if (entry.state.problems.length) {
        void vscode.window.showErrorMessage(`${entry.state.fileName} has ${entry.state.problems.length} error(s): see the Problems view.`, 'Show Problems').then((c) => c && vscode.commands.executeCommand('workbench.actions.view.problems'));
      } else if (report) {
        void vscode.window.showInformationMessage(`${report.network}: loss ${fmt(report.loss)}, ${report.warnings.length ? report.warnings.map((w) => w.kind).join(', ') : 'no warnings'}.`);
      }
      panel.show();
    },

    'gradientDebugger.gradientCheck': async () => {
      const doc = await activeDocument();
      const loaded = doc && (session.entry(doc.uri) ?? (await session.analyzeNow(doc))).loaded;
      if (!loaded) return;
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Checking gradients against central differences…' },
        async () => gradientCheck({ ...loaded, network: loaded.network.clone() }));
      output.appendLine(`Gradient check of ${doc.uri.path.split('/').pop()} (h = ${result.epsilon}, tolerance ${result.tolerance}):`);
      for (const l of result.layers) output.appendLine(`  ${l.layer.padEnd(16)} max relative error ${fmt(l.maxRelativeError).padStart(10)}  (${l.checked} checked, ${l.skipped} skipped at kinks)`);
      const message = `Gradient check ${result.passed ? 'passed' : 'FAILED'}: max relative error ${fmt(result.maxRelativeError)} (tolerance ${result.tolerance}).`;
      output.appendLine(`  ${message}`);
      const show = result.passed ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
      void show(message, 'Details').then((c) => c && output.show(true));
    },

    'gradientDebugger.newFromTemplate': async () => {
      const pick = await vscode.window.showQuickPick(TEMPLATES.map((t) => ({ label: t.label, description: t.description, template: t })), { title: 'New network from template' });
      if (!pick) return;
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'examples', pick.template.file));
      const text = new TextDecoder().decode(bytes).replace(/^\s*"\$schema": .*\n/m, '');
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = folder ? vscode.Uri.joinPath(folder, pick.template.file) : undefined;
      const uri = await vscode.window.showSaveDialog({ defaultUri: target, filters: { 'Network files': ['net.json'] }, title: 'Save the new network as' });
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
    },

    'gradientDebugger.exportReport': async () => {
      const doc = await activeDocument();
      const report = doc && session.entry(doc.uri)?.state.report;
      if (!doc || !report) return;
      const target = await vscode.window.showSaveDialog({ defaultUri: doc.uri.with({ path: doc.uri.path.replace(/\.net\.json$/, '.report.md') }), filters: { Markdown: ['md'] }, title: 'Export gradient report' });
      if (!target) return;
      const t = training.view(doc.uri);
      const files = await exportReport(target, vscode.workspace.asRelativePath(doc.uri), report, t?.history ?? [], t?.warnings ?? []);
      void vscode.window.showInformationMessage(`Exported ${files.length} files next to ${target.path.split('/').pop()}.`, 'Open').then((c) => c && vscode.commands.executeCommand('markdown.showPreview', target));
    },

    'gradientDebugger.applyFix': async () => {
      const doc = await activeDocument();
      const report = doc && session.entry(doc.uri)?.state.report;
      if (!doc || !report) return;
      const editor = vscode.window.activeTextEditor;
      const atCursor = editor?.document === doc ? vscode.languages.getDiagnostics(doc.uri).filter((d) => d.range.contains(editor.selection.active)).map((d) => findWarning(doc, report.warnings, d)).find(Boolean) : undefined;
      let fix: Fix | undefined = atCursor?.fixes[0];
      if (!fix) {
        const items = report.warnings.flatMap((w) => w.fixes.map((f) => ({ label: f.title, description: `${w.kind} in '${w.layer}'`, fix: f })));
        if (!items.length) { void vscode.window.showInformationMessage('No suggested fixes: the analysis found nothing to repair.'); return; }
        fix = (await vscode.window.showQuickPick(items, { title: 'Apply a suggested fix' }))?.fix;
      }
      if (fix) await applyFixToDocument(doc.uri, fix);
    },

    'gradientDebugger.train': async (steps?: unknown) => {
      const doc = await activeDocument();
      const spec = doc && (session.entry(doc.uri) ?? (await session.analyzeNow(doc))).loaded?.spec;
      if (!doc || !spec) return;
      let n = typeof steps === 'number' ? steps : undefined;
      if (n === undefined) {
        const input = await vscode.window.showInputBox({ title: 'Train', prompt: 'Number of steps', value: String(spec.training.steps), validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) > 0 && Number(v) <= 1_000_000 ? undefined : 'A whole number from 1 to 1,000,000') });
        if (input === undefined) return;
        n = Number(input);
      }
      panel.show();
      await training.train(doc, n);
    },

    'gradientDebugger.step': async () => {
      const doc = await activeDocument();
      if (doc) await training.train(doc, 1);
    },

    'gradientDebugger.pause': () => training.pause(),

    'gradientDebugger.reset': async () => {
      const doc = await activeDocument();
      if (doc) await training.reset(doc);
    },

    'gradientDebugger.writeWeights': async () => {
      const doc = await activeDocument();
      const parameters = doc && (await training.parameters(doc.uri));
      if (!doc || !parameters) { void vscode.window.showInformationMessage('Train the network first: there are no trained weights to write.'); return; }
      const where = await vscode.window.showQuickPick([{ label: 'Into this file', description: 'one undoable edit', here: true }, { label: 'Into a new file…', description: 'keeps this file as it is', here: false }], { title: 'Write the trained weights' });
      if (!where) return;
      if (where.here) {
        if (await writeParameters(doc.uri, parameters)) void vscode.window.showInformationMessage('Trained weights written into the file (Undo restores the previous ones).');
        return;
      }
      const target = await vscode.window.showSaveDialog({ defaultUri: doc.uri.with({ path: doc.uri.path.replace(/\.net\.json$/, '.trained.net.json') }), filters: { 'Network files': ['net.json'] } });
      if (!target) return;
      const we = new vscode.WorkspaceEdit();
      we.createFile(target, { overwrite: false, contents: new TextEncoder().encode(withParameters(doc.getText(), parameters)) });
      if (await vscode.workspace.applyEdit(we)) await vscode.window.showTextDocument(target);
      else void vscode.window.showErrorMessage(`Could not create ${target.path.split('/').pop()} (does it already exist?).`);
    },

    'gradientDebugger.explainWeight': async (layerIndex?: unknown, unit?: unknown, input?: unknown) => {
      const doc = await activeDocument();
      if (!doc) return;
      let target = typeof layerIndex === 'number' && typeof unit === 'number' && typeof input === 'number' ? { layerIndex, unit, input } : weightAtCursor(doc);
      if (!target) target = await pickWeight(session, doc);
      if (!target) return;
      const explanation = await training.explain(doc.uri, target.layerIndex, target.unit, target.input);
      if (!explanation) return;
      panel.show();
      panel.postToPanel({ type: 'explanation', explanation });
    },

    'gradientDebugger.revealWarning': async (layer?: unknown) => {
      if (session.active && typeof layer === 'number') await revealLayer(session.active, layer);
    },
  };
  for (const [id, handler] of Object.entries(commands)) context.subscriptions.push(vscode.commands.registerCommand(id, handler));
}

/** The weight under the cursor: inside `layers[i].weights[j][k]` (or `bias[j]`). */
function weightAtCursor(doc: vscode.TextDocument): { layerIndex: number; unit: number; input: number } | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document !== doc) return undefined;
  const path = getLocation(doc.getText(), doc.offsetAt(editor.selection.active)).path;
  if (path[0] !== 'layers' || typeof path[1] !== 'number') return undefined;
  if (path[2] === 'weights' && typeof path[3] === 'number' && typeof path[4] === 'number') return { layerIndex: path[1], unit: path[3], input: path[4] };
  if (path[2] === 'bias' && typeof path[3] === 'number') return { layerIndex: path[1], unit: path[3], input: -1 };
  return undefined;
}

/** Asks for a weight: layer (defaulting to the one at the cursor), unit, input. */
async function pickWeight(session: NetworkSession, doc: vscode.TextDocument): Promise<{ layerIndex: number; unit: number; input: number } | undefined> {
  const spec = session.entry(doc.uri)?.loaded?.spec;
  if (!spec) return undefined;
  const cursor = vscode.window.activeTextEditor?.document === doc ? layerAt(doc, vscode.window.activeTextEditor.selection.active) : -1;
  const layerPick = cursor >= 0 ? { index: cursor } : await vscode.window.showQuickPick(spec.layers.map((l, i) => ({ label: l.name, description: `${l.units} units, ${l.activation.type}`, index: i })), { title: 'Explain a weight: layer' });
  if (!layerPick) return undefined;
  const layer = spec.layers[layerPick.index];
  const fanIn = layerPick.index === 0 ? spec.input : spec.layers[layerPick.index - 1].units;
  const answer = await vscode.window.showInputBox({
    title: `Explain a weight of '${layer.name}'`, prompt: `unit (0–${layer.units - 1}) and input (0–${fanIn - 1}, or "b" for the bias), e.g. "0 1"`, value: '0 0',
    validateInput: (v) => {
      const [u, i] = v.trim().split(/[\s,]+/);
      const ok = /^\d+$/.test(u ?? '') && Number(u) < layer.units && (i === 'b' || (/^\d+$/.test(i ?? '') && Number(i) < fanIn));
      return ok ? undefined : `unit 0–${layer.units - 1} and input 0–${fanIn - 1} or b`;
    },
  });
  if (!answer) return undefined;
  const [u, i] = answer.trim().split(/[\s,]+/);
  return { layerIndex: layerPick.index, unit: Number(u), input: i === 'b' ? -1 : Number(i) };
}
