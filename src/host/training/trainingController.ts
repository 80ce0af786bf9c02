/**
 * Training off the extension host's main thread: one worker per network file, progress shown as
 * a cancellable notification, throttled updates streamed to the views. Pausing keeps the state reached.
 */
import * as vscode from 'vscode';
import { Worker } from 'worker_threads';
import { explainWeight } from '../../core/explain';
import { StepRecord, Warning, WeightExplanation } from '../../core/diagnosis/report';
import { LayerParameters } from '../../core/format/spec';
import { DecisionSurface } from '../../core/surface';
import { TrainingView } from '../../shared/protocol';
import { readSettings } from '../config';
import { NetworkSession } from '../session';
import { FromWorker, ToWorker } from './workerProtocol';

/** At most this many history points are sent to a webview (evenly thinned, last one kept). */
const MAX_POINTS = 600;

interface Run {
  readonly worker: Worker;
  readonly history: StepRecord[];
  surface?: DecisionSurface;
  warnings: readonly Warning[];
  running: boolean;
  target: number;
  /** Text the worker loaded, so an edited file is reloaded before training continues. */
  text: string;
  readonly waiting: Map<FromWorker['type'], (m: FromWorker) => void>;
  onProgress?: (stepsDone: number) => void;
  onStopped?: () => void;
}

