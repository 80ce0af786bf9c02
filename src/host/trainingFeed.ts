/**
 * The panel's training messages while a run goes on: after a whole view, only what is new (the records after
 * the last one sent, the surface when redrawn). A 500-step run posts about 5 times a second; sending the
 * whole history each time (250 KB for a 6-layer network) made each message take 120–330 ms to reach the
 * webview on a 2-core machine, behind the training worker.
 */
import { HostMessage, TrainingView } from '../shared/protocol';
import { panelBucket, trainingFor } from './viewPayload';

/** What one webview was last sent of a run. */
interface Sent {
  readonly runId: number;
  /** The step of the last record sent (-1 for none). */
  readonly lastStep: number;
  /** The surface last sent (the run's own object: a redrawn surface is a new one). */
  readonly surface: TrainingView['surface'];
}

/** The training messages of one panel webview. */
export class TrainingFeed {
  private sent: Sent | undefined;

  /** The whole view (replays, another run), remembered as sent. */
  whole(view: TrainingView): HostMessage {
    const training = trainingFor('panel', view);
    this.remember(view, training);
    return { type: 'training', training };
  }

  /** The message that brings the webview to `view`: what is new when it holds the same run, else the whole view. */
  next(view: TrainingView): HostMessage {
    const sent = this.sent;
    const last = view.history.length ? view.history[view.history.length - 1].step : -1;
    if (!sent || view.runId === undefined || view.runId !== sent.runId || last < sent.lastStep) return this.whole(view);
    const { history, surface, ...rest } = trainingFor('panel', view);
    const records = history.filter((r) => r.step > sent.lastStep);
    this.sent = { ...sent, lastStep: Math.max(sent.lastStep, last), surface: view.surface };
    return {
      type: 'trainingProgress',
      progress: {
        ...rest,
        runId: view.runId,
        since: sent.lastStep,
        bucket: panelBucket(view),
        records,
        ...(surface && view.surface !== sent.surface ? { surface } : {}),
      },
    };
  }

  /** Forgets what was sent: the next message is a whole view (the webview was reloaded or shows something else). */
  reset(): void {
    this.sent = undefined;
  }

  private remember(view: TrainingView, sentView: TrainingView): void {
    const h = sentView.history;
    this.sent =
      view.runId === undefined
        ? undefined
        : { runId: view.runId, lastStep: h.length ? h[h.length - 1].step : -1, surface: view.surface };
  }
}
