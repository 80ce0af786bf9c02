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
import { clipFix, initFix, layerSpan, leakyReluFix, learningRateFix, reluHeFix, warningHead } from './warningParts';
import { Thresholds } from './thresholds';

/** Where NaN/±∞ appeared: per layer, in the activations (forward) and in the gradients (backward). */
export interface NonFiniteMap {
  readonly activations: readonly boolean[];
  readonly gradients: readonly boolean[];
}

/** Every one-pass warning, most severe first. */
export function diagnose(
  spec: NetworkSpec,
  layers: readonly LayerReport[],
  loss: number,
  nonFinite: NonFiniteMap,
  t: Thresholds,
  inputMeanAbs = 1,
): Warning[] {
  const nan = nonFiniteWarning(spec, loss, nonFinite);
  if (nan) return [nan]; // every other figure is meaningless once NaN has spread
  return [
    ...exploding(spec, layers, t),
    ...vanishing(spec, layers, t),
    ...dead(spec, layers, t),
    ...saturated(spec, layers, t, inputMeanAbs),
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
  const origin = where === 'activations' ? ', usually from huge weights or inputs' : '';
  return {
    ...warningHead(spec, 'non_finite', 'error', layer),
    message: `The network produces NaN or infinite values, first in the ${where} of layer '${name}'.`,
    cause:
      `loss = ${fmt(loss)}; the ${where} of '${name}' overflow the range of float64 (|x| > 1.8e308) ` +
      `or become NaN${origin}.`,
    fix: 'Scale the weights down (He or Xavier initialisation), normalise the inputs, and lower the learning rate.',
    fixes: [initFix(spec, [layer])],
  };
}

/**
 * Exploding: one update larger than the weights themselves (update ratio), an absolute mean gradient
 * beyond 1e6, or AutoTrainer's ‖∇W_first‖/‖∇W_last‖ > 70. Starts at the layer closest to the output
 * where the condition holds (backprop meets it there first).
 */
function exploding(spec: NetworkSpec, layers: readonly LayerReport[], t: Thresholds): Warning[] {
  const last = layers[layers.length - 1].gradients.weightNorm;
  const ratio = layers.length > 1 ? layers[0].gradients.weightNorm / last : 1;
  const byUpdate = layers
    .filter((l) => l.gradients.updateRatio > t.explodingUpdateRatio || l.gradients.meanAbs > t.explodingMeanGradient)
    .map((l) => l.index);
  const byRatio =
    ratio > t.explodingRatio
      ? layers.filter((l) => l.gradients.weightNorm / last > t.explodingRatio).map((l) => l.index)
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
  const growth = byRatio.length
    ? ` ‖∇W_first‖/‖∇W_last‖ = ${fmt(ratio)} (above ${t.explodingRatio}: gradients grow on their way back).`
    : '';
  const big = Math.max(...affected.map((l) => layers[l].gradients.updateRatio));
  return [
    {
      ...warningHead(spec, 'exploding_gradient', 'error', start),
      message:
        `Gradients explode in ${layerSpan(spec, affected)}: ` +
        `one SGD step would change the weights by ${fmt(big)}× their size.`,
      cause:
        `${evidence} (healthy update ratio ≈ 1e-3, at most ${t.explodingUpdateRatio}).${growth} ` +
        'Large initial weights multiply the backward signal at every layer.',
      fix: 'Use He (ReLU) or Xavier (tanh/sigmoid) initialisation, clip the gradient norm, or lower the learning rate.',
      fixes: [initFix(spec, affected), clipFix(), learningRateFix(spec, 0.1)],
    },
  ];
}

/**
 * Vanishing: AutoTrainer's rule (‖∇W_first‖/‖∇W_last‖ < 1e-3 and ‖∇W_first‖ < 1e-4) or layers whose
 * update ratio is below 1e-5 while the output layer learns. Starts at the affected layer closest to
 * the output; the cause multiplies the mean |f'(z)| of the layers the signal crossed.
 */
function vanishing(spec: NetworkSpec, layers: readonly LayerReport[], t: Thresholds): Warning[] {
  if (layers.length < 2) return [];
  const out = layers[layers.length - 1];
  const first = layers[0].gradients.weightNorm;
  const autoTrainer = first / out.gradients.weightNorm < t.vanishingRatio && first < t.vanishingNorm;
  const learning = out.gradients.updateRatio >= t.learningUpdateRatio;
  const affected = layers
    .slice(0, -1)
    .filter(
      (l) =>
        (autoTrainer && l.gradients.weightNorm / out.gradients.weightNorm < t.vanishingRatio) ||
        (learning && l.gradients.updateRatio < t.stalledUpdateRatio),
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
  const fixes: Fix[] = saturating.length
    ? [reluHeFix(spec, saturating), initFix(spec, affected)]
    : [initFix(spec, affected)];
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

/** ReLU layers where at least `deadFraction` of the units output 0 for every sample. */
function dead(spec: NetworkSpec, layers: readonly LayerReport[], t: Thresholds): Warning[] {
  return layers
    .filter((l) => l.deadUnits.length > 0 && l.deadUnits.length >= t.deadFraction * l.units)
    .map((l) => {
      const all = l.deadUnits.length === l.units;
      const z = l.preactivations;
      const units = `${l.deadUnits.slice(0, 12).join(', ')}${l.deadUnits.length > 12 ? ', …' : ''}`;
      return {
        ...warningHead(spec, 'dead_relu', all ? 'error' : 'warning', l.index, l.deadUnits),
        message:
          `${l.deadUnits.length} of ${l.units} ReLU units in '${l.name}' are dead: ` +
          'they output 0 for every sample and receive no gradient.',
        cause:
          `z ≤ 0 for every sample in units ${units} ` +
          `(pre-activations range ${fmt(z.min)} to ${fmt(z.max)}, mean ${fmt(z.mean)}); ` +
          "relu'(z) = 0 there, so their weights can never change.",
        fix:
          'Use leaky ReLU (a small slope for z < 0 keeps a gradient), He initialisation with zero biases, ' +
          'or a lower learning rate.',
        fixes: [leakyReluFix(spec, l.index), initFix(spec, [l.index])],
      };
    });
}

/** Mean |x| above which inputs count as unnormalised (standardised features have mean |x| ≈ 0.8). */
const UNNORMALISED_INPUT = 3;

/** Sigmoid/tanh layers where at least `saturatedFraction` of the units are saturated for nearly every sample. */
function saturated(spec: NetworkSpec, layers: readonly LayerReport[], t: Thresholds, inputMeanAbs: number): Warning[] {
  return layers
    .filter((l) => l.saturatedUnits.length > 0 && l.saturatedUnits.length >= t.saturatedFraction * l.units)
    .map((l) => {
      const rawInputs = l.index === 0 && inputMeanAbs > UNNORMALISED_INPUT;
      const layerSpec = spec.layers[l.index];
      const recommended = activationFacts(layerSpec.activation.type).recommendedInit;
      const initHelps = layerSpec.weights !== undefined || layerSpec.init.type !== recommended;
      const fixes: Fix[] = [
        ...(initHelps ? [initFix(spec, [l.index])] : []),
        ...(l.index < layers.length - 1 ? [reluHeFix(spec, [l.index])] : []),
      ];
      return {
        ...warningHead(spec, 'saturated_activation', 'warning', l.index, l.saturatedUnits),
        message:
          `${l.saturatedUnits.length} of ${l.units} ${l.activation} units in '${l.name}' are saturated: ` +
          'their outputs sit at the flat ends of the curve.',
        cause:
          `|f'(z)| is below ${t.saturationDerivative * 100}% of its peak ` +
          `for ≥ ${t.saturationSamples * 100}% of samples (mean |f'(z)| ${fmt(l.derivatives.meanAbs)}, ` +
          `pre-activations ${fmt(l.preactivations.min)} to ${fmt(l.preactivations.max)}); ` +
          'the gradient through these units is all but zero.' +
          (rawInputs
            ? ` The inputs are not normalised (mean |x| = ${fmt(inputMeanAbs)}), ` +
              'so even well-scaled weights give huge z.'
            : ''),
        fix: rawInputs
          ? 'Normalise the inputs (each feature to mean 0 and standard deviation 1), ' +
            'or use ReLU with He initialisation.'
          : 'Scale the weights down (Xavier initialisation), normalise the inputs, ' +
            'or use ReLU with He initialisation.',
        fixes,
      };
    });
}
