/**
 * The side-bar Summary view: loss, warnings (click to reveal), a short layer table; replays state
 * whenever it is shown.
 */
import * as vscode from 'vscode';
import { post } from './messaging';
import { RunController } from './runs/runController';
import { NetworkSession } from './session';
import { TrainingController } from './training/trainingController';
import { handleWebviewMessage, replay } from './viewActions';
import { stateFor, trainingFor } from './viewPayload';
import { renderShell, webviewOptions } from './webviewHtml';

/** The Summary view's id. */
export const SUMMARY_VIEW_ID = 'gradientDebugger.summary';

/** The Summary side view: loss, warnings and a short layer table for the active network. */
export class SummaryViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: NetworkSession,
    private readonly training: TrainingController,
    private readonly runs: RunController,
  ) {
    this.disposables.push(
      session.onDidChange(() => {
        if (this.view?.visible && !runs.shown)
          post(this.view.webview, { type: 'state', state: stateFor('summary', session.activeState()) });
      }),
      training.onDidChange(() => {
        const t = training.view(session.active);
        if (this.view?.visible && t && !runs.shown)
          post(this.view.webview, { type: 'training', training: trainingFor('summary', t) });
      }),
      runs.onDidChange(() => {
        if (this.view?.visible) replay(this.view.webview, session, training, runs, 'summary');
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = renderShell(view.webview, this.extensionUri, 'sidebar', 'Gradient summary');
    const subscriptions = [
      view.webview.onDidReceiveMessage((m) =>
        handleWebviewMessage(m, view.webview, this.session, this.training, this.runs, 'summary'),
      ),
      view.onDidChangeVisibility(() => {
        if (view.visible) replay(view.webview, this.session, this.training, this.runs, 'summary');
      }),
    ];
    view.onDidDispose(() => {
      subscriptions.forEach((d) => d.dispose());
      if (this.view === view) this.view = undefined;
    });
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