/** One training worker per network file: start, pause, reset, parameters and explanations, streamed to the views. */
export class TrainingController implements vscode.Disposable {
  private readonly runs = new Map<string, Run>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly workerPath: string,
    private readonly session: NetworkSession,
  ) {}

  /** What the views show of a file's training. */
  view(uri: vscode.Uri | undefined): TrainingView | undefined {
    const run = uri && this.runs.get(uri.toString());
    if (!run) return undefined;
    const h = run.history;
    const stride = Math.max(1, Math.ceil(h.length / MAX_POINTS));
    const history = h.filter((_, i) => i % stride === 0 || i === h.length - 1);
    return {
      running: run.running,
      stepsDone: h.length ? h[h.length - 1].step + 1 : 0,
      stepsTotal: run.target,
      history,
      surface: run.surface,
      warnings: run.warnings,
    };
  }

  isRunning(): boolean {
    return [...this.runs.values()].some((r) => r.running);
  }

  /** Trains `steps` more steps of `doc`, with a cancellable progress notification. */
  async train(doc: vscode.TextDocument, steps: number): Promise<void> {
    const run = await this.ensureRun(doc);
    if (!run || run.running) return;
    run.target = run.history.length + steps;
    run.running = true;
    this.setContext();
    this.changed.fire(doc.uri);
    const throttleMs = 1000 / readSettings().updatesPerSecond;
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Training ${doc.uri.path.split('/').pop()}`,
        cancellable: true,
      },
      (progress, token) =>
        new Promise<void>((resolve) => {
          let reported = run.history.length;
          token.onCancellationRequested(() => this.send(run, { type: 'pause' }));
          run.onProgress = (done) => {
            progress.report({ increment: ((done - reported) / steps) * 100, message: `step ${done} of ${run.target}` });
            reported = done;
          };
          run.onStopped = resolve;
          this.send(run, { type: 'run', steps, throttleMs });
        }),
    );
  }

  /** Asks a running training to stop; the state reached is kept. */
  pause(): void {
    for (const run of this.runs.values()) if (run.running) this.send(run, { type: 'pause' });
  }

  /** Back to the file's initial weights. */
  async reset(doc: vscode.TextDocument): Promise<void> {
    const run = this.runs.get(doc.uri.toString());
    if (!run) return;
    run.history.length = 0;
    run.warnings = [];
    run.target = 0;
    this.send(run, { type: 'reset' });
    this.changed.fire(doc.uri);
    this.setContext();
  }

  /** Current parameters of a trained network, or undefined when it was never trained. */
  async parameters(uri: vscode.Uri): Promise<readonly LayerParameters[] | undefined> {
    const run = this.runs.get(uri.toString());
    if (!run || !run.history.length) return undefined;
    const m = await this.request(run, { type: 'getParameters' }, 'parameters');
    return m.type === 'parameters' ? m.parameters : undefined;
  }

  /** The chain-rule breakdown of one weight, on the trained network when there is one. */
  async explain(
    uri: vscode.Uri,
    layerIndex: number,
    unit: number,
    input: number,
  ): Promise<WeightExplanation | undefined> {
    const run = this.runs.get(uri.toString());
    if (run && run.history.length && !run.running) {
      const m = await this.request(run, { type: 'explain', layerIndex, unit, input }, 'explanation');
      return m.type === 'explanation' ? m.explanation : undefined;
    }
    const loaded = this.session.entry(uri)?.loaded;
    if (!loaded) return undefined;
    return explainWeight({ ...loaded, network: loaded.network.clone() }, layerIndex, unit, input);
  }

  /** The worker for a document, (re)loaded with its current text; undefined when the file is invalid. */
  private async ensureRun(doc: vscode.TextDocument): Promise<Run | undefined> {
    const key = doc.uri.toString();
    const text = doc.getText();
    let run = this.runs.get(key);
    if (run && run.text === text) return run;
    const entry = this.session.entry(doc.uri) ?? (await this.session.analyzeNow(doc));
    if (!entry.loaded || entry.state.problems.length) {
      void vscode.window.showErrorMessage(
        'Fix the errors in the network file before training (see the Problems view).',
      );
      return undefined;
    }
    run?.worker.terminate();
    const worker = new Worker(this.workerPath);
    run = { worker, history: [], warnings: [], running: false, target: 0, text, waiting: new Map() };
    const current = run;
    worker.on('message', (m: FromWorker) => this.receive(doc.uri, current, m));
    worker.on('error', (e) => {
      current.running = false;
      void vscode.window.showErrorMessage(`Training failed: ${e.message}`);
      current.onStopped?.();
    });
    this.runs.set(key, run);
    const loaded = await this.request(
      run,
      { type: 'load', text, csv: entry.csv, thresholds: readSettings().thresholds },
      'loaded',
    );
    if (loaded.type === 'loaded' && loaded.problems.some((p) => p.severity === 'error')) return undefined;
    return run;
  }

  private receive(uri: vscode.Uri, run: Run, m: FromWorker): void {
    const waiter = run.waiting.get(m.type);
    if (waiter) {
      run.waiting.delete(m.type);
      waiter(m);
    }
    switch (m.type) {
      case 'progress':
        run.history.push(...m.records);
        if (m.surface) run.surface = m.surface;
        run.onProgress?.(m.stepsDone);
        this.changed.fire(uri);
        return;
      case 'stopped':
        run.running = false;
        run.warnings = m.warnings;
        run.onStopped?.();
        run.onStopped = undefined;
        if (m.reason === 'nonFinite')
          void vscode.window.showWarningMessage(
            `Training stopped at step ${m.stepsDone}: the loss became NaN or infinite. ` +
              'See the warnings in the Gradient panel.',
          );
        this.setContext();
        this.changed.fire(uri);
        return;
      case 'error':
        run.running = false;
        run.onStopped?.();
        void vscode.window.showErrorMessage(`Training: ${m.message}`);
        return;
      case 'loaded':
      case 'parameters':
      case 'explanation':
        return;
      default: {
        const unknown: never = m;
        return unknown;
      }
    }
  }

  private send(run: Run, m: ToWorker): void {
    run.worker.postMessage(m);
  }

  private request(run: Run, m: ToWorker, reply: FromWorker['type']): Promise<FromWorker> {
    return new Promise((resolve) => {
      run.waiting.set(reply, resolve);
      this.send(run, m);
    });
  }

  private setContext(): void {
    void vscode.commands.executeCommand('setContext', 'gradientDebugger.training', this.isRunning());
    void vscode.commands.executeCommand(
      'setContext',
      'gradientDebugger.trained',
      [...this.runs.values()].some((r) => r.history.length > 0),
    );
  }

  dispose(): void {
    for (const run of this.runs.values()) void run.worker.terminate();
    this.runs.clear();
    this.changed.dispose();
  }
}
