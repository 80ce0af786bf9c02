/**
 * The chance level of a loss: the loss of the best constant prediction, which a network that learns
 * nothing can still reach. MSE: the targets' variance (mean over outputs); ½·SSE: half the summed
 * variances; cross-entropy: the entropy of the class priors; BCE: the mean entropy of each output's prior.
 */
import { Dataset, LossName } from '../format/spec';

/** The loss of the best constant predictor on `dataset` under `loss` (NaN for no samples). */
export function chanceLoss(loss: LossName, dataset: Dataset): number {
  const { samples: n, targetSize: k, targets } = dataset;
  if (n === 0) return NaN;
  const means = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) means[j] += targets[i * k + j] / n;
  switch (loss) {
    case 'mse':
    case 'half_sse': {
      let sq = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) sq += (targets[i * k + j] - means[j]) ** 2;
      return loss === 'mse' ? sq / (n * k) : sq / (2 * n);
    }
    case 'cross_entropy':
      return -means.reduce((h, p) => h + (p > 0 ? p * Math.log(p) : 0), 0);
    case 'binary_cross_entropy':
      return means.reduce((h, p) => h + binaryEntropy(p), 0) / k;
  }
}

/** −p·ln p − (1−p)·ln(1−p), 0 at p ∈ {0, 1}. */
function binaryEntropy(p: number): number {
  const q = Math.min(1, Math.max(0, p));
  return (q > 0 ? -q * Math.log(q) : 0) + (q < 1 ? -(1 - q) * Math.log(1 - q) : 0);
}
