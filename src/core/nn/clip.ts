/** Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_. */
import { DenseLayer } from './dense';
import { ClipSpec } from '../format/spec';

/** Total L2 norm of every weight and bias gradient, √(Σ g²): the norm clip_grad_norm_ measures. */
export function totalGradNorm(layers: readonly DenseLayer[]): number {
  let sq = 0;
  for (let l = 0; l < layers.length; l++) sq += sumOfSquares(layers[l].gradWeights) + sumOfSquares(layers[l].gradBias);
  return Math.sqrt(sq);
}

/**
 * Clips gradients in place. norm c: g ← g·min(1, c/(‖g‖ + 1e-6)) over all parameters jointly;
 * value c: each g clamped to [−c, c]. Returns the total norm before clipping (NaN when `clip` is
 * undefined and nothing was measured).
 */
export function clipGradients(layers: readonly DenseLayer[], clip: ClipSpec | undefined): number {
  if (!clip) return NaN; // nothing to clip: not measured
  const norm = totalGradNorm(layers);
  if ('norm' in clip) {
    const coef = Math.min(1, clip.norm / (norm + 1e-6));
    for (let l = 0; l < layers.length; l++) {
      scale(layers[l].gradWeights, coef);
      scale(layers[l].gradBias, coef);
    }
  } else {
    for (let l = 0; l < layers.length; l++) {
      clamp(layers[l].gradWeights, clip.value);
      clamp(layers[l].gradBias, clip.value);
    }
  }
  return norm;
}

// Indexed loops throughout: a for-of over a typed array allocates an iterator on every call of the training step.

/** Σ g². */
function sumOfSquares(g: Float64Array): number {
  let sq = 0;
  for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  return sq;
}

/** g ← g·coef. */
function scale(g: Float64Array, coef: number): void {
  for (let i = 0; i < g.length; i++) g[i] *= coef;
}

/** g ← min(c, max(−c, g)). */
function clamp(g: Float64Array, c: number): void {
  for (let i = 0; i < g.length; i++) g[i] = Math.min(c, Math.max(-c, g[i]));
}
