/** Number formatting shared by the webviews (pure: unit-tested under node). Non-finite values may arrive as strings. */

/** A number as sent over postMessage: NaN and ±Infinity are encoded as strings. */
export type WireNumber = number | string;

/** The numeric value of a wire number. */
export function toNumber(v: WireNumber | undefined): number {
  return typeof v === 'number' ? v : v === undefined ? NaN : Number(v);
}

/** Compact display: fixed for ordinary magnitudes, scientific for tiny or huge ones, NaN/∞ spelled out. */
export function formatNumber(v: WireNumber | undefined, digits = 3): string {
  const n = toNumber(v);
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '−∞';
  if (n === 0) return '0';
  const a = Math.abs(n);
  if (a >= 1e4 || a < 1e-3) return n.toExponential(Math.max(0, digits - 1)).replace(/-/g, '−');
  return Number(n.toPrecision(digits)).toString().replace('-', '−');
}

/** Full precision, for hovers and data attributes (round-trips through Number()). */
export function exactNumber(v: WireNumber | undefined): string {
  return String(toNumber(v));
}

/** log10 of positive finite values, undefined otherwise (for log-scale charts). */
export function log10OrUndefined(v: WireNumber): number | undefined {
  const n = toNumber(v);
  return Number.isFinite(n) && n > 0 ? Math.log10(n) : undefined;
}

/** A "nice" axis range over log10 values: whole decades that contain them (at least one decade wide). */
export function logAxis(values: readonly (number | undefined)[]): { lo: number; hi: number } {
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (!finite.length) return { lo: -1, hi: 0 };
  let lo = Math.floor(Math.min(...finite));
  let hi = Math.ceil(Math.max(...finite));
  if (hi - lo < 1) hi = lo + 1;
  return { lo, hi };
}

/** Index 0…buckets−1 of v within [lo, hi] (for colour classes). */
export function bucket(v: number, lo: number, hi: number, buckets: number): number {
  if (!Number.isFinite(v) || hi <= lo) return 0;
  return Math.max(0, Math.min(buckets - 1, Math.floor(((v - lo) / (hi - lo)) * buckets)));
}

/** Every non-finite number in a value replaced by its string form, so it survives JSON transport. */
export function encodeNonFinite<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
}
