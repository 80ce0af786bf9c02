/** Network documents: recognising them, loading them with their CSV files through workspace.fs, and JSON ranges. */
import { Node, findNodeAtLocation } from 'jsonc-parser';
import * as vscode from 'vscode';
import * as fs from 'fs';
import { CsvRefusal, isInsideFolder, resolveCsvPath } from '../core/load';
import { formatBytes } from '../core/memoryBudget';
import { parseNetworkText } from '../core/format/parse';
import { LIMITS, NetworkSpec, SpecProblem } from '../core/format/spec';
import { shallowTree } from '../core/format/json';

/** Whether a document is a network file (`*.net.json`). */
export function isNetworkDocument(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && doc.uri.path.endsWith('.net.json');
}

/**
 * Reads the CSV a network names: inside the file's workspace folder by its real path (links resolved, on
 * disk), a regular file, at most LIMITS.maxCsvBytes (checked before reading). Undefined when missing.
 */
export async function readCsvFor(
  doc: { readonly uri: vscode.Uri },
  relativePath: string,
): Promise<string | CsvRefusal | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  const dir = vscode.Uri.joinPath(doc.uri, '..');
  const root = folder ? folder.uri : dir;
  const resolved = resolveCsvPath(dir.path, root.path, relativePath);
  if (resolved === undefined) return undefined;
  const uri = doc.uri.with({ path: resolved });
  try {
    if (uri.scheme === 'file') {
      const [real, realRoot] = await Promise.all([fs.promises.realpath(uri.fsPath), fs.promises.realpath(root.fsPath)]);
      if (!isInsideFolder(realRoot, real)) return { refused: 'it leads (through a link) outside the workspace folder' };
      const stat = await fs.promises.stat(real);
      if (!stat.isFile()) return { refused: 'it is not a regular file' };
    }
    const stat = await vscode.workspace.fs.stat(uri);
    if ((stat.type & vscode.FileType.File) === 0) return { refused: 'it is not a regular file' };
    if (stat.size > LIMITS.maxCsvBytes)
      return {
        refused: `it is ${formatBytes(stat.size)}, over the ${formatBytes(LIMITS.maxCsvBytes)} limit for CSV files`,
      };
    return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/**
 * Reads a network document for the worker: its text parsed (cheap, for the spec the host's commands need),
 * the CSV it names read through workspace.fs, or why that CSV was refused; never throws.
 */
export async function readDocument(
  doc: vscode.TextDocument,
): Promise<{ text: string; spec?: NetworkSpec; csv: Record<string, string>; refused: Record<string, CsvRefusal> }> {
  const text = doc.getText();
  const csv: Record<string, string> = {};
  const refused: Record<string, CsvRefusal> = {};
  try {
    const { spec } = parseNetworkText(text);
    if (spec?.data.kind === 'csv') {
      const content = await readCsvFor(doc, spec.data.path);
      if (typeof content === 'string') csv[spec.data.path] = content;
      else if (content) refused[spec.data.path] = content;
    }
    return { text, spec, csv, refused };
  } catch {
    return { text, csv, refused };
  }
}

/**
 * A problem at 0:0 for an unexpected throw while a document was loaded or analysed, so the Problems view
 * says so instead of keeping stale diagnostics.
 */
export function internalErrorProblem(error: unknown): SpecProblem {
  const message = error instanceof Error ? error.message : String(error);
  const at = { line: 0, character: 0 };
  return {
    path: [],
    message: `internal error in Gradient Debugger: ${message.split('\n')[0]} (please report it)`,
    severity: 'error',
    offset: 0,
    length: 1,
    start: at,
    end: { line: 0, character: 1 },
  };
}

/** The range of the JSON value at `path` in a document (the whole document when absent). */
export function rangeOf(
  doc: vscode.TextDocument,
  path: readonly (string | number)[],
  tree: Node | undefined = shallowTree(doc.getText()),
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
  const tree = shallowTree(doc.getText());
  const layers = tree && findNodeAtLocation(tree, ['layers']);
  const offset = doc.offsetAt(position);
  return layers?.children?.findIndex((n) => offset >= n.offset && offset <= n.offset + n.length) ?? -1;
}
