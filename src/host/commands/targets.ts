/** What a command acts on: the active network document, or a weight (at the cursor, or asked for). */
import { getLocation } from 'jsonc-parser';
import * as vscode from 'vscode';
import { LayerSpec, NetworkSpec } from '../../core/format/spec';
import { isNetworkDocument, layerAt } from '../documents';
import { NetworkSession } from '../session';

/** One weight of a layer: `input` −1 stands for the unit's bias. */
export interface WeightTarget {
  readonly layerIndex: number;
  readonly unit: number;
  readonly input: number;
}

/** The active network document: the focused editor's, else the session's (a hint when there is none). */
export async function activeDocument(session: NetworkSession): Promise<vscode.TextDocument | undefined> {
  const editorDoc = vscode.window.activeTextEditor?.document;
  if (isNetworkDocument(editorDoc)) return editorDoc;
  if (session.active) return vscode.workspace.openTextDocument(session.active);
  void vscode.window.showInformationMessage(
    'Open a *.net.json network file first (or create one with "New Network from Template").',
  );
  return undefined;
}

/** The weight under the cursor: inside `layers[i].weights[j][k]` (or `bias[j]`). */
export function weightAtCursor(doc: vscode.TextDocument): WeightTarget | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document !== doc) return undefined;
  const path = getLocation(doc.getText(), doc.offsetAt(editor.selection.active)).path;
  if (path[0] !== 'layers' || typeof path[1] !== 'number') return undefined;
  if (path[2] === 'weights' && typeof path[3] === 'number' && typeof path[4] === 'number')
    return { layerIndex: path[1], unit: path[3], input: path[4] };
  if (path[2] === 'bias' && typeof path[3] === 'number') return { layerIndex: path[1], unit: path[3], input: -1 };
  return undefined;
}

/** Asks for a weight: layer (defaulting to the one at the cursor), unit, input. */
export async function pickWeight(session: NetworkSession, doc: vscode.TextDocument): Promise<WeightTarget | undefined> {
  const spec = session.entry(doc.uri)?.spec;
  if (!spec) return undefined;
  const layerIndex = await pickLayer(spec, doc);
  if (layerIndex === undefined) return undefined;
  const layer = spec.layers[layerIndex];
  const fanIn = layerIndex === 0 ? spec.input : spec.layers[layerIndex - 1].units;
  const answer = await vscode.window.showInputBox({
    title: `Explain a weight of '${layer.name}'`,
    prompt: `unit (0–${layer.units - 1}) and input (0–${fanIn - 1}, or "b" for the bias), e.g. "0 1"`,
    value: '0 0',
    validateInput: (v) =>
      isUnitAndInput(v, layer, fanIn) ? undefined : `unit 0–${layer.units - 1} and input 0–${fanIn - 1} or b`,
  });
  if (!answer) return undefined;
  const [u, i] = answer.trim().split(/[\s,]+/);
  return { layerIndex, unit: Number(u), input: i === 'b' ? -1 : Number(i) };
}

/** The layer at the cursor, else one picked from a list. */
async function pickLayer(spec: NetworkSpec, doc: vscode.TextDocument): Promise<number | undefined> {
  const editor = vscode.window.activeTextEditor;
  const cursor = editor?.document === doc ? layerAt(doc, editor.selection.active) : -1;
  if (cursor >= 0) return cursor;
  const items = spec.layers.map((l, i) => ({
    label: l.name,
    description: `${l.units} units, ${l.activation.type}`,
    index: i,
  }));
  return (await vscode.window.showQuickPick(items, { title: 'Explain a weight: layer' }))?.index;
}

/** Whether `text` is "unit input" (or "unit b") within the layer's sizes. */
function isUnitAndInput(text: string, layer: LayerSpec, fanIn: number): boolean {
  const [u, i] = text.trim().split(/[\s,]+/);
  return (
    /^\d+$/.test(u ?? '') && Number(u) < layer.units && (i === 'b' || (/^\d+$/.test(i ?? '') && Number(i) < fanIn))
  );
}
