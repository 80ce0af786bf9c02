/** Network documents: recognising them, loading them with their CSV files through workspace.fs, and JSON ranges. */
import { Node, findNodeAtLocation, parseTree } from 'jsonc-parser';
import * as vscode from 'vscode';
import { resolveCsvPath } from '../core/load';
import { parseNetworkText } from '../core/format/parse';
import { NetworkSpec } from '../core/format/spec';

/** Whether a document is a network file (`*.net.json`). */
export function isNetworkDocument(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && doc.uri.path.endsWith('.net.json');
}

/** Reads the CSV a network names, refusing anything outside the file's workspace folder. */
async function readCsvFor(doc: vscode.TextDocument, relativePath: string): Promise<string | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  const dir = vscode.Uri.joinPath(doc.uri, '..');
  const rootPath = folder ? folder.uri.path : dir.path;
  const resolved = resolveCsvPath(dir.path, rootPath, relativePath);
  if (resolved === undefined) return undefined;
  try {
    const bytes = await vscode.workspace.fs.readFile(doc.uri.with({ path: resolved }));
    return new TextDecoder('utf-8').decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Reads a network document for the worker: its text parsed (cheap, for the spec the host's
 * commands need) and the CSV it names read through workspace.fs; never throws on user input.
 */
export async function readDocument(
  doc: vscode.TextDocument,
): Promise<{ text: string; spec?: NetworkSpec; csv: Record<string, string> }> {
  const text = doc.getText();
  const csv: Record<string, string> = {};
  const { spec } = parseNetworkText(text);
  if (spec?.data.kind === 'csv') {
    const content = await readCsvFor(doc, spec.data.path);
    if (content !== undefined) csv[spec.data.path] = content;
  }
  return { text, spec, csv };
}

/** The range of the JSON value at `path` in a document (the whole document when absent). */
export function rangeOf(
  doc: vscode.TextDocument,
  path: readonly (string | number)[],
  tree: Node | undefined = parseTree(doc.getText()),
): vscode.Range {
  const node = tree ? findNodeAtLocation(tree, [...path]) : undefined;
  if (!node) return new vscode.Range(0, 0, 0, 1);
  return new vscode.Range(doc.positionAt(node.offset), doc.positionAt(node.offset + node.length));
}

/** Range of layer i's object, or of the `layers` key for network-wide findings. */
export function layerRange(doc: vscode.TextDocument, layerIndex: number, tree?: Node): vscode.Range {
  return layerIndex >= 0 ? rangeOf(doc, ['layers', layerIndex], tree) : rangeOf(doc, ['layers'], tree);
}

/** Index of the layer whose JSON object contains `position`, or −1. */
export function layerAt(doc: vscode.TextDocument, position: vscode.Position): number {
  const tree = parseTree(doc.getText());
  const layers = tree && findNodeAtLocation(tree, ['layers']);
  const offset = doc.offsetAt(position);
  return layers?.children?.findIndex((n) => offset >= n.offset && offset <= n.offset + n.length) ?? -1;
}
