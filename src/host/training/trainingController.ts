/**
 * Training off the extension host's main thread: one worker per network file, progress shown as
 * a cancellable notification, throttled updates streamed to the views. Pausing keeps the state
 * reached; a worker that dies is reported, its last good state stays on screen, and the next
 * Train starts afresh.
 */
import * as vscode from 'vscode';
import { Warning, WeightExplanation } from '../../core/diagnosis/report';
import { ThinnedHistory } from '../../core/diagnosis/thinnedHistory';
import { LayerParameters } from '../../core/format/spec';
import { DecisionSurface } from '../../core/surface';
import { TrainingView } from '../../shared/protocol';
import { readSettings } from '../config';
import { NetworkSession } from '../session';
import { WorkerClient, WorkerStoppedError } from '../worker/workerClient';
import { AnalysisService } from '../worker/analysisService';
import { CsvRefusal } from '../../core/load';
import { readCsvFor } from '../documents';
import { CheckpointStore } from './checkpoints';
import { LargeFile } from './largeFiles';
import { panelMark } from '../panelTiming';

/** What is trained: an open document, or a file too large for the editor, read from disk by the worker. */
export type TrainingTarget = vscode.TextDocument | LargeFile;

const isDocument = (t: TrainingTarget): t is vscode.TextDocument => 'getText' in t;

interface Run {
  readonly worker: WorkerClient;
  /** The host's copy of the steps, thinned like the worker's (bounded however long it trains). */
  readonly history: ThinnedHistory;
  /** Which history this is: a new id when the history starts again (a new worker, Reset). */
  id: number;
  surface?: DecisionSurface;
  warnings: readonly Warning[];
  /** The id of the training request in flight. */
  training?: number;
  stepsDone: number;
  target: number;
  /** Text the worker loaded, so an edited file is reloaded before training continues ('' for a large file). */
  text: string;
  /** The large file the worker read from disk, with its size and time then. */
  diskFile?: LargeFile;
  /** Why the worker died, if it did: its state is gone, the views keep what they had. */
  lost?: string;
}

