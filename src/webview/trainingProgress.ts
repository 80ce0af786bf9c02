/** A panel's training view brought up to date by a progress message (src/host/trainingFeed.ts sends them). */
import { bucketFirsts, lastStep } from '../shared/chartHistory';
import { toNumber } from '../shared/numbers';
import type { TrainingProgressView, TrainingView, Wire } from '../shared/protocol';

/**
 * `view` with the progress applied: its records and the new ones selected again in the message's chart buckets,
 * the rest as the message has it. Undefined when the message does not follow on from `view` (another run, or a
 * message missed while the panel was hidden): the webview then asks for the whole view again.
 */
export function withProgress(
  view: Wire<TrainingView> | undefined,
  progress: Wire<TrainingProgressView>,
): Wire<TrainingView> | undefined {
  const h = view?.history ?? [];
  if (!view || view.runId !== progress.runId || lastStep(h) !== toNumber(progress.since)) return undefined;
  const { since: _since, bucket, records, surface, ...rest } = progress;
  return {
    ...rest,
    history: bucketFirsts([...h, ...records], toNumber(bucket)),
    surface: surface ?? view.surface,
  };
}
