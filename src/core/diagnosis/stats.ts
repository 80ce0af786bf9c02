/**
 * Summary statistics and histograms over flat arrays, skipping nothing: NaN and ±∞ propagate into the result.
 * One home, `summarize`, computes them all in two passes over an array (these run over every activation,
 * pre-activation and derivative of every layer on each analysis).
 */
import { Histogram, Stats } from './report';

/** Everything a layer's report reads of one batch × units array (or of its magnitudes). */
export interface ArraySummary {
  /** Mean, population std, min and max (as numpy's): NaN propagates into min and max, ±∞ into mean and std. */
  readonly stats: Stats;
  /** Equal-width histogram of the finite values over their own [min, max] (no bins when `bins` is 0). */
  readonly histogram: Histogram;
  /** Per unit, the mean over the samples. */
  readonly unitMeans: number[];
  /** How many values are exactly 0. */
  readonly zeros: number;
  /** Whether any value is NaN or ±∞. */
  readonly nonFinite: boolean;
}

/**
 * The summary of a batch × units block in row-major order (or of its magnitudes, with `abs`), in two passes:
 * sums, extremes, zeros and non-finite values first; then squared deviations from the mean and histogram counts.
 * A flag rather than a mapping callback keeps the loops monomorphic.
 */
export function summarize(values: Float64Array, batch: number, units: number, abs = false, bins = 20): ArraySummary {
  const n = batch * units;
  const unitSums = new Float64Array(units);
  let sum = 0,
    min = Infinity,
    max = -Infinity,
    finiteMin = Infinity,
    finiteMax = -Infinity,
    zeros = 0,
    nan = false,
    nonFinite = false;
  for (let s = 0, i = 0; s < batch; s++) {
    for (let j = 0; j < units; j++, i++) {
      const v = abs ? Math.abs(values[i]) : values[i];
      sum += v;
      unitSums[j] += v;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v === 0) zeros++;
      if (v - v === 0) {
        if (v < finiteMin) finiteMin = v;
        if (v > finiteMax) finiteMax = v;
      } else {
        nonFinite = true;
        if (v !== v) nan = true;
      }
    }
  }
  const mean = sum / n;
  const counts = new Array<number>(bins).fill(0);
  const std = deviationsAndCounts(values, n, abs, mean, finiteMin, finiteMax, counts);
  const stats: Stats =
    n === 0 ? { mean: NaN, std: NaN, min: NaN, max: NaN } : { mean, std, min: nan ? NaN : min, max: nan ? NaN : max };
  const binned = bins > 0 && finiteMin <= finiteMax;
  const histogram: Histogram = binned ? { min: finiteMin, max: finiteMax, counts } : { min: NaN, max: NaN, counts };
  const means = new Array<number>(units);
  for (let j = 0; j < units; j++) means[j] = unitSums[j] / batch;
  return { stats, histogram, unitMeans: means, zeros, nonFinite };
}

/**
 * The second pass of `summarize`: the population std about `mean`, while counting the finite values into `counts`,
 * equal-width bins over [lo, hi]. Deviations whose squares overflow are scaled by the largest first.
 */
function deviationsAndCounts(
  values: Float64Array,
  n: number,
  abs: boolean,
  mean: number,
  lo: number,
  hi: number,
  counts: number[],
): number {
  const bins = counts.length;
  const binned = bins > 0 && lo <= hi;
  const width = (hi - lo) / bins;
  // four interleaved sets of counts: runs of values in one bin then do not wait on each other's increments
  const lanes = new Int32Array(4 * bins);
  let sq = 0;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const v = abs ? Math.abs(values[i]) : values[i];
    const d = v - mean;
    sq += d * d;
    largest = Math.max(largest, Math.abs(d));
    if (binned && v - v === 0)
      lanes[(i & 3) * bins + (width === 0 ? 0 : Math.min(bins - 1, Math.floor((v - lo) / width)))]++;
  }
  for (let b = 0; b < bins; b++) counts[b] = lanes[b] + lanes[bins + b] + lanes[2 * bins + b] + lanes[3 * bins + b];
  if (Number.isFinite(sq) || !Number.isFinite(largest)) return Math.sqrt(sq / n);
  let scaled = 0;
  for (let i = 0; i < n; i++) scaled += (((abs ? Math.abs(values[i]) : values[i]) - mean) / largest) ** 2;
  return largest * Math.sqrt(scaled / n);
}

/** Whether any of the first `n` values is NaN or ±∞. */
export function hasNonFinite(values: ArrayLike<number>, n = values.length): boolean {
  for (let i = 0; i < n; i++) if (!Number.isFinite(values[i])) return true;
  return false;
}
