/** What every one-pass rule may read besides the per-layer figures: the loss and its chance level, the data's scale. */
import { LookAhead } from './lookAhead';
import { featureMoments } from '../nn/normalize';

/** Where NaN/±∞ appeared: per layer, in the forward pass (z, f(z) or W) and in the gradients (backward). */
export interface NonFiniteMap {
  readonly activations: readonly boolean[];
  readonly gradients: readonly boolean[];
}

/** The network-wide facts of one full-batch pass. */
export interface PassContext {
  /** The loss at the current parameters. */
  readonly loss: number;
  /** The loss of the best constant prediction (see chance.ts). */
  readonly chance: number;
  readonly nonFinite: NonFiniteMap;
  /** Per input feature, max(|mean|, std) over the samples: 1 or so for standardised data. */
  readonly featureScales: readonly number[];
  /** Whether a static check already found a cause that explains large steps (a badly scaled initialisation). */
  readonly otherCause: boolean;
  /** A few real training steps from here at the file's rate and a tenth of it, run on the first call (see lookAhead.ts). */
  readonly lookAhead: () => LookAhead;
}

/** A loss at most this fraction of the chance level means the network fits its data. */
export const FITS_FRACTION = 0.1;

/** Whether the network already fits its data (loss ≤ 10% of the chance level). */
export function fits(c: PassContext): boolean {
  return Number.isFinite(c.loss) && c.loss <= FITS_FRACTION * c.chance;
}

/** max(|mean|, std) of each input feature (column) of a row-major samples × features matrix. */
export function featureScales(inputs: Float64Array, samples: number, features: number): number[] {
  const { mean, std } = featureMoments(inputs, samples, features);
  return mean.map((m, j) => Math.max(Math.abs(m), std[j]));
}
