/**
 * Input normalisation (format v1.1 `data.normalize`), per feature over the whole training data set:
 * x' = (x − shift)/scale. "standard": shift = mean, scale = population standard deviation √(Σ(x − mean)²/N)
 * (torch.std(unbiased=False)); "minmax": shift = min, scale = max − min, mapping the feature onto [0, 1].
 * A constant feature (scale 0) keeps scale 1, so it is only shifted (centred, or moved to 0).
 */
import { Dataset, NormalizeKind } from '../format/spec';

/** The per-feature statistics a normalisation applied: x' = (x − shift[i])/scale[i]. */
export interface Normalization {
  readonly kind: NormalizeKind;
  readonly shift: readonly number[];
  readonly scale: readonly number[];
}

/** Normalises `data.inputs` in place and returns the statistics used. */
export function normalizeInputs(data: Dataset, kind: NormalizeKind): Normalization {
  const stats = kind === 'standard' ? meanAndStd(data) : minAndRange(data);
  const { inputs, inputSize } = data;
  for (let s = 0; s < data.samples; s++)
    for (let i = 0; i < inputSize; i++)
      inputs[s * inputSize + i] = (inputs[s * inputSize + i] - stats.shift[i]) / stats.scale[i];
  return { kind, ...stats };
}

/** Per-feature mean and population standard deviation √(Σ(x − mean)²/N), in two passes for accuracy. */
export function featureMoments(
  inputs: Float64Array,
  samples: number,
  inputSize: number,
): { mean: number[]; std: number[] } {
  const mean = new Array<number>(inputSize).fill(0);
  const sq = new Array<number>(inputSize).fill(0);
  for (let s = 0; s < samples; s++) for (let i = 0; i < inputSize; i++) mean[i] += inputs[s * inputSize + i];
  for (let i = 0; i < inputSize; i++) mean[i] /= samples;
  for (let s = 0; s < samples; s++)
    for (let i = 0; i < inputSize; i++) sq[i] += (inputs[s * inputSize + i] - mean[i]) ** 2;
  return { mean, std: sq.map((v) => Math.sqrt(v / samples)) };
}

/** Per-feature mean and population standard deviation; a zero std becomes 1. */
function meanAndStd({ inputs, inputSize, samples }: Dataset): { shift: number[]; scale: number[] } {
  const { mean, std } = featureMoments(inputs, samples, inputSize);
  return { shift: mean, scale: std.map((v) => v || 1) };
}

/** Per-feature minimum and range max − min; a zero range becomes 1. */
function minAndRange({ inputs, inputSize, samples }: Dataset): { shift: number[]; scale: number[] } {
  const min = new Array<number>(inputSize).fill(Infinity);
  const max = new Array<number>(inputSize).fill(-Infinity);
  for (let s = 0; s < samples; s++)
    for (let i = 0; i < inputSize; i++) {
      const v = inputs[s * inputSize + i];
      if (v < min[i]) min[i] = v;
      if (v > max[i]) max[i] = v;
    }
  return { shift: min, scale: max.map((v, i) => v - min[i] || 1) };
}
