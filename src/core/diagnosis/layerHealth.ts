/** Per-unit health of a layer after a forward pass: dead ReLU units and saturated sigmoid/tanh units. */
import { activationFacts } from '../format/activationFacts';
import { DenseLayer } from '../nn/dense';

/**
 * Units whose pre-activation z ≤ 0 for every one of the `batch` samples (relu family only; a dead
 * unit passes no gradient).
 */
export function deadUnits(layer: DenseLayer, batch: number): number[] {
  if (layer.activation.family !== 'relu' || batch === 0) return [];
  const { units, pre } = layer;
  const dead: number[] = [];
  for (let j = 0; j < units; j++) {
    let alive = false;
    for (let s = 0; s < batch && !alive; s++) alive = pre[s * units + j] > 0;
    if (!alive) dead.push(j);
  }
  return dead;
}

/** The largest value f'(z) can take, against which saturation is measured (σ' peaks at ¼, tanh' at 1). */
export function peakDerivative(layer: DenseLayer): number {
  return activationFacts(layer.activation.id).peakDerivative;
}

/**
 * Units (sigmoid/tanh only) whose f'(z) is below `relativeThreshold`·peak f' for at least
 * `sampleFraction` of the samples: the gradient through them is all but gone.
 */
export function saturatedUnits(
  layer: DenseLayer,
  batch: number,
  relativeThreshold: number,
  sampleFraction: number,
): number[] {
  if (layer.activation.family !== 'saturating' || batch === 0) return [];
  const { units, der } = layer;
  const limit = relativeThreshold * peakDerivative(layer);
  // counted sample by sample (rows are contiguous), not unit by unit (a stride of a row per read)
  const flat = new Int32Array(units);
  for (let s = 0, i = 0; s < batch; s++) for (let j = 0; j < units; j++, i++) if (Math.abs(der[i]) < limit) flat[j]++;
  const result: number[] = [];
  for (let j = 0; j < units; j++) if (flat[j] >= sampleFraction * batch) result.push(j);
  return result;
}

/** Most activations one percentile estimate sorts: evenly strided, 512 to 1,023 of them (chart bands). */
export const PERCENTILE_VALUES = 512;

/**
 * Percentiles (0–100) of a layer's activations a, from at most 2·PERCENTILE_VALUES evenly strided entries, sorted
 * in `scratch` (at least that long) when given: a training step then allocates no buffer outside the JS heap.
 */
export function activationPercentiles(
  layer: DenseLayer,
  batch: number,
  percentiles: readonly number[],
  scratch?: Float64Array,
): number[] {
  const n = batch * layer.units;
  if (n === 0) return percentiles.map(() => NaN);
  const stride = Math.max(1, Math.floor(n / PERCENTILE_VALUES));
  const count = Math.ceil(n / stride);
  const values = scratch && scratch.length >= count ? scratch.subarray(0, count) : new Float64Array(count);
  for (let i = 0, k = 0; i < n; i += stride, k++) values[k] = layer.out[i];
  values.sort();
  return percentiles.map((p) => values[Math.min(values.length - 1, Math.round((p / 100) * (values.length - 1)))]);
}
