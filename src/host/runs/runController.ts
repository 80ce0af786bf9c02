/**
 * Training runs read from their logs (`*.gd.jsonl`, written by the PyTorch probe gdprobe): the run
 * the views show instead of a network file, tailed live while the file grows, with the over-time
 * warnings of every logged step. A run is shown when its log becomes the active editor or is opened
 * with "Open Training Run…"; a network editor becoming active hands the views back to the network.
 */
import * as vscode from 'vscode';
import { RunLogProblem } from '../../core/runLog/reader';
import { runSummary } from '../../core/runLog/digest';
import { formatNumber } from '../../shared/numbers';
import { DocumentState, ProblemView, TrainingView } from '../../shared/protocol';
import { DEFAULT_THRESHOLDS } from '../../core/diagnosis/thresholds';
import { readSettings } from '../config';
import { isNetworkDocument } from '../documents';
import { RunWatcher } from './runWatcher';

/** The file name ending of run logs. */
export const RUN_LOG_SUFFIX = '.gd.jsonl';

/** Run logs tailed at once; the least recently shown beyond these stops being watched. */
const MAX_WATCHED_RUNS = 4;

/** Whether `uri` names a run log. */
export function isRunLog(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return !!uri && uri.path.endsWith(RUN_LOG_SUFFIX);
}

/** A problem of the log at its line, as the panel lists validation problems (0-based positions). */
function problemView(p: RunLogProblem): ProblemView {
  return { message: p.message, path: '', line: p.line - 1, character: (p.column ?? 1) - 1 };
}

/** The runs being tailed, the one the views show, and their states for the webviews. */
export class RunController implements vscode.Disposable {
  /** Tailed runs by URI string, in the order last shown (the newest last). */
  private readonly runs = new Map<string, RunWatcher>();
  private shownUri: vscode.Uri | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private pending: ReturnType<typeof setTimeout> | undefined;
  private readonly reported = new Set<string>();

  /** Fires when the shown run changes, or the shown run read new lines (throttled). */
  readonly onDidChange = this.changed.event;

  /** `reveal` shows the Gradient panel. */
  constructor(private readonly reveal: () => void) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((e) => this.followEditor(e?.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.closed(d.uri)),
    );
    // once activate() has built the panel that `reveal` shows
    queueMicrotask(() => this.followEditor(vscode.window.activeTextEditor?.document));
  }

  /** The run log the views show, or undefined when they show the active network. */
  get shown(): vscode.Uri | undefined {
    return this.shownUri;
  }

  /** Shows a run log in the views (tailing it from now on) and reveals the panel. */
  async open(uri: vscode.Uri): Promise<void> {
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(
        `Gradient Debugger follows run logs on disk only, not on "${uri.scheme}:". Open the folder where the ` +
          'run writes its log (on a remote training host, through Remote-SSH or code-server).',
      );
      return;
    }
    const key = uri.toString();
    let watcher = this.runs.get(key);
    this.runs.delete(key); // re-inserted last: the most recently shown
    const fresh = !watcher;
    watcher ??= new RunWatcher(uri.fsPath, uri.path.split('/').pop() ?? key, () => this.updated(key), {
      thresholds: { ...DEFAULT_THRESHOLDS, ...readSettings().thresholds },
    });
    this.runs.set(key, watcher);
    this.evict();
    this.shownUri = uri;
    this.reveal();
    this.changed.fire();
    if (fresh) await watcher.start();
  }

  /** The shown run's state for the webviews: header facts, skipped lines, why it cannot be read. */
  state(): DocumentState | undefined {
    const watcher = this.current();
    if (!watcher || !this.shownUri) return undefined;
    const { reader, header } = watcher.digest;
    const fatal = reader.fatal;
    const error = watcher.error ?? (fatal ? `line ${fatal.line}: ${fatal.message}` : undefined);
    return {
      uri: this.shownUri.toString(),
      fileName: this.shownUri.path.split('/').pop() ?? '',
      problems: reader.problems.map(problemView),
      run: {
        layerNames: header?.layers.map((l) => l.name) ?? [],
        facts: header ? runSummary(header) : '',
        skippedLines: reader.skipped,
        error,
      },
    };
  }

  /** The shown run's charts and warnings, as a training run's. */
  view(): TrainingView | undefined {
    const watcher = this.current();
    if (!watcher?.digest.header) return undefined;
    const digest = watcher.digest;
    const history = digest.records();
    const steps = digest.reader.records;
    const last = digest.latest;
    const status =
      `Following the log: ${steps} logged step${steps === 1 ? '' : 's'}` +
      (last
        ? `, up to step ${last.step}; loss ${formatNumber(history[0].loss, 4)} → ${formatNumber(last.loss, 4)}`
        : '');
    return {
      running: false,
      stepsDone: steps,
      stepsTotal: steps,
      history,
      status,
      // the fixes edit a network file; a run's fix is in the user's own training code
      warnings: digest.warnings().map((w) => ({ ...w, fixes: [], rejectedFixes: [] })),
    };
  }

  private current(): RunWatcher | undefined {
    return this.shownUri && this.runs.get(this.shownUri.toString());
  }

  /** A run log made active is shown; a network made active takes the views back. */
  private followEditor(doc: vscode.TextDocument | undefined): void {
    if (doc && isRunLog(doc.uri)) void this.open(doc.uri);
    else if (isNetworkDocument(doc) && this.shownUri) {
      this.shownUri = undefined;
      this.changed.fire();
    }
  }

  /** A closed run log that is not shown stops being watched. */
  private closed(uri: vscode.Uri): void {
    const key = uri.toString();
    if (key === this.shownUri?.toString()) return;
    this.runs.get(key)?.dispose();
    this.runs.delete(key);
  }

  /** Stops watching the least recently shown runs beyond MAX_WATCHED_RUNS. */
  private evict(): void {
    for (const [key, watcher] of this.runs) {
      if (this.runs.size <= MAX_WATCHED_RUNS) return;
      watcher.dispose();
      this.runs.delete(key);
    }
  }

  /** New lines were read: the views update at most `updatesPerSecond` times a second. */
  private updated(key: string): void {
    this.reportFatal(key);
    if (key !== this.shownUri?.toString() || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.changed.fire();
    }, 1000 / readSettings().updatesPerSecond);
  }

  /** Says once per log why it cannot be read (not a run log, an unknown format version). */
  private reportFatal(key: string): void {
    const watcher = this.runs.get(key);
    const fatal = watcher?.digest.reader.fatal;
    if (!watcher || !fatal || this.reported.has(key)) return;
    this.reported.add(key);
    void vscode.window.showErrorMessage(`${watcher.file}:${fatal.line}: ${fatal.message}`);
  }

  dispose(): void {
    clearTimeout(this.pending);
    for (const watcher of this.runs.values()) watcher.dispose();
    this.runs.clear();
    this.disposables.forEach((d) => d.dispose());
  }
}
