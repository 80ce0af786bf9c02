/**
 * Analysis, gradient checks and explanations of files at their initial weights, in one worker
 * thread shared by every document, so the editor's thread never runs a forward/backward pass.
 * A newer analysis of the same document supersedes an older one: when only stale work is left
 * in flight the worker is restarted rather than waited for.
 */
import * as vscode from 'vscode';
import { Warning, WeightExplanation } from '../../core/diagnosis/report';
import { FileInput, WorkerResults } from './protocol';
import { CancelledError, WorkerClient, WorkerStoppedError } from './workerClient';

/** The analysis worker and the documents' requests in flight. */
export class AnalysisService implements vscode.Disposable {
  private readonly worker: WorkerClient;
  /** Per document key, the id of its latest analysis request. */
  private readonly latest = new Map<string, number>();
  /** Ids in flight, with whether they are stale (superseded by a newer analysis of their document). */
  private readonly inFlight = new Map<number, boolean>();
  /** Gradient checks and explanations in flight: never cut short to make room for an analysis. */
  private others = 0;
  /** Per document key, the id of its fix verification in flight (cancelled by the next analysis of it). */
  private readonly verifying = new Map<string, number>();

  constructor(workerPath: string) {
    this.worker = new WorkerClient(workerPath, (why) => console.error(`Gradient Debugger analysis worker: ${why}`));
  }

  /**
   * Loads and analyses a file in the worker; resolves undefined when a newer analysis of the same
   * document superseded this one.
   */
  async analyze(key: string, input: FileInput): Promise<WorkerResults['analyze'] | undefined> {
    const verification = this.verifying.get(key);
    if (verification !== undefined) this.worker.cancel(verification); // its results would be for an old version
    const previous = this.latest.get(key);
    if (previous !== undefined && this.inFlight.has(previous)) {
      this.inFlight.set(previous, true);
      if (!this.others && [...this.inFlight.values()].every((stale) => stale)) this.worker.restart('superseded');
    }
    const { id, reply } = this.worker.request({ type: 'analyze', ...input });
    this.latest.set(key, id);
    this.inFlight.set(id, false);
    try {
      return await reply;
    } catch (e) {
      if (e instanceof WorkerStoppedError && this.inFlight.get(id)) return undefined;
      if (e instanceof WorkerStoppedError && this.latest.get(key) === id) return this.analyze(key, input); // restarted for another document's sake
      throw e;
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** The gradient check of a file, with progress; cancelling the token stops it. */
  async gradientCheck(
    input: FileInput,
    onProgress: (done: number, total: number) => void,
    token: vscode.CancellationToken,
  ): Promise<WorkerResults['gradientCheck']> {
    const { id, reply } = this.worker.request({ type: 'gradientCheck', ...input }, (p) => onProgress(p.done, p.total));
    const listener = token.onCancellationRequested(() => this.worker.cancel(id));
    this.others++;
    try {
      return await reply;
    } finally {
      this.others--;
      listener.dispose();
    }
  }

  /**
   * Verifies the warnings' fixes on copies of document `key`'s file, calling `onVerified` as each
   * warning's result lands; resolves with them all, or undefined when the worker was restarted or a
   * newer analysis of the document cancelled it (the worker stops within a few training steps).
   */
  async verifyFixes(
    key: string,
    input: FileInput,
    warnings: readonly Warning[],
    onVerified: (index: number, warning: Warning) => void,
  ): Promise<readonly Warning[] | undefined> {
    const { id, reply } = this.worker.request({ type: 'verifyFixes', ...input, warnings }, (p) =>
      onVerified(p.index, p.warning),
    );
    this.verifying.set(key, id);
    this.others++;
    try {
      return (await reply).warnings;
    } catch (e) {
      if (e instanceof WorkerStoppedError || e instanceof CancelledError) return undefined;
      throw e;
    } finally {
      this.others--;
      if (this.verifying.get(key) === id) this.verifying.delete(key);
    }
  }

  /** One weight's chain rule at the file's initial weights. */
  async explain(
    input: FileInput,
    layerIndex: number,
    unit: number,
    inputIndex: number,
  ): Promise<WeightExplanation | undefined> {
    this.others++;
    try {
      return (await this.worker.request({ type: 'explain', layerIndex, unit, input: inputIndex, file: input }).reply)
        .explanation;
    } finally {
      this.others--;
    }
  }

  dispose(): void {
    this.worker.dispose();
  }
}
