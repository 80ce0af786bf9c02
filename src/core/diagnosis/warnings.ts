/**
 * The one-pass diagnosis: vanishing and exploding gradients, dead ReLU units, saturated units and
 * non-finite values, each naming the layer where it starts, the measured evidence, and fixes.
 * Published rules (AutoTrainer's first/last ratio) are combined with absolute magnitudes and the
 * update ratio lr·‖∇W‖/‖W‖, so uniformly tiny or enormous gradients are caught too.
 */
import { formatNumber as fmt } from '../../shared/numbers';
import { activationFacts } from '../format/activationFacts';
import { Fix } from '../format/fixEdits';
import { LayerReport, Warning } from './report';
import { NetworkSpec } from '../format/spec';
import {
  clipFix,
  initFix,
  layerSpan,
  learningRateFix,
  normalizeFix,
  reluHeFix,
  usualLearningRateFixes,
  warningHead,
} from './warningParts';
import { dead, saturated } from './unitRules';
import { Thresholds } from './thresholds';
import { NonFiniteMap, PassContext, fits } from './passContext';
import { dataScale, learningRateTooHigh } from './causes';
import { nonFiniteRepairs, outlierWeightLayers } from './staticChecks';
import { settles } from './lookAhead';

/** Every one-pass warning: causes (data scale, learning rate) and symptoms, in reading order after orderWarnings. */
export function diagnose(spec: NetworkSpec, layers: readonly LayerReport[], c: PassContext, t: Thresholds): Warning[] {
  const nan = nonFiniteWarning(spec, c.loss, c.nonFinite);
  if (nan) return [nan]; // every other figure is meaningless once NaN has spread
  const scale = dataScale(spec, layers, c, t);
  return [
    ...scale,
    ...(scale.length || c.otherCause ? [] : learningRateTooHigh(spec, layers, c, t)),
    ...exploding(spec, layers, c, t),
    ...vanishing(spec, layers, c, t),
    ...dead(spec, layers, c, t),
    ...saturated(spec, layers, c, t, scale.length > 0),
  ];
}

/**
 * NaN/±∞ anywhere: named at the first layer (forward order) whose activations are non-finite, else
 * the last (backward order) whose gradients are.
 */
function nonFiniteWarning(spec: NetworkSpec, loss: number, nf: NonFiniteMap): Warning | undefined {
  let layer = nf.activations.findIndex(Boolean);
  const where = layer >= 0 ? 'activations' : 'gradients';
  if (layer < 0) layer = nf.gradients.lastIndexOf(true);
  if (layer < 0 && Number.isFinite(loss)) return undefined;
  if (layer < 0) layer = spec.layers.length - 1;
  const name = spec.layers[layer].name;
  const outliers = outlierWeightLayers(spec);
  const typo = outliers.length
    ? `; ${layerSpan(spec, outliers)} ${outliers.length > 1 ? 'hold weights' : 'holds a weight'} over 1000× ` +
      'the recommended initial scale (a typo in an exponent?)'
    : '';
  const origin = (where === 'activations' ? ', usually from huge weights or inputs' : '') + typo;
  return {
    ...warningHead(spec, 'non_finite', 'error', layer),
    message: `The network produces NaN or infinite values, first in the ${where} of layer '${name}'.`,
    cause:
      `loss = ${fmt(loss)}; the ${where} of '${name}' overflow the range of float64 (|x| > 1.8e308) ` +
      `or become NaN${origin}.`,
    fix: 'Scale the weights down (He or Xavier initialisation), normalise the inputs, and lower the learning rate.',
    fixes: nonFiniteRepairs(spec, layer),
  };
}

/** Root mean square of `xs` (0 for none). */
function rms(xs: readonly number[]): number {
  return xs.length ? Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length) : 0;
}

/**
 * Exploding: gradients that grow on their way back (AutoTrainer's ‖∇W_first‖/‖∇W_last‖ > 70), an
 * absolute mean gradient beyond 1e6, or, for SGD and momentum in a network that does not fit yet, a
 * first step larger than the weights. Starts at the layer closest to the output where it holds.
 */
