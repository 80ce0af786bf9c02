/** What a webview (panel or side view) may ask for, handled the same way for both. */
import * as vscode from 'vscode';
import { FromWebview } from '../shared/protocol';
import { revealLayer } from './editing';
import { WEBVIEW_COMMAND_IDS, isFromWebview, post } from './messaging';
import { RunController } from './runs/runController';
import { NetworkSession } from './session';
import { TrainingController } from './training/trainingController';
import { ViewKind, stateFor, trainingFor } from './viewPayload';
import { applyWarningFix } from './warningLookup';
import { TrainingFeed } from './trainingFeed';

/**
 * Sends a webview everything it shows: the document state and the training view (a run log's when one is
 * shown), as much of them as that `kind` of view draws; the panel's `feed` then sends training progress from there.
 */
export function replay(
  webview: vscode.Webview,
  session: NetworkSession,
  training: TrainingController,
  runs?: RunController,
  kind: ViewKind = 'panel',
  feed?: TrainingFeed,
): void {
  feed?.reset();
  if (runs?.shown) {
    post(webview, { type: 'state', state: stateFor(kind, runs.state()) });
    const view = runs.view();
    if (view) post(webview, { type: 'training', training: trainingFor(kind, view) });
    return;
  }
  post(webview, { type: 'state', state: stateFor(kind, session.activeState()) });
  const t = training.view(session.active);
  if (t) post(webview, feed ? feed.whole(t) : { type: 'training', training: trainingFor(kind, t) });
}

/** Validates and handles one message from a webview. */
export async function handleWebviewMessage(
  raw: unknown,
  webview: vscode.Webview,
  session: NetworkSession,
  training: TrainingController,
  runs?: RunController,
  kind: ViewKind = 'panel',
  feed?: TrainingFeed,
): Promise<void> {
  if (!isFromWebview(raw)) return; // untrusted: anything else is ignored
  const msg: FromWebview = raw;
  const uri = runs?.shown ? undefined : session.active; // a run log has no layers to reveal or fix in place
  switch (msg.type) {
    case 'ready':
      replay(webview, session, training, runs, kind, feed);
      return;
    case 'reveal':
      if (uri) await revealLayer(uri, msg.layerIndex);
      return;
    case 'applyFix':
      if (uri) await applyWarningFix(session, training, uri, msg.warningId, msg.fixIndex);
      return;
    case 'command':
      await vscode.commands.executeCommand(WEBVIEW_COMMAND_IDS[msg.command]);
      return;
    case 'explainWeight': {
      if (!uri) return;
      try {
        const explanation = await training.explain(uri, msg.layerIndex, msg.unit, msg.input);
        if (explanation) post(webview, { type: 'explanation', explanation });
      } catch (e) {
        void vscode.window.showWarningMessage(e instanceof Error ? e.message : String(e));
      }
      return;
    }
    default: {
      const unknown: never = msg;
      return unknown;
    }
  }
}
