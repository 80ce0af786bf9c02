/**
 * One-pass rules for causes, named before the symptoms they produce: input features far from unit
 * scale, and a learning rate whose first step rewrites more than the weights.
 */
import { formatNumber as fmt } from '../../shared/numbers';
import { NetworkSpec } from '../format/spec';
import { peak, settles, tenthHelps, unstable } from './lookAhead';
import { PassContext, fits } from './passContext';
import { LayerReport, Warning } from './report';
import { Thresholds } from './thresholds';
import { clipFix, layerSpan, learningRateFix, normalizeFix, warningHead } from './warningParts';

/**
 * Features whose scale max(|mean|, std) is at least `dataScaleHigh` (inputs in the hundreds), or a data
 * set whose every feature is at most `dataScaleLow`: the weights' initialisation assumes unit-scale inputs,
 * so the first layer's z are too large (saturated, exploding, dead units) or too small. The cure is one edit,
 * data.normalize.
 */
export function dataScale(spec: NetworkSpec, layers: readonly LayerReport[], c: PassContext, t: Thresholds): Warning[] {
  const scales = c.featureScales;
  if (!scales.length || spec.data.normalize) return [];
  const hi = Math.max(...scales);
  const lo = Math.min(...scales);
  const large = hi >= t.dataScaleHigh;
  if (!large && !(hi <= t.dataScaleLow)) return [];
  const worst = scales
    .map((s, j) => ({ s, j }))
    .filter(({ s }) => (large ? s >= t.dataScaleHigh : true))
    .sort((a, b) => b.s - a.s)
    .slice(0, 5)
    .map(({ s, j }) => `feature ${j + 1}: ${fmt(s)}`)
    .join(', ');
  const z = layers[0].preactivations;
  return [
    {
      ...warningHead(spec, 'data_scale', 'warning', -1),
      message: large
        ? `Input features are far from unit scale (up to ${fmt(hi)}): the first layer's pre-activations are huge.`
        : `Every input feature is tiny (at most ${fmt(hi)}): the first layer barely sees the inputs.`,
      cause:
        `max(|mean|, std) per feature ${worst}${scales.length > 5 ? ', …' : ''} (from ${fmt(lo)} to ${fmt(hi)}; ` +
        `standardised features have 1). Initialisers assume unit-scale inputs, so z in '${layers[0].name}' spans ` +
        `${fmt(z.min)} to ${fmt(z.max)}: ` +
        (large ? 'sigmoid/tanh units saturate, ReLU units die or explode.' : 'the signal starts out vanishing.') +
        (fits(c) ? ' The network fits its data anyway.' : ''),
      fix: 'Normalise the inputs: data.normalize "standard" scales each feature to mean 0 and standard deviation 1.',
      fixes: [normalizeFix(), normalizeFix('minmax')],
    },
  ];
}

/**
 * The learning rate is too high, in a network that does not fit yet, when the optimizer's real first step (Adam's
 * included: it moves every weight by about lr) is larger than the weights and a look-ahead of real steps does not
 * clear it (the loss rises, or a tenth of the rate does clearly better); or when the first step is only above the
 * healthy band (`lookAheadUpdateRatio`) and the look-ahead shows both.
 */
export function learningRateTooHigh(
  spec: NetworkSpec,
  layers: readonly LayerReport[],
  c: PassContext,
  t: Thresholds,
): Warning[] {
  if (fits(c)) return [];
  const big = layers.reduce((m, l) => Math.max(m, l.gradients.updateRatio), 0);
  if (!(big > t.lookAheadUpdateRatio)) return [];
  const ahead = c.lookAhead();
  const rises = unstable(ahead);
  const helps = tenthHelps(ahead);
  const large = big > t.explodingUpdateRatio;
  if (large ? settles(c.lookAhead, c.chance, spec.training) : !(rises && helps)) return [];
  const limit = large ? t.explodingUpdateRatio : t.lookAheadUpdateRatio;
  const affected = layers.filter((l) => l.gradients.updateRatio > limit).map((l) => l.index);
  const { optimizer, learningRate } = spec.training;
  // a tenth of the rate, and a step back to about a tenth of the weights when the first step is larger
  const lowerBy = Math.min(0.1, Number((0.1 / big).toPrecision(1)));
  const factors = lowerBy < 0.1 ? [lowerBy, 0.1] : [0.1, 0.01];
  const end = ahead.steps;
  const top = peak(ahead.atRate);
  return [
    {
      ...warningHead(spec, 'learning_rate_too_high', 'warning', affected[affected.length - 1]),
      layers: affected,
      message:
        `The learning rate ${learningRate} is too high: ` +
        (rises
          ? `in ${end} ${optimizer} steps the loss rises from ${fmt(ahead.atRate[0])} to ${fmt(top)}`
          : `the first ${optimizer} step would change the weights of ${layerSpan(spec, affected)} by up to ${fmt(big)}× their size`) +
        '.',
      cause:
        `‖ΔW‖/‖W‖ of the first step: ${affected.map((l) => `'${layers[l].name}' ${fmt(layers[l].gradients.updateRatio)}`).join(', ')} ` +
        `(healthy ≈ 1e-3, at most ${limit})` +
        (optimizer === 'adam' ? '; Adam moves every weight by about lr at its first step, whatever the gradient' : '') +
        `. ${end} real steps on ${ahead.samples} samples: the loss goes ${fmt(ahead.atRate[0])} → ${fmt(ahead.atRate[end])}` +
        (top > ahead.atRate[end] ? ` (up to ${fmt(top)})` : '') +
        ` at lr ${learningRate}, and ${fmt(ahead.atTenth[0])} → ${fmt(ahead.atTenth[end])} at lr ${fmt(learningRate / 10)}.`,
      fix: `Lower the learning rate (now ${learningRate}), or clip the gradient norm.`,
      fixes: [...factors.map((f) => learningRateFix(spec, f)), clipFix()],
    },
  ];
}
