/**
 * Which step records of a training run the panel's charts draw, chosen so that the host can send a webview only
 * the records that are new and the webview keeps the same selection itself: the first record of each bucket of
 * `bucket` steps, and the latest. Buckets are powers of 2 in steps, so a run that grows merges pairs of buckets,
 * and the first record of a merged bucket is the first of its first half: selecting again from a selection, or
 * from a selection with new records appended, gives what selecting from all the records would.
 */
import { WireNumber, toNumber } from './numbers';

/** Steps the panel's training charts draw at most: about one per 1.5 px of a chart's plotting width. */
export const PANEL_HISTORY_POINTS = 300;

/** Steps per bucket for records spanning `span` steps: the smallest power of 2 leaving at most `points` buckets. */
export function chartBucket(span: number, points = PANEL_HISTORY_POINTS): number {
  let bucket = 1;
  // the records' first and last buckets may be partly covered, and the latest record comes on top: 3 to spare
  while (Math.floor(Math.max(0, span) / bucket) + 3 > points && bucket < 2 ** 40) bucket *= 2;
  return bucket;
}

/** The first record of each bucket of `bucket` steps, then the latest record if it is not one (records in step order). */
export function bucketFirsts<T extends { readonly step: WireNumber }>(records: readonly T[], bucket: number): T[] {
  const out: T[] = [];
  let current = NaN;
  for (const r of records) {
    const b = Math.floor(toNumber(r.step) / bucket);
    if (b !== current) out.push(r);
    current = b;
  }
  const latest = records[records.length - 1];
  if (latest !== undefined && out[out.length - 1] !== latest) out.push(latest);
  return out;
}

/** The step of the last of `records` (-1 for none). */
export function lastStep(records: readonly { readonly step: WireNumber }[]): number {
  return records.length ? toNumber(records[records.length - 1].step) : -1;
}
