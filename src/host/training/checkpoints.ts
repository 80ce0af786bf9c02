/**
 * Training reached is never lost: each time a run stops, its parameters are kept as a checkpoint
 * in the extension's storage (outside the workspace), and after a window reload the checkpoint of a
 * file whose text is unchanged is offered back: write it into the file, into a new file, or discard it.
 */
import { createHash } from 'crypto';
import * as vscode from 'vscode';
import { LayerParameters } from '../../core/format/spec';
import { writeParameters, writeParametersToNewFile } from '../editing';
import { isNetworkDocument } from '../documents';

/** Checkpoints above this many parameters are not kept (they would be tens of MB of JSON). */
const MAX_CHECKPOINT_VALUES = 2_000_000;

/** One kept training state. */
export interface Checkpoint {
  readonly uri: string;
  /** Hash of the file text training started from: a checkpoint is only offered for the same text. */
  readonly textHash: string;
  readonly stepsDone: number;
  readonly loss: number;
  readonly savedAt: string;
  readonly parameters: readonly LayerParameters[];
}

const hash = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Checkpoints in a folder of their own, one JSON file per network file. */
export class CheckpointStore {
  constructor(private readonly folder: vscode.Uri) {}

  private fileFor(uri: string): vscode.Uri {
    return vscode.Uri.joinPath(this.folder, `${hash(uri).slice(0, 32)}.json`);
  }

  /** Keeps a run's state (skipped, with false, when it is too large to keep). */
  async save(uri: vscode.Uri, text: string, stepsDone: number, loss: number, parameters: readonly LayerParameters[]) {
    const values = parameters.reduce((n, p) => n + p.bias.length * (1 + (p.weights[0]?.length ?? 0)), 0);
    if (values > MAX_CHECKPOINT_VALUES) return false;
    const checkpoint: Checkpoint = {
      uri: uri.toString(),
      textHash: hash(text),
      stepsDone,
      loss,
      savedAt: new Date().toISOString(),
      parameters,
    };
    await vscode.workspace.fs.createDirectory(this.folder);
    await vscode.workspace.fs.writeFile(
      this.fileFor(uri.toString()),
      new TextEncoder().encode(JSON.stringify(checkpoint)),
    );
    return true;
  }

  /** The checkpoint kept for a file, when its text is still the one trained. */
  async find(uri: vscode.Uri, text: string): Promise<Checkpoint | undefined> {
    try {
      const bytes = await vscode.workspace.fs.readFile(this.fileFor(uri.toString()));
      const c = JSON.parse(new TextDecoder().decode(bytes)) as Checkpoint;
      return c.uri === uri.toString() && c.textHash === hash(text) ? c : undefined;
    } catch {
      return undefined;
    }
  }

  async discard(uri: vscode.Uri): Promise<void> {
    await Promise.resolve(vscode.workspace.fs.delete(this.fileFor(uri.toString()))).catch(() => undefined);
  }
}

/** Offers a file's checkpoint back once per window, the first time the file is opened. */
export async function offerCheckpoint(store: CheckpointStore, doc: vscode.TextDocument): Promise<void> {
  const checkpoint = await store.find(doc.uri, doc.getText());
  if (!checkpoint) return;
  const name = doc.uri.path.split('/').pop();
  const choice = await vscode.window.showInformationMessage(
    `Training of ${name} had reached step ${checkpoint.stepsDone} (loss ${checkpoint.loss.toPrecision(3)}) ` +
      `on ${checkpoint.savedAt.slice(0, 16).replace('T', ' ')}. Keep those weights?`,
    'Write into the file',
    'Write a new file…',
    'Discard',
  );
  if (choice === 'Write into the file' && (await writeParameters(doc.uri, checkpoint.parameters)))
    await store.discard(doc.uri);
  else if (choice === 'Write a new file…') {
    if (await writeParametersToNewFile(doc, doc.getText(), checkpoint.parameters)) await store.discard(doc.uri);
  } else if (choice === 'Discard') await store.discard(doc.uri);
}

/** Offers each network file's checkpoint back the first time it is open in this window. */
export function watchForCheckpoints(store: CheckpointStore): vscode.Disposable {
  const offered = new Set<string>();
  const check = (doc: vscode.TextDocument): void => {
    if (!isNetworkDocument(doc) || offered.has(doc.uri.toString())) return;
    offered.add(doc.uri.toString());
    void offerCheckpoint(store, doc);
  };
  vscode.workspace.textDocuments.forEach(check);
  return vscode.workspace.onDidOpenTextDocument(check);
}
