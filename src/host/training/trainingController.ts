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
import { WorkerClient } from '../worker/workerClient';
import { AnalysisService } from '../worker/analysisService';
import { CheckpointStore } from './checkpoints';

interface Run {
  readonly worker: WorkerClient;
  /** The host's copy of the steps, thinned like the worker's (bounded however long it trains). */
  readonly history: ThinnedHistory;
  surface?: DecisionSurface;
  warnings: readonly Warning[];
  /** The id of the training request in flight. */
  training?: number;
  stepsDone: number;
  target: number;
  /** Text the worker loaded, so an edited file is reloaded before training continues. */
  text: string;
  /** Whether the worker died: its state is gone, the views keep what they had. */
  lost: boolean;
}

/** One training worker per network file: start, pause, reset, parameters and explanations, streamed to the views. */
export class TrainingController implements vscode.Disposable {
  private readonly runs = new Map<string, Run>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
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
      surface: run.surface,
      warnings: run.warnings,
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
  async train(doc: vscode.TextDocument, steps: number): Promise<void> {
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
          run.warnings = result.warnings;
          void this.verifyTrainingFixes(doc, run);
          if (result.reason !== 'nonFinite') void this.keepCheckpoint(doc.uri, run);
          run.stepsDone = result.stepsDone;
          if (result.reason === 'nonFinite')
            void vscode.window.showWarningMessage(
              `Training stopped at step ${result.stepsDone}: the loss became NaN or infinite. ` +
                'See the warnings in the Gradient panel.',
            );
        } catch (e) {
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

  /** The worker for a document, (re)loaded with its current text; undefined when the file is invalid. */
  private async ensureRun(doc: vscode.TextDocument): Promise<Run | undefined> {
    const key = doc.uri.toString();
    const text = doc.getText();
    const existing = this.runs.get(key);
    if (existing && existing.text === text && !existing.lost) return existing;
    const entry = this.session.entry(doc.uri) ?? (await this.session.analyzeNow(doc));
    if (!entry.spec || entry.state.problems.length) {
      void vscode.window.showErrorMessage(
        'Fix the errors in the network file before training (see the Problems view).',
      );
      return undefined;
    }
    existing?.worker.dispose();
    const run: Run = {
      worker: new WorkerClient(this.workerPath, (why) => this.lost(doc.uri, run, why)),
      history: new ThinnedHistory(),
      warnings: [],
      stepsDone: 0,
      target: 0,
      text,
      lost: false,
    };
    this.runs.set(key, run);
    const loaded = await run.worker.request({
      type: 'load',
      text,
      csv: entry.csv,
      thresholds: readSettings().thresholds,
    }).reply;
    return loaded.problems.some((p) => p.severity === 'error') ? undefined : run;
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
      .verifyFixes({ text: run.text, csv, thresholds: readSettings().thresholds }, run.warnings, (index, warning) => {
        if (run.warnings[index]?.id !== warning.id) return; // a newer run replaced these warnings
        run.warnings = run.warnings.map((w, i) => (i === index ? warning : w));
        this.changed.fire(doc.uri);
      })
      .catch(() => undefined);
  }

  /** A worker died: say so, keep what the views show, and let the next Train start again. */
  private lost(uri: vscode.Uri, run: Run, why: string): void {
    run.lost = true;
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
