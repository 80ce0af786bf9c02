/** Summary statistics and histograms over flat arrays, skipping nothing: NaN and ±∞ propagate into the result. */
import { Histogram, Stats } from './report';

/**
 * Mean, population standard deviation, min and max of the first `n` values, or of their magnitudes with `abs`
 * (in the style of numpy's mean/std). A flag rather than a mapping callback keeps the loops monomorphic: these
 * run over every activation of every layer on each analysis.
 */
export function statsOf(values: Float64Array, n = values.length, abs = false): Stats {
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, max: NaN };
  let sum = 0,
    min = Infinity,
    max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = abs ? Math.abs(values[i]) : values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (Number.isNaN(v)) {
      min = NaN;
      max = NaN;
    }
  }
  const mean = sum / n;
  let sq = 0;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const d = (abs ? Math.abs(values[i]) : values[i]) - mean;
    sq += d * d;
    largest = Math.max(largest, Math.abs(d));
  }
  if (Number.isFinite(sq) || !Number.isFinite(largest)) return { mean, std: Math.sqrt(sq / n), min, max };
  // finite deviations whose squares overflow: scale by the largest first
  let scaled = 0;
  for (let i = 0; i < n; i++) scaled += (((abs ? Math.abs(values[i]) : values[i]) - mean) / largest) ** 2;
  return { mean, std: largest * Math.sqrt(scaled / n), min, max };
}

/** Equal-width histogram of the finite values among the first `n` (or their magnitudes), over their own [min, max]. */
export function histogramOf(values: Float64Array, n = values.length, bins = 20, abs = false): Histogram {
  let min = Infinity,
    max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = abs ? Math.abs(values[i]) : values[i];
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const counts = new Array<number>(bins).fill(0);
  if (min > max) return { min: NaN, max: NaN, counts };
  const width = (max - min) / bins;
  for (let i = 0; i < n; i++) {
    const v = abs ? Math.abs(values[i]) : values[i];
    if (!Number.isFinite(v)) continue;
    const b = width === 0 ? 0 : Math.min(bins - 1, Math.floor((v - min) / width));
    counts[b]++;
  }
  return { min, max, counts };
}

/** Per-unit mean over samples of a batch × units block (optionally of |v|). */
export function unitMeans(values: Float64Array, batch: number, units: number, abs = false): number[] {
  const means = new Array<number>(units).fill(0);
  for (let s = 0; s < batch; s++) {
    const row = s * units;
    for (let j = 0; j < units; j++) means[j] += abs ? Math.abs(values[row + j]) : values[row + j];
  }
  return means.map((m) => m / batch);
}

/** Whether any of the first `n` values is NaN or ±∞. */
export function hasNonFinite(values: ArrayLike<number>, n = values.length): boolean {
  for (let i = 0; i < n; i++) if (!Number.isFinite(values[i])) return true;
  return false;
}
