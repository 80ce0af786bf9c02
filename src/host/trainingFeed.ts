/**
 * The panel's training messages while a run goes on: after a whole view, only what is new (the records after
 * the last one sent, the surface when redrawn). A 500-step run posts about 5 times a second; sending the
 * whole history each time (250 KB for a 6-layer network) made each message take 120–330 ms to reach the
 * webview on a 2-core machine, behind the training worker.
 */
import { HostMessage, TrainingView } from '../shared/protocol';
import { lastStep } from '../shared/chartHistory';
import { panelBucket, panelRecords, panelSurface, trainingFor } from './viewPayload';

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
    this.remember(view);
    return { type: 'training', training: trainingFor('panel', view) };
  }

  /** The message that brings the webview to `view`: what is new when it holds the same run, else the whole view. */
  next(view: TrainingView): HostMessage {
    const sent = this.sent;
    if (!sent || view.runId === undefined || view.runId !== sent.runId || lastStep(view.history) < sent.lastStep)
      return this.whole(view);
    this.remember(view);
    const { history: _history, surface, ...rest } = view;
    return {
      type: 'trainingProgress',
      progress: {
        ...rest,
        runId: view.runId,
        since: sent.lastStep,
        bucket: panelBucket(view),
        records: panelRecords(view, sent.lastStep), // only these are rounded for the charts: a post is on a hot path
        ...(surface && surface !== sent.surface ? { surface: panelSurface(surface) } : {}),
      },
    };
  }

  /** Forgets what was sent: the next message is a whole view (the webview was reloaded or shows something else). */
  reset(): void {
    this.sent = undefined;
  }

  /** Remembers `view` as what the webview holds (the charts always keep the latest record). */
  private remember(view: TrainingView): void {
    this.sent =
      view.runId === undefined
        ? undefined
        : { runId: view.runId, lastStep: lastStep(view.history), surface: view.surface };
  }
}
