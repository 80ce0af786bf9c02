/** Chart scales: log10 positions, whole-decade axes, colour classes. */
import { WireNumber, toNumber } from '../../shared/numbers';

/** log10 of positive finite values, undefined otherwise (for log-scale charts). */
export function log10OrUndefined(v: WireNumber): number | undefined {
  const n = toNumber(v);
  return Number.isFinite(n) && n > 0 ? Math.log10(n) : undefined;
}

/** A "nice" axis range over log10 values: whole decades that contain them (at least one decade wide). */
export function logAxis(values: readonly (number | undefined)[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === undefined || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return { lo: -1, hi: 0 };
  lo = Math.floor(lo);
  hi = Math.ceil(hi);
  if (hi - lo < 1) hi = lo + 1;
  return { lo, hi };
}

/** Index 0…buckets−1 of v within [lo, hi] (for colour classes). */
export function bucket(v: number, lo: number, hi: number, buckets: number): number {
  if (!Number.isFinite(v) || hi <= lo) return 0;
  return Math.max(0, Math.min(buckets - 1, Math.floor(((v - lo) / (hi - lo)) * buckets)));
}