function exploding(spec: NetworkSpec, layers: readonly LayerReport[], c: PassContext, t: Thresholds): Warning[] {
  const last = layers[layers.length - 1].gradients.weightNorm;
  // ∂E/∂W₁ = δ₁·xᵀ grows with the inputs' scale: raw-scale inputs are data_scale's to report, not a growing signal
  const inputScale = Math.max(1, rms(c.featureScales));
  const growth = (l: LayerReport): number => l.gradients.weightNorm / (l.index === 0 ? inputScale : 1) / last;
  const ratio = layers.length > 1 ? growth(layers[0]) : 1;
  // Adam's steps are bounded by lr whatever the gradient: only gradients that grow on their way back explode there
  const stepsTooBig = spec.training.optimizer !== 'adam' && !fits(c);
  const bigStep = (l: LayerReport): boolean => l.gradients.updateRatio > t.explodingUpdateRatio;
  // a first step as large as the weights after which real steps bring the loss down, and a tenth of the rate does
  // no better, is a brisk start, not an explosion
  const calm = stepsTooBig && layers.some(bigStep) && settles(c.lookAhead, c.chance, spec.training);
  const byUpdate = layers
    .filter((l) => stepsTooBig && ((bigStep(l) && !calm) || l.gradients.meanAbs > t.explodingMeanGradient))
    .map((l) => l.index);
  // a zero-initialised layer makes the ratio meaningless (its symmetry is bad_init's to report)
  const byRatio =
    ratio > t.explodingRatio && last > 0 && layers.every((l) => l.weightNorm > 0)
      ? layers.filter((l) => growth(l) > t.explodingRatio).map((l) => l.index)
      : [];
  const affected = [...new Set([...byUpdate, ...byRatio])].sort((a, b) => a - b);
  if (!affected.length) return [];
  const start = affected[affected.length - 1];
  const evidence = affected
    .map((l) => {
      const { weightNorm, updateRatio } = layers[l].gradients;
      return `'${layers[l].name}' ‖∇W‖ ${fmt(weightNorm)}, update ratio ${fmt(updateRatio)}`;
    })
    .join('; ');
  const scaled = inputScale > 1 ? `, the first divided by the inputs' scale ${fmt(inputScale)},` : '';
  const grows = byRatio.length
    ? ` ‖∇W_first‖/‖∇W_last‖${scaled} = ${fmt(ratio)} (above ${t.explodingRatio}: gradients grow on their way back).`
    : '';
  const big = affected.reduce((m, l) => Math.max(m, layers[l].gradients.updateRatio), 0);
  return [
    {
      ...warningHead(spec, 'exploding_gradient', 'error', start),
      layers: affected,
      message:
        `Gradients explode in ${layerSpan(spec, affected)}: ` +
        `the first ${spec.training.optimizer} step would change the weights by ${fmt(big)}× their size.`,
      cause:
        `${evidence} (healthy update ratio ≈ 1e-3, at most ${t.explodingUpdateRatio}).${grows} ` +
        'Large weights or inputs multiply the backward signal at every layer.',
      fix: 'Use He (ReLU) or Xavier (tanh/sigmoid) initialisation, normalise the inputs, clip the gradient norm, or lower the learning rate.',
      fixes: [initFix(spec, affected), normalizeFix(), clipFix(), learningRateFix(spec, 0.1)],
    },
  ];
}

/** A stalled layer's ‖∇W‖ must be below this share of the output layer's to count as vanishing. */
const STALLED_SHRINK = 0.1;

/**
 * Vanishing, in a network of three or more layers that does not fit yet: ‖∇W‖ at an early layer below
 * `vanishingRatio` of the output layer's while the first layer's update ratio is below
 * `learningUpdateRatio`; or layers whose update ratio is below `stalledUpdateRatio` while the output
 * layer learns. Starts at the affected layer closest to the output; the cause multiplies the mean |f'(z)|
 * of the layers the signal crossed.
 */
function vanishing(spec: NetworkSpec, layers: readonly LayerReport[], c: PassContext, t: Thresholds): Warning[] {
  // a zero-initialised layer above blocks the backward signal by symmetry, not by vanishing
  if (layers.length < 3 || fits(c) || layers.slice(1).some((l) => l.weightNorm === 0)) return [];
  const out = layers[layers.length - 1];
  const first = layers[0].gradients.weightNorm;
  const shrinks = layers[0].gradients.updateRatio < t.learningUpdateRatio;
  const learning = out.gradients.updateRatio >= t.learningUpdateRatio;
  // a layer that stalls with a gradient of at least a tenth of the output's is held back by the rate or by its
  // weights' scale: its gradient did not vanish on the way back
  const shrunk = (l: LayerReport): boolean => l.gradients.weightNorm < STALLED_SHRINK * out.gradients.weightNorm;
  const affected = layers
    .slice(0, -1)
    .filter(
      (l) =>
        (shrinks && l.gradients.weightNorm / out.gradients.weightNorm < t.vanishingRatio) ||
        (learning && l.gradients.updateRatio < t.stalledUpdateRatio && shrunk(l)),
    )
    .map((l) => l.index);
  if (!affected.length) return [];
  const start = affected[affected.length - 1];
  const crossed = layers.slice(start, -1);
  const product = crossed.reduce((p, l) => p * l.derivatives.meanAbs, 1);
  // the whole sigmoid/tanh stack shrinks the signal,
  // not only the layers where it has already vanished
  const saturating = layers
    .slice(0, -1)
    .map((l) => l.index)
    .filter((l) => activationFacts(spec.layers[l].activation.type).family === 'saturating');
  const derivs = crossed.map((l) => `${fmt(l.derivatives.meanAbs)}`).join(' × ');
  const fixes: Fix[] = [
    ...(saturating.length ? [reluHeFix(spec, saturating)] : []),
    initFix(spec, affected),
    ...usualLearningRateFixes(spec), // an update ratio that small may be the learning rate's doing
  ];
  const these = affected.length === 1 ? 'this layer' : 'these layers';
  const fall =
    `‖∇W‖ falls from ${fmt(out.gradients.weightNorm)} at '${out.name}' ` +
    `to ${fmt(layers[start].gradients.weightNorm)} at '${layers[start].name}' ` +
    `and ${fmt(first)} at '${layers[0].name}' ` +
    `(update ratio ${fmt(layers[0].gradients.updateRatio)}, healthy ≈ 1e-3).`;
  const saturatingType = saturating.length ? spec.layers[saturating[0]].activation.type : undefined;
  const shrink =
    `Mean |f'(z)| of the layers crossed: ${derivs} = ${fmt(product)}; ` +
    "each backward step multiplies by W and f'(z)" +
    (saturatingType ? `, and σ'(z) ≤ ¼ (tanh' ≤ 1) shrinks the signal at every ${saturatingType} layer.` : '.');
  return [
    {
      ...warningHead(spec, 'vanishing_gradient', 'warning', start),
      message: `Gradients vanish before they reach ${layerSpan(spec, affected)}: ${these} will barely learn.`,
      cause: `${fall} ${shrink}`,
      fix: saturating.length
        ? 'Use ReLU-family activations with He initialisation in the hidden layers (or fewer layers).'
        : 'Use a better-scaled initialisation (He for ReLU, Xavier for tanh/sigmoid).',
      fixes,
    },
  ];
}
