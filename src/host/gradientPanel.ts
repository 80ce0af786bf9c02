/** The Gradient panel: a webview beside the editor showing the active network, restored after a restart. */
import * as vscode from 'vscode';
import { post } from './messaging';
import { RunController } from './runs/runController';
import { NetworkSession } from './session';
import { TrainingController } from './training/trainingController';
import { handleWebviewMessage, replay } from './viewActions';
import { stateFor } from './viewPayload';
import { TrainingFeed } from './trainingFeed';
import { renderShell, webviewOptions } from './webviewHtml';
import { panelMark } from './panelTiming';

/** The panel's webview type (also its serializer's). */
export const PANEL_VIEW_TYPE = 'gradientDebugger.panel';

/** The Gradient panel beside the editor: created on demand, restored after a reload, following the session. */
export class GradientPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** The panel's training messages: whole views, then only what is new. */
  private readonly feed = new TrainingFeed();
  /** The document whose state the panel was last sent (the webview drops a training view on another one). */
  private shownUri: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: NetworkSession,
    private readonly training: TrainingController,
    private readonly runs: RunController,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.attach(panel),
      }),
      session.onDidChange(() => this.refresh()),
      session.onDidStartAnalysis((uri) => {
        // the panel marks itself busy (aria-busy) from the end of the typing pause until the new numbers land
        if (this.panel && !runs.shown && uri.toString() === session.active?.toString())
          post(this.panel.webview, { type: 'busy', busy: true });
      }),
      training.onDidChange((uri) => {
        const view = training.view(uri);
        if (this.panel && view && !runs.shown && uri.toString() === session.active?.toString()) {
          post(this.panel.webview, this.feed.next(view));
          panelMark(view.running ? 'host: training progress posted' : 'host: training view posted');
        }
      }),
      runs.onDidChange(() => {
        if (!this.panel) return;
        this.panel.title = this.title();
        replay(this.panel.webview, session, training, runs, 'panel', this.feed);
      }),
    );
  }

  /** Shows the panel beside the editor (creating it if needed) without taking focus from the editor. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      this.title(),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        ...webviewOptions(this.extensionUri),
        retainContextWhenHidden: false, // state is replayed on ready; the webview keeps its UI state with setState
      },
    );
    this.attach(panel);
  }

  get visible(): boolean {
    return !!this.panel?.visible;
  }

  /** Asks the panel to show one message (used by commands that produce results for it). */
  postToPanel(message: Parameters<typeof post>[1]): void {
    if (this.panel) post(this.panel.webview, message);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity.svg');
    panel.title = this.title();
    panel.webview.html = renderShell(panel.webview, this.extensionUri, 'panel', panel.title);
    const subscriptions = [
      panel.webview.onDidReceiveMessage((m) =>
        handleWebviewMessage(m, panel.webview, this.session, this.training, this.runs, 'panel', this.feed),
      ),
      panel.onDidChangeViewState(() => {
        if (panel.visible) replay(panel.webview, this.session, this.training, this.runs, 'panel', this.feed);
      }),
    ];
    panel.onDidDispose(() => {
      subscriptions.forEach((d) => d.dispose());
      if (this.panel === panel) this.panel = undefined;
    });
  }

  private refresh(): void {
    if (!this.panel || this.runs.shown) return; // a run log is shown: the network waits
    this.panel.title = this.title();
    const uri = this.session.active?.toString();
    if (uri !== this.shownUri) this.feed.reset();
    this.shownUri = uri;
    post(this.panel.webview, { type: 'busy', busy: false });
    post(this.panel.webview, { type: 'state', state: stateFor('panel', this.session.activeState()) });
    panelMark('host: state posted');
  }

  private title(): string {
    const name = (this.runs.shown ?? this.session.active)?.path.split('/').pop();
    return name ? `Gradients: ${name}` : 'Gradients';
  }

  dispose(): void {
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
