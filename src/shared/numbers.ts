/**
 * The one home of number formatting and of non-finite numbers in JSON, for every layer (core messages,
 * CLI, host, webviews). Pure, imports nothing: the lowest module of the tree.
 */

/** A number as it crosses JSON or postMessage: NaN and ±∞ travel as the strings "NaN", "Infinity", "-Infinity". */
export type WireNumber = number | string;

/** T as it arrives after `encodeNonFinite`: every number in it may be one of those strings. */
export type Wire<T> = T extends number
  ? WireNumber
  : T extends readonly (infer U)[]
    ? readonly Wire<U>[]
    : T extends object
      ? { readonly [K in keyof T]: Wire<T[K]> }
      : T;

/** The numeric value of a wire number (undefined reads as NaN). */
export function toNumber(v: WireNumber | undefined): number {
  return typeof v === 'number' ? v : v === undefined ? NaN : Number(v);
}

/**
 * `digits` significant digits, in fixed notation for 1e-3 ≤ |v| < 1e4 and scientific outside it (trailing
 * zeros dropped: 1.5e-9, not 1.50e-9); NaN and ±Infinity spelled as JavaScript spells them.
 */
export function formatNumber(v: WireNumber | undefined, digits = 3): string {
  const n = toNumber(v);
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const a = Math.abs(n);
  if (a >= 1e4 || a < 1e-3) return n.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
  return Number(n.toPrecision(digits)).toString();
}

/** `formatNumber` typeset for reading on screen: a true minus sign and ∞. */
export function displayNumber(v: WireNumber | undefined, digits = 3): string {
  return formatNumber(v, digits)
    .replace(/Infinity/, '∞')
    .replace(/-/g, '−');
}

/** Full precision, for hovers and data attributes (round-trips through Number()). */
export function exactNumber(v: WireNumber | undefined): string {
  return String(toNumber(v));
}

/** JSON text in which NaN and ±Infinity are kept as strings (JSON has no literal for them). */
export function toJsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), indent);
}

/** A copy of `value` with every non-finite number replaced by its string form, so it survives JSON transport. */
export function encodeNonFinite<T>(value: T): Wire<T> {
  return JSON.parse(toJsonText(value)) as Wire<T>;
}
