/** Running statistics over a stream of numbers in bounded memory: a moving window, and a log-binned median. */

/** The last `size` values of a stream, oldest first. */
export class MovingWindow {
  private readonly values: Float64Array;
  private readonly steps: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(readonly size: number) {
    this.values = new Float64Array(size);
    this.steps = new Float64Array(size);
  }

  /** Adds `value` (seen at `step`), dropping the oldest once full. */
  push(value: number, step: number): void {
    if (this.filled < this.size) this.filled++;
    this.values[this.next] = value;
    this.steps[this.next] = step;
    this.next = (this.next + 1) % this.size;
  }

  get length(): number {
    return this.filled;
  }

  get full(): boolean {
    return this.filled === this.size;
  }

  /** The k-th value of the window, oldest first. */
  at(k: number): number {
    return this.values[(this.next - this.filled + k + this.size) % this.size];
  }

  /** The step at which the k-th value (oldest first) was seen. */
  stepAt(k: number): number {
    return this.steps[(this.next - this.filled + k + this.size) % this.size];
  }

  /**
   * Mean of the window, summed afresh: a running sum would keep the rounding error of a huge value (or NaN from
   * ∞ − ∞) long after the value left the window.
   */
  mean(): number {
    let sum = 0;
    for (let k = 0; k < this.filled; k++) sum += this.values[k];
    return sum / this.filled;
  }

  /** Median of the window (NaN when empty). */
  median(): number {
    return median(Array.from({ length: this.filled }, (_, k) => this.at(k)));
  }
}

/** Median of a list of numbers (NaN for none). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Decades the log-binned median covers (1e-30 … 1e10) and bins per decade (each bin ±1.2%). */
const LOG_MIN = -30;
const LOG_MAX = 10;
const BINS_PER_DECADE = 100;

/**
 * The median of a stream of non-negative numbers of any length, exact to one log bin (±1.2%):
 * zeros are counted apart, values below 1e-30 or above 1e10 fall into the end bins, NaN and ±∞ are skipped.
 */
export class LogMedian {
  private readonly bins = new Uint32Array((LOG_MAX - LOG_MIN) * BINS_PER_DECADE);
  private zeros = 0;
  private total = 0;

  /** Counts one value. */
  push(value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    this.total++;
    if (value === 0) {
      this.zeros++;
      return;
    }
    const bin = Math.floor((Math.log10(value) - LOG_MIN) * BINS_PER_DECADE);
    this.bins[Math.min(this.bins.length - 1, Math.max(0, bin))]++;
  }

  /** The median's bin centre (0 when most values were 0; NaN when none were counted). */
  median(): number {
    if (this.total === 0) return NaN;
    const half = this.total / 2;
    if (this.zeros >= half) return 0;
    let seen = this.zeros;
    for (let b = 0; b < this.bins.length; b++) {
      seen += this.bins[b];
      if (seen >= half) return 10 ** (LOG_MIN + (b + 0.5) / BINS_PER_DECADE);
    }
    return NaN;
  }
}
