import * as assert from 'assert';
import { hasNonFinite, summarize } from '../../src/core/diagnosis/stats';
import { createRng } from '../../src/core/nn/rng';

/** One figure of `summarize` at a time, over the first `n` values of a flat array (or of their magnitudes). */
const statsOf = (values: Float64Array, n = values.length, abs = false) => summarize(values, n, 1, abs, 0).stats;
const histogramOf = (values: Float64Array, n = values.length, bins = 20, abs = false) =>
  summarize(values, n, 1, abs, bins).histogram;
const unitMeans = (values: Float64Array, batch: number, units: number, abs = false) =>
  summarize(values, batch, units, abs, 0).unitMeans;

/** The statistics written the plain way, one pass per figure, as the reference the fused passes must equal bit for bit. */
const reference = {
  stats(values: number[]) {
    const n = values.length;
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const min = values.some(Number.isNaN) ? NaN : Math.min(...values);
    const max = values.some(Number.isNaN) ? NaN : Math.max(...values);
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) * (v - mean), 0) / n);
    return { mean, std, min, max };
  },
  histogram(values: number[], bins: number) {
    const finite = values.filter(Number.isFinite);
    const counts = new Array<number>(bins).fill(0);
    if (!finite.length) return { min: NaN, max: NaN, counts };
    const min = Math.min(...finite);
    const max = Math.max(...finite);
    const width = (max - min) / bins;
    for (const v of finite) counts[width === 0 ? 0 : Math.min(bins - 1, Math.floor((v - min) / width))]++;
    return { min, max, counts };
  },
  unitMeans(values: number[], batch: number, units: number) {
    return Array.from({ length: units }, (_, j) => {
      let sum = 0;
      for (let s = 0; s < batch; s++) sum += values[s * units + j];
      return sum / batch;
    });
  },
};

/** A batch × units block of normal values with a few exact zeros, and optionally NaN and ±∞ among them. */
function block(batch: number, units: number, seed: number, nonFinite: boolean): Float64Array {
  const rng = createRng(seed);
  const values = new Float64Array(batch * units);
  for (let i = 0; i < values.length; i++) values[i] = i % 17 === 0 ? 0 : 3 * (rng.next() - 0.5);
  if (nonFinite) {
    values[5] = Infinity;
    values[values.length - 3] = -Infinity;
    values[Math.floor(values.length / 2)] = NaN;
  }
  return values;
}

suite('Statistics over arrays', () => {
  test('statsOf: mean, population std, min and max, by hand; of magnitudes with abs', () => {
    assert.deepStrictEqual(statsOf(new Float64Array([1, 2, 3, 4])), {
      mean: 2.5,
      std: Math.sqrt(1.25),
      min: 1,
      max: 4,
    });
    const abs = statsOf(new Float64Array([-1, 2, -3]), 3, true);
    assert.deepStrictEqual(abs, { mean: 2, std: Math.sqrt(2 / 3), min: 1, max: 3 });
    assert.deepStrictEqual(statsOf(new Float64Array([5, 7, 100]), 2), { mean: 6, std: 1, min: 5, max: 7 });
  });

  test('statsOf: NaN propagates into every figure, ±∞ into mean and std; no values gives NaN', () => {
    const nan = statsOf(new Float64Array([1, NaN, 3]));
    assert.ok([nan.mean, nan.std, nan.min, nan.max].every(Number.isNaN));
    const inf = statsOf(new Float64Array([1, Infinity]));
    assert.strictEqual(inf.mean, Infinity);
    assert.strictEqual(inf.min, 1);
    assert.strictEqual(inf.max, Infinity);
    assert.ok(Number.isNaN(inf.std));
    const none = statsOf(new Float64Array(0));
    assert.ok([none.mean, none.std, none.min, none.max].every(Number.isNaN));
  });

  test('statsOf: the std of finite values whose squared deviations overflow is still finite and exact', () => {
    const s = statsOf(new Float64Array([1e200, -1e200, 1e200, -1e200]));
    assert.strictEqual(s.mean, 0);
    assert.strictEqual(s.std, 1e200);
  });

  test('histogramOf: finite values only, over their own range; equal values fall in the first bin', () => {
    assert.deepStrictEqual(histogramOf(new Float64Array([0, 1, NaN, Infinity, 0.5, -Infinity]), 6, 2), {
      min: 0,
      max: 1,
      counts: [1, 2],
    });
    assert.deepStrictEqual(histogramOf(new Float64Array([3, 3, 3]), 3, 4), { min: 3, max: 3, counts: [3, 0, 0, 0] });
    const none = histogramOf(new Float64Array([NaN, Infinity]), 2, 3);
    assert.ok(Number.isNaN(none.min) && Number.isNaN(none.max));
    assert.deepStrictEqual(none.counts, [0, 0, 0]);
    assert.deepStrictEqual(histogramOf(new Float64Array([-2, 1]), 2, 2, true).counts, [1, 1]);
  });

  test('unitMeans: the per-unit mean over samples of a batch × units block (of |v| with abs)', () => {
    const v = new Float64Array([1, -2, 3, 4, 5, -6]);
    assert.deepStrictEqual(unitMeans(v, 2, 3), [2.5, 1.5, -1.5]);
    assert.deepStrictEqual(unitMeans(v, 2, 3, true), [2.5, 3.5, 4.5]);
  });

  test('summarize equals the one-figure-per-pass reference bit for bit, NaN and ±∞ included', () => {
    for (const [batch, units, nonFinite] of [
      [200, 31, false],
      [200, 31, true],
      [7, 1, false],
      [1, 5, true],
    ] as const) {
      for (const abs of [false, true]) {
        const values = block(batch, units, batch + units, nonFinite);
        const plain = Array.from(values, (v) => (abs ? Math.abs(v) : v));
        const got = summarize(values, batch, units, abs, 20);
        const label = `${batch}×${units}, non-finite ${nonFinite}, abs ${abs}`;
        assert.deepStrictEqual(got.stats, reference.stats(plain), label);
        assert.deepStrictEqual(got.histogram, reference.histogram(plain, 20), label);
        assert.deepStrictEqual(got.unitMeans, reference.unitMeans(plain, batch, units), label);
        assert.strictEqual(got.zeros, plain.filter((v) => v === 0).length, label);
        assert.strictEqual(got.nonFinite, nonFinite, label);
        assert.strictEqual(got.nonFinite, hasNonFinite(values), label);
      }
    }
  });

  test('summarize with no bins leaves the histogram empty and the other figures unchanged', () => {
    const values = block(50, 4, 3, false);
    const full = summarize(values, 50, 4);
    const bare = summarize(values, 50, 4, false, 0);
    assert.deepStrictEqual(bare.histogram, { min: NaN, max: NaN, counts: [] });
    assert.deepStrictEqual(bare.stats, full.stats);
    assert.deepStrictEqual(bare.unitMeans, full.unitMeans);
  });
});
