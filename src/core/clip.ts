/** Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_. */
import { DenseLayer } from './dense';
import { ClipSpec } from './spec';

/** Total L2 norm of every weight and bias gradient, √(Σ g²): the norm clip_grad_norm_ measures. */
export function totalGradNorm(layers: readonly DenseLayer[]): number {
  let sq = 0;
  for (const l of layers) {
    for (const g of l.gradWeights) sq += g * g;
    for (const g of l.gradBias) sq += g * g;
  }
  return Math.sqrt(sq);
}

/**
 * Clips gradients in place. norm c: g ← g·min(1, c/(‖g‖ + 1e-6)) over all parameters jointly;
 * value c: each g clamped to [−c, c]. Returns the total norm before clipping (NaN when `clip` is undefined and nothing was measured).
 */
export function clipGradients(layers: readonly DenseLayer[], clip: ClipSpec | undefined): number {
  if (!clip) return NaN; // nothing to clip: not measured
  const norm = totalGradNorm(layers);
  if ('norm' in clip) {
    const coef = Math.min(1, clip.norm / (norm + 1e-6));
    for (const l of layers) {
      for (let i = 0; i < l.gradWeights.length; i++) l.gradWeights[i] *= coef;
      for (let i = 0; i < l.gradBias.length; i++) l.gradBias[i] *= coef;
    }
  } else {
    const c = clip.value;
    for (const l of layers) {
      for (let i = 0; i < l.gradWeights.length; i++) l.gradWeights[i] = Math.min(c, Math.max(-c, l.gradWeights[i]));
      for (let i = 0; i < l.gradBias.length; i++) l.gradBias[i] = Math.min(c, Math.max(-c, l.gradBias[i]));
    }
  }
  return norm;
}
