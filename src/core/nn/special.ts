/** Special functions the activations need; accurate to double precision. */

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π

/**
 * erf(x) = 2/√π ∫₀ˣ e^(−t²) dt. For |x| < 2.5 the all-positive series
 * erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)) (no cancellation);
 * beyond, 1 − erfc(x) from the continued fraction.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 2.5) return Math.sign(x) * (1 - erfcLarge(ax));
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) = 1 − erf(x), keeping relative precision for large positive x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 2) return erfcLarge(x); // the continued fraction converges fast here and keeps relative precision
  return 1 - erf(x);
}

/**
 * erfc(x) for x ≥ 2.5 by Lentz's evaluation of the continued fraction
 * erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))).
 */
function erfcLarge(x: number): number {
  if (x > 27) return 0; // e^(−x²) underflows
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

/** Standard normal CDF Φ(z) = ½·erfc(−z/√2), precise in both tails. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Standard normal density φ(z) = e^(−z²/2)/√(2π). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * max of the `n` values of `v` from `offset` (−∞ for none): the shift that keeps e^z finite in
 * softmax and log-sum-exp.
 */
export function rowMax(v: Float64Array, offset: number, n: number): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (v[offset + j] > max) max = v[offset + j];
  return max;
}
