/** A bounded, seeded choice of samples, so checks on large data sets cost the same as on small ones. */
import { Dataset } from '../format/spec';
import { createRng } from './rng';

/** At most `max` samples of a data set: all of them, or a seeded choice without repeats, kept in data order. */
export function seededSubsample(dataset: Dataset, max: number, seed = 4242): Dataset {
  if (dataset.samples <= max) return dataset;
  const rng = createRng(seed);
  const order = Array.from({ length: dataset.samples }, (_, i) => i);
  for (let i = 0; i < max; i++) {
    const j = i + rng.int(dataset.samples - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const rows = order.slice(0, max).sort((a, b) => a - b);
  const take = (from: Float64Array, width: number): Float64Array => {
    const out = new Float64Array(max * width);
    rows.forEach((r, k) => out.set(from.subarray(r * width, (r + 1) * width), k * width));
    return out;
  };
  return {
    ...dataset,
    samples: max,
    inputs: take(dataset.inputs, dataset.inputSize),
    targets: take(dataset.targets, dataset.targetSize),
  };
}
