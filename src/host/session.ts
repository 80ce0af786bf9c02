/**
 * The one model every view observes: the network file being debugged (following the active
 * `*.net.json` editor), re-analysed on edit (debounced), with its last good report kept while the
 * file is invalid so nothing is lost.
 */
import * as vscode from 'vscode';
import { AnalysisReport, Warning } from '../core/diagnosis/report';
import { NetworkSpec, SpecProblem } from '../core/format/spec';
import { DocumentState } from '../shared/protocol';
import { readSettings } from './config';
import { internalErrorProblem, isNetworkDocument, readDocument } from './documents';
import { problemView, shapeView } from './stateViews';
import { AnalysisService } from './worker/analysisService';
import { FileInput } from './worker/protocol';
import { panelMark } from './panelTiming';

/** What the session knows about one network file. */
export interface Analysed {
  readonly state: DocumentState;
  /** The network's validated spec, for the last good report. */
  readonly spec?: NetworkSpec;
  /** CSV contents read for it, by the path written in the file (handed to the training worker). */
  readonly csv: Record<string, string>;
  readonly version: number;
}

/** The network files being followed, their latest analyses, and the one the views show. */
export class NetworkSession implements vscode.Disposable {
  private readonly entries = new Map<string, Analysed>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private activeUri: vscode.Uri | undefined;

  /** Fires with the URI whose state changed (or the newly active one). */
  readonly onDidChange = this.changed.event;
  private readonly started = new vscode.EventEmitter<vscode.Uri>();
  /** Fires with the URI whose analysis starts (the typing pause has ended); onDidChange follows with the result. */
  readonly onDidStartAnalysis = this.started.event;

  constructor(private readonly analysis: AnalysisService) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((e) => this.follow(e?.document)),
      vscode.workspace.onDidChangeTextDocument((e) => this.scheduleAnalysis(e.document)),
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (isNetworkDocument(d)) void this.analyzeNow(d);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
    this.follow(vscode.window.activeTextEditor?.document);
    for (const d of vscode.workspace.textDocuments) if (isNetworkDocument(d)) void this.analyzeNow(d);
  }

  /** The network file the views show: the active editor's, or the last one active. */
  get active(): vscode.Uri | undefined {
    return this.activeUri;
  }

  entry(uri: vscode.Uri | undefined = this.activeUri): Analysed | undefined {
    return uri ? this.entries.get(uri.toString()) : undefined;
  }

  /** The state of the active network, for the webviews. */
  activeState(): DocumentState | undefined {
    return this.entry()?.state;
  }

  /** Every state with a report or problems (for diagnostics). */
  all(): Analysed[] {
    return [...this.entries.values()];
  }

  /** Makes `doc` the active network when it is one. */
  follow(doc: vscode.TextDocument | undefined): void {
    if (!isNetworkDocument(doc)) return;
    const changed = this.activeUri?.toString() !== doc.uri.toString();
    this.activeUri = doc.uri;
    void vscode.commands.executeCommand('setContext', 'gradientDebugger.hasNetwork', true);
    if (!this.entries.has(doc.uri.toString())) void this.analyzeNow(doc);
    else if (changed) {
      this.updateContext(); // hasReport and hasFix describe the active network: the one just switched to
      this.changed.fire(doc.uri);
    }
  }

  /** Re-analyses after the configured pause in typing (when live update is on). */
  private scheduleAnalysis(doc: vscode.TextDocument): void {
    if (!isNetworkDocument(doc)) return;
    const settings = readSettings();
    if (!settings.liveUpdate) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.analyzeNow(doc);
      }, settings.updateDelay),
    );
  }

  /**
   * Loads and analyses `doc` now, in the analysis worker; keeps the previous report when the file
   * has errors, and the newer result when analyses of two versions cross.
   */
  async analyzeNow(doc: vscode.TextDocument): Promise<Analysed> {
    const settings = readSettings();
    const version = doc.version;
    const key = doc.uri.toString();
    this.started.fire(doc.uri);
    panelMark('host: analysis starts');
    const { text, spec, csv, refused } = await readDocument(doc);
    panelMark('host: document read');
    const input: FileInput = {
      text,
      csv,
      refused,
      thresholds: settings.thresholds,
      maxSamples: settings.maxSamples,
      maxMemoryMB: settings.maxMemoryMB,
    };
    let result: Awaited<ReturnType<AnalysisService['analyze']>>;
    try {
      result = await this.analysis.analyze(key, input);
    } catch (e) {
      result = { problems: [internalErrorProblem(e)] }; // shown at the top of the file, never swallowed
    }
    panelMark('host: worker replied');
    const previous = this.entries.get(key);
    const fileName = doc.uri.path.split('/').pop() ?? key;
    // superseded by a newer analysis of the same file: that one will land
    if (!result || (previous && previous.version > version))
      return previous ?? { state: { uri: key, fileName, problems: [] }, csv, version };
    const { report: fresh, problems } = result;
    const report: AnalysisReport | undefined = fresh ?? previous?.state.report;
    const goodSpec = fresh ? spec : previous?.spec;
    const state: DocumentState = {
      uri: key,
      fileName,
      report,
      shape: goodSpec && shapeView(goodSpec),
      problems: problems.filter((p) => p.severity === 'error').map(problemView),
    };
    const entry: Analysed = { state, spec: goodSpec, csv: fresh ? csv : (previous?.csv ?? csv), version };
    this.entries.set(key, entry);
    // the raw problems (warnings included) go to the diagnostics through `problemsOf`
    this.rawProblems.set(key, problems);
    this.updateContext();
    this.changed.fire(doc.uri);
    panelMark('host: views told');
    if (fresh) void this.verifyFixes(doc, entry, { ...input, maxSamples: undefined });
    return entry;
  }

  /** Verifies the fresh report's fixes in the worker, updating the entry as each warning's result lands. */
  private async verifyFixes(doc: vscode.TextDocument, analysed: Analysed, input: FileInput): Promise<void> {
    const key = doc.uri.toString();
    const warnings = analysed.state.report?.warnings ?? [];
    if (!warnings.some((w) => w.fixes.length)) return;
    const update = (index: number, warning: Warning): void => {
      const entry = this.entries.get(key);
      const report = entry?.state.report;
      if (!entry || entry.version !== analysed.version || !report) return; // a newer analysis took over
      const list = report.warnings.map((w, i) => (i === index ? warning : w));
      this.entries.set(key, { ...entry, state: { ...entry.state, report: { ...report, warnings: list } } });
      this.updateContext();
      this.changed.fire(doc.uri);
    };
    try {
      await this.analysis.verifyFixes(key, input, warnings, update);
    } catch (e) {
      console.error(`Gradient Debugger: verifying fixes failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private readonly rawProblems = new Map<string, readonly SpecProblem[]>();

  /** Every validation problem of a file (errors and warnings), positioned. */
  problemsOf(uri: vscode.Uri): readonly SpecProblem[] {
    return this.rawProblems.get(uri.toString()) ?? [];
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.entries.delete(key);
    this.rawProblems.delete(key);
    this.changed.fire(uri);
  }

  private updateContext(): void {
    const report = this.activeState()?.report;
    void vscode.commands.executeCommand('setContext', 'gradientDebugger.hasReport', !!report);
    void vscode.commands.executeCommand(
      'setContext',
      'gradientDebugger.hasFix',
      !!report?.warnings.some((w) => w.fixes.length),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
    this.started.dispose();
  }
}