/** One training worker per network file: start, pause, reset, parameters and explanations, streamed to the views. */
export class TrainingController implements vscode.Disposable {
  private readonly runs = new Map<string, Run>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** The id the next run history gets. */
  private nextRunId = 1;
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly workerPath: string,
    private readonly session: NetworkSession,
    private readonly analysis: AnalysisService,
    private readonly checkpoints?: CheckpointStore,
  ) {}

  /** What the views show of a file's training. */
  view(uri: vscode.Uri | undefined): TrainingView | undefined {
    const run = uri && this.runs.get(uri.toString());
    if (!run) return undefined;
    return {
      running: run.training !== undefined,
      stepsDone: run.stepsDone,
      stepsTotal: run.target,
      history: run.history.records(),
      runId: run.id,
      surface: run.surface,
      warnings: run.warnings,
      ...(run.lost ? { status: lostStatus(run) } : {}),
    };
  }

  /** The file text the training run (and its warnings' fixes) started from. */
  trainedText(uri: vscode.Uri): string | undefined {
    return this.runs.get(uri.toString())?.text;
  }

  isRunning(): boolean {
    return [...this.runs.values()].some((r) => r.training !== undefined);
  }

  /** Trains `steps` more steps of `doc`, with a cancellable progress notification. */
  async train(doc: TrainingTarget, steps: number): Promise<void> {
    panelMark('host: train command');
    const run = await this.ensureRun(doc);
    if (!run || run.training !== undefined) return;
    run.target = run.stepsDone + steps;
    const throttleMs = 1000 / readSettings().updatesPerSecond;
    const title = `Training ${doc.uri.path.split('/').pop()}`;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        let reported = run.stepsDone;
        const { id, reply } = run.worker.request({ type: 'train', steps, throttleMs }, (p) => {
          for (const r of p.records) run.history.push(r);
          if (p.surface) run.surface = p.surface;
          run.stepsDone = p.stepsDone;
          progress.report({
            increment: ((p.stepsDone - reported) / steps) * 100,
            message: `step ${p.stepsDone} of ${run.target}`,
          });
          reported = p.stepsDone;
          this.changed.fire(doc.uri);
        });
        run.training = id;
        token.onCancellationRequested(() => run.worker.cancel(id));
        this.setContext();
        this.changed.fire(doc.uri);
        try {
          const result = await reply;
          panelMark('host: training replied');
          run.warnings = result.warnings;
          if (isDocument(doc)) void this.verifyTrainingFixes(doc, run);
          // a large file's text stays in the worker: no checkpoint copy of it
          if (result.reason !== 'nonFinite' && !run.diskFile) void this.keepCheckpoint(doc.uri, run);
          run.stepsDone = result.stepsDone;
          if (result.reason === 'nonFinite')
            void vscode.window.showWarningMessage(
              `Training stopped at step ${result.stepsDone}: the loss became NaN or infinite. ` +
                'See the warnings in the Gradient panel.',
            );
        } catch (e) {
          // a worker that died is reported once, by lost()
          if (!(e instanceof WorkerStoppedError))
            void vscode.window.showErrorMessage(`Training stopped: ${e instanceof Error ? e.message : String(e)}`);
        } finally {
          run.training = undefined;
          this.setContext();
          this.changed.fire(doc.uri);
        }
      },
    );
  }

  /** Asks a running training to stop; the state reached is kept. */
  pause(): void {
    for (const run of this.runs.values()) if (run.training !== undefined) run.worker.cancel(run.training);
  }

  /** Back to the file's initial weights. */
  async reset(doc: vscode.TextDocument): Promise<void> {
    const run = this.runs.get(doc.uri.toString());
    if (!run) return;
    run.history.clear();
    run.id = this.nextRunId++;
    run.warnings = [];
    run.target = 0;
    run.stepsDone = 0;
    const { reply } = run.worker.request({ type: 'reset' });
    run.surface = (await reply.catch(() => ({ surface: undefined }))).surface;
    this.changed.fire(doc.uri);
    this.setContext();
  }

  /** Current parameters of a trained network, or undefined when it was never trained (or its worker died). */
  async parameters(uri: vscode.Uri): Promise<readonly LayerParameters[] | undefined> {
    const run = this.runs.get(uri.toString());
    if (!run || !run.stepsDone || run.lost) return undefined;
    return (await run.worker.request({ type: 'getParameters' }).reply).parameters;
  }

  /** The chain-rule breakdown of one weight, on the trained network when there is one. */
  async explain(
    uri: vscode.Uri,
    layerIndex: number,
    unit: number,
    input: number,
  ): Promise<WeightExplanation | undefined> {
    const run = this.runs.get(uri.toString());
    if (run && run.stepsDone && run.training === undefined && !run.lost)
      return (await run.worker.request({ type: 'explain', layerIndex, unit, input }).reply).explanation;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const entry = this.session.entry(uri);
    return doc && entry && this.analysis.explain({ text: doc.getText(), csv: entry.csv }, layerIndex, unit, input);
  }

  /**
   * Writes a large file's trained weights into a new file at `target` (in the worker, which holds its
   * text); returns why nothing was written, or undefined.
   */
  async writeToNewFile(file: LargeFile, target: vscode.Uri): Promise<string | undefined> {
    const run = this.runs.get(file.uri.toString());
    if (!run || !run.stepsDone || run.lost) return 'there are no trained weights (train first)';
    const { refused } = await run.worker.request({ type: 'writeParameters', target: target.fsPath }).reply;
    return refused;
  }

  /** The worker for a file, (re)loaded with its current contents; undefined when the file is invalid. */
  private async ensureRun(doc: TrainingTarget): Promise<Run | undefined> {
    const key = doc.uri.toString();
    const text = isDocument(doc) ? doc.getText() : '';
    const existing = this.runs.get(key);
    if (existing && !existing.lost && isCurrent(existing, doc, text)) return existing;
    const entry = isDocument(doc) ? (this.session.entry(doc.uri) ?? (await this.session.analyzeNow(doc))) : undefined;
    if (entry && (!entry.spec || entry.state.problems.length)) {
      void vscode.window.showErrorMessage(
        'Fix the errors in the network file before training (see the Problems view).',
      );
      return undefined;
    }
    existing?.worker.dispose();
    const run: Run = {
      worker: new WorkerClient(this.workerPath, (why) => this.lost(doc.uri, run, why)),
      history: new ThinnedHistory(),
      id: this.nextRunId++,
      warnings: [],
      stepsDone: 0,
      target: 0,
      text,
      diskFile: isDocument(doc) ? undefined : doc,
    };
    this.runs.set(key, run);
    const { thresholds, maxMemoryMB } = readSettings();
    const source = isDocument(doc) ? { text } : { diskPath: doc.uri.fsPath };
    const load = (csv: Record<string, string>, refused: Record<string, CsvRefusal>) =>
      run.worker.request({ type: 'load', ...source, csv, refused, thresholds, maxMemoryMB }).reply;
    let loaded = await load(entry?.csv ?? {}, {});
    if (loaded.csvPath !== undefined) {
      // a large file's CSV, read here through the workspace's checks, as an open document's is
      const content = await readCsvFor(doc, loaded.csvPath);
      if (content !== undefined)
        loaded = await load(
          typeof content === 'string' ? { [loaded.csvPath]: content } : {},
          typeof content === 'string' ? {} : { [loaded.csvPath]: content },
        );
    }
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    if (errors.length && !entry)
      void vscode.window.showErrorMessage(`Cannot train ${doc.uri.path.split('/').pop()}: ${errors[0].message}`);
    return errors.length ? undefined : run;
  }

  /** Keeps the state reached as a checkpoint, so a window reload does not lose it. */
  private async keepCheckpoint(uri: vscode.Uri, run: Run): Promise<void> {
    const last = run.history.records().pop();
    const parameters = await this.parameters(uri).catch(() => undefined);
    if (parameters && last)
      await this.checkpoints?.save(uri, run.text, run.stepsDone, last.loss, parameters).catch(() => false);
  }

  /** Verifies the training warnings' fixes against the text training started from, as each lands. */
  private async verifyTrainingFixes(doc: vscode.TextDocument, run: Run): Promise<void> {
    const csv = this.session.entry(doc.uri)?.csv ?? {};
    await this.analysis
      .verifyFixes(
        `training ${doc.uri.toString()}`, // the run's text, not the document's: an edit does not cancel it
        { text: run.text, csv, thresholds: readSettings().thresholds },
        run.warnings,
        (index, warning) => {
          if (run.warnings[index]?.id !== warning.id) return; // a newer run replaced these warnings
          run.warnings = run.warnings.map((w, i) => (i === index ? warning : w));
          this.changed.fire(doc.uri);
        },
      )
      .catch(() => undefined);
  }

  /** A worker died: say so, keep what the views show, and let the next Train start again. */
  private lost(uri: vscode.Uri, run: Run, why: string): void {
    run.lost = why;
    run.training = undefined;
    void vscode.window.showErrorMessage(
      `Training stopped: ${why}. The charts keep the last state received; Train starts again from the file.`,
    );
    this.setContext();
    this.changed.fire(uri);
  }

  private setContext(): void {
    void vscode.commands.executeCommand('setContext', 'gradientDebugger.training', this.isRunning());
    void vscode.commands.executeCommand(
      'setContext',
      'gradientDebugger.trained',
      [...this.runs.values()].some((r) => r.stepsDone > 0 && !r.lost),
    );
  }

  dispose(): void {
    for (const run of this.runs.values()) run.worker.dispose();
    this.runs.clear();
    this.changed.dispose();
  }
}

/** Whether a run still holds what the file has: the same text, or the same size and time on disk. */
function isCurrent(run: Run, doc: TrainingTarget, text: string): boolean {
  if (isDocument(doc)) return !run.diskFile && run.text === text;
  return run.diskFile?.size === doc.size && run.diskFile.mtime === doc.mtime;
}

/** The panel's status line for a run whose worker died: how far it got, why it stopped, what to do. */
function lostStatus(run: Run): string {
  const last = run.history.records().pop();
  const loss = last ? `; loss ${Number(last.loss.toPrecision(4))} then` : '';
  return `Training stopped at step ${run.stepsDone}${loss}: ${run.lost}. The charts show the last state received; Train starts again from the file.`;
}
