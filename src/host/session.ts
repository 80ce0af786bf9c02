/**
 * The one model every view observes: the network file being debugged (following the active
 * `*.net.json` editor), re-analysed on edit (debounced), with its last good report kept while the
 * file is invalid so nothing is lost.
 */
import * as vscode from 'vscode';
import { analyze } from '../core/analysis';
import { LoadedNetwork } from '../core/load';
import { AnalysisReport } from '../core/diagnosis/report';
import { SpecProblem } from '../core/format/spec';
import { DocumentState } from '../shared/protocol';
import { readSettings } from './config';
import { isNetworkDocument, loadDocument } from './documents';
import { problemView, shapeView } from './stateViews';

/** What the session knows about one network file. */
export interface Analysed {
  readonly state: DocumentState;
  /** The network as loaded for the last good report (initial weights, live-analysis samples). */
  readonly loaded?: LoadedNetwork;
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

  constructor() {
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
    else if (changed) this.changed.fire(doc.uri);
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

  /** Loads and analyses `doc` now; keeps the previous report when the file has errors. */
  async analyzeNow(doc: vscode.TextDocument): Promise<Analysed> {
    const settings = readSettings();
    const version = doc.version;
    const { loaded, problems, csv } = await loadDocument(doc, settings.maxSamples);
    const key = doc.uri.toString();
    const previous = this.entries.get(key);
    if (previous && previous.version > version) return previous; // a newer analysis already landed
    let report: AnalysisReport | undefined = previous?.state.report;
    let analysed: LoadedNetwork | undefined = previous?.loaded;
    if (loaded) {
      report = analyze(loaded, settings.thresholds);
      analysed = { ...loaded, network: loaded.network.clone() };
    }
    const state: DocumentState = {
      uri: key,
      fileName: doc.uri.path.split('/').pop() ?? key,
      report,
      shape: analysed && shapeView(analysed.spec),
      problems: problems.filter((p) => p.severity === 'error').map(problemView),
    };
    const entry: Analysed = { state, loaded: analysed, csv: loaded ? csv : (previous?.csv ?? csv), version };
    this.entries.set(key, entry);
    // the raw problems (warnings included) go to the diagnostics through `problemsOf`
    this.rawProblems.set(key, problems);
    this.updateContext();
    this.changed.fire(doc.uri);
    return entry;
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
  }
}
