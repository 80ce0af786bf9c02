/**
 * Import Model… (ONNX or safetensors → a new `*.net.json`) and Export Model… (the active network →
 * ONNX, or a PyTorch script). The model code loads on first use only (a lazy import), files are read
 * and written through workspace.fs and WorkspaceEdit (undoable), and nothing is overwritten silently.
 */
import * as vscode from 'vscode';
import { loadNetwork } from '../../core/load';
import { readDocument } from '../documents';
import { CommandServices, CommandTable } from './services';
import { activeDocument } from './targets';

/** Handlers of the model commands, by id; both accept URIs as arguments (for scripts and tests) instead of dialogs. */
export function modelCommands(s: CommandServices): CommandTable {
  return {
    'gradientDebugger.importModel': (model?: unknown, target?: unknown) => importModel(s, asUri(model), asUri(target)),
    'gradientDebugger.exportModel': (format?: unknown, target?: unknown) =>
      exportModel(s, typeof format === 'string' ? format : undefined, asUri(target)),
  };
}

function asUri(v: unknown): vscode.Uri | undefined {
  return v instanceof vscode.Uri ? v : undefined;
}

/** Creates `uri` with `contents` as one undoable edit; false (with a message) when it exists. */
async function createFile(uri: vscode.Uri, contents: Uint8Array): Promise<boolean> {
  const we = new vscode.WorkspaceEdit();
  we.createFile(uri, { overwrite: false, ignoreIfExists: false, contents });
  if (await vscode.workspace.applyEdit(we)) return true;
  void vscode.window.showErrorMessage(`Could not create ${uri.path.split('/').pop()} (does it already exist?).`);
  return false;
}

async function importModel(s: CommandServices, model?: vscode.Uri, target?: vscode.Uri): Promise<void> {
  const io = await import('../../core/modelio/importModel');
  const { MAX_MODEL_BYTES } = await import('../../core/modelio/onnxModel');
  model ??= (
    await vscode.window.showOpenDialog({
      filters: { Models: ['onnx', 'safetensors'] },
      title: 'Import a dense network (ONNX or safetensors)',
    })
  )?.[0];
  if (!model) return;
  const stat = await vscode.workspace.fs.stat(model);
  if (stat.size > MAX_MODEL_BYTES) {
    void vscode.window.showErrorMessage(`The model has ${stat.size} bytes, more than the limit of ${MAX_MODEL_BYTES}.`);
    return;
  }
  const bytes = await vscode.workspace.fs.readFile(model);
  const safetensors = model.path.toLowerCase().endsWith('.safetensors');
  let result = safetensors ? io.importSafetensors(bytes) : io.importOnnx(bytes);
  if (safetensors && /does not say its activations/.test(result.error ?? '')) {
    const list = await vscode.window.showInputBox({
      title: 'Activations, one per Linear layer',
      prompt: result.error,
      placeHolder: 'relu,relu,softmax',
    });
    if (!list) return;
    result = io.importSafetensors(bytes, { activations: list.split(',').map((a) => a.trim()) });
  }
  if (result.error !== undefined) {
    void vscode.window.showErrorMessage(`Cannot import ${model.path.split('/').pop()}: ${result.error}`);
    return;
  }
  target ??= await vscode.window.showSaveDialog({
    defaultUri: model.with({ path: model.path.replace(/\.(onnx|safetensors)$/i, '') + '.net.json' }),
    filters: { 'Network files': ['json'] }, // not 'net.json': the simple dialog would append it to "x.net.json"
    title: 'Save the imported network as',
  });
  if (!target || !(await createFile(target, new TextEncoder().encode(result.text!)))) return;
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target));
  s.panel.show();
  for (const note of result.notes ?? []) s.output.appendLine(`Import ${model.path.split('/').pop()}: ${note}`);
  if (result.notes?.length) void vscode.window.showInformationMessage(`Imported. ${result.notes.join('. ')}.`);
}

const FORMATS = [
  { label: 'ONNX (float64)', description: 'exact round trip', format: 'onnx' },
  { label: 'ONNX (float32)', description: 'for runtimes without float64 kernels', format: 'onnx32' },
  { label: 'PyTorch script', description: 'nn.Sequential, data, loss and optimizer', format: 'pytorch' },
];

async function exportModel(s: CommandServices, format?: string, target?: vscode.Uri): Promise<void> {
  const doc = await activeDocument(s.session);
  if (!doc) return;
  format ??= (await vscode.window.showQuickPick(FORMATS, { title: 'Export the network as' }))?.format;
  if (!format) return;
  const { text, csv } = await readDocument(doc);
  const { loaded, problems } = loadNetwork(text, { readCsv: (rel) => csv[rel] });
  if (!loaded) {
    const first = problems.find((p) => p.severity === 'error');
    void vscode.window.showErrorMessage(`Fix the network file first: ${first?.message ?? 'it does not load'}.`);
    return;
  }
  const pytorch = format === 'pytorch';
  const base = doc.uri.path.replace(/\.net\.json$/, '');
  target ??= await vscode.window.showSaveDialog({
    defaultUri: doc.uri.with({ path: `${base}${pytorch ? '.py' : '.onnx'}` }),
    filters: pytorch ? { 'Python script': ['py'] } : { 'ONNX model': ['onnx'] },
    title: 'Export the network to',
  });
  if (!target) return;
  const { exportModel: modelOf } = await import('../../core/modelio/exportModel');
  const model = modelOf(text, loaded);
  if (!pytorch) {
    const { encodeOnnx } = await import('../../core/modelio/onnxExport');
    if (await createFile(target, encodeOnnx(model, format === 'onnx32' ? 'float32' : 'float64')))
      void vscode.window.showInformationMessage(`Exported to ${target.path.split('/').pop()}.`);
    return;
  }
  const { scriptExport } = await import('../../core/modelio/pytorchScript');
  const sidecar = target.with({ path: target.path.replace(/\.py$/, '') + '.safetensors' });
  const csvPath =
    loaded.spec.data.kind === 'csv'
      ? relativePath(target, vscode.Uri.joinPath(doc.uri, '..', loaded.spec.data.path))
      : undefined;
  const out = scriptExport(model, loaded, { csvPath, sidecarName: sidecar.path.split('/').pop()! });
  if (out.sidecar && !(await createFile(sidecar, out.sidecar))) return;
  if (await createFile(target, new TextEncoder().encode(out.script)))
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target));
}

/** The path of `to` relative to the folder of `from` (both URIs of one scheme), with / separators. */
function relativePath(from: vscode.Uri, to: vscode.Uri): string {
  const a = from.path.split('/').slice(0, -1);
  const b = to.path.split('/');
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}
