/**
 * Receives host messages for a webview: one exhaustive switch over the protocol, each kind to its
 * handler, then a render.
 */
import type {
  DocumentState,
  ToWebview,
  TrainingProgressView,
  TrainingView,
  WeightExplanation,
  Wire,
} from '../shared/protocol';

/** One handler per kind of host message; every number in what they receive may be a wire string. */
export interface HostMessageHandlers {
  state(state: Wire<DocumentState> | undefined): void;
  training(training: Wire<TrainingView>): void;
  /** Absent in views that are only ever sent whole training views (the message is then ignored). */
  trainingProgress?(progress: Wire<TrainingProgressView>): void;
  /** Absent in views that do not show explanations (the message is then ignored). */
  explanation?(explanation: Wire<WeightExplanation>): void;
  busy?(busy: boolean): void;
}

/** Listens for host messages; `render` runs after every handled one. */
export function listen(h: HostMessageHandlers, render: (msg: ToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
    const msg = event.data;
    switch (msg.type) {
      case 'state':
        h.state(msg.state);
        break;
      case 'training':
        h.training(msg.training);
        break;
      case 'trainingProgress':
        if (!h.trainingProgress) return;
        h.trainingProgress(msg.progress);
        break;
      case 'explanation':
        if (!h.explanation) return;
        h.explanation(msg.explanation);
        break;
      case 'busy':
        h.busy?.(msg.busy);
        return;
      default: {
        const unknown: never = msg;
        return unknown;
      }
    }
    render(msg);
  });
}
