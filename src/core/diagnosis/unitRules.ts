/**
 * One-pass rules about units: ReLU units that are dead (z ≤ 0 for every sample, so relu'(z) = 0 and
 * they never learn) and sigmoid/tanh units held at the flat ends of their curve.
 */
import { formatNumber as fmt } from '../../shared/numbers';
import { activationFacts } from '../format/activationFacts';
import { Fix } from '../format/fixEdits';
import { NetworkSpec } from '../format/spec';
import { PassContext, fits } from './passContext';
import { LayerReport, Warning } from './report';
import { Thresholds } from './thresholds';
import { initFix, leakyReluFix, normalizeFix, reluHeFix, warningHead } from './warningParts';

/**
 * Layers whose activation can die (ReLU; leaky ReLU and ELU keep a gradient for z < 0) where at least
 * `deadFraction` of the units output 0 for every sample. In a network that already fits its data
 * (loss ≤ 10% of chance) they are only information: the survivors carry the fit.
 */
export function dead(spec: NetworkSpec, layers: readonly LayerReport[], c: PassContext, t: Thresholds): Warning[] {
  const fitted = fits(c);
  return layers
    .filter((l) => activationFacts(spec.layers[l.index].activation.type).dies)
    .filter((l) => l.deadUnits.length > 0 && l.deadUnits.length >= t.deadFraction * l.units)
    .map((l) => {
      const all = l.deadUnits.length === l.units;
      const z = l.preactivations;
      const units = `${l.deadUnits.slice(0, 12).join(', ')}${l.deadUnits.length > 12 ? ', …' : ''}`;
      // a first-layer unit sees only the data: dead, it can never come back; a deeper one revives when the
      // layers below it change, so there a partly dead layer is information until training shows otherwise
      const severity = fitted ? 'info' : all ? 'error' : l.index === 0 ? 'warning' : 'info';
      return {
        ...warningHead(spec, 'dead_relu', severity, l.index, l.deadUnits),
        ...(severity === 'info' && !fitted ? { revivable: true } : {}),
        message:
          `${l.deadUnits.length} of ${l.units} ReLU units in '${l.name}' are dead: ` +
          'they output 0 for every sample and receive no gradient' +
          (fitted ? `; the network fits its data anyway (loss ${fmt(c.loss)}, chance ${fmt(c.chance)}).` : '.'),
        cause:
          `z ≤ 0 for every sample in units ${units} ` +
          `(pre-activations range ${fmt(z.min)} to ${fmt(z.max)}, mean ${fmt(z.mean)}); ` +
          "relu'(z) = 0 there, so their weights can never change.",
        fix:
          'Use leaky ReLU (a small slope for z < 0 keeps a gradient), He initialisation with zero biases, ' +
          'normalised inputs, or a lower learning rate.',
        fixes: [leakyReluFix(spec, l.index), initFix(spec, [l.index]), normalizeFix()],
      };
    });
}

/**
 * Sigmoid/tanh hidden layers, and a bounded output under a squared-error loss (under BCE or
 * cross-entropy the output's gradient is y − t, so a confident output is no fault), whose mean |f'(z)|
 * is at most `saturatedShare` of its peak, in a network that does not fit yet.
 */
export function saturated(
  spec: NetworkSpec,
  layers: readonly LayerReport[],
  c: PassContext,
  t: Thresholds,
  rawInputs: boolean,
): Warning[] {
  if (fits(c)) return [];
  return layers
    .filter(
      (l) =>
        saturationCounts(spec, l.index) &&
        l.derivatives.meanAbs <=
          t.saturatedShare * activationFacts(spec.layers[l.index].activation.type).peakDerivative,
    )
    .map((l) => saturatedWarning(spec, l, layers.length, t, rawInputs));
}

/**
 * Whether saturation of layer `index` can be a fault: a sigmoid/tanh hidden layer, or a bounded output under a
 * squared-error loss (under BCE or cross-entropy the output's gradient is y − t whatever its confidence).
 */
export function saturationCounts(spec: NetworkSpec, index: number): boolean {
  const facts = activationFacts(spec.layers[index].activation.type);
  if (index < spec.layers.length - 1) return facts.family === 'saturating';
  return (spec.loss === 'mse' || spec.loss === 'half_sse') && !!facts.boundedRange;
}

/** The warning for one saturated layer, with the fixes worth trying. */
function saturatedWarning(
  spec: NetworkSpec,
  l: LayerReport,
  layerCount: number,
  t: Thresholds,
  rawInputs: boolean,
): Warning {
  const layerSpec = spec.layers[l.index];
  const facts = activationFacts(layerSpec.activation.type);
  const share = l.derivatives.meanAbs / facts.peakDerivative;
  const initHelps = layerSpec.weights !== undefined || layerSpec.init.type !== facts.recommendedInit;
  const fixes: Fix[] = [
    ...(rawInputs ? [normalizeFix()] : []),
    ...(initHelps ? [initFix(spec, [l.index])] : []),
    ...(l.index < layerCount - 1 ? [reluHeFix(spec, [l.index])] : []),
  ];
  return {
    ...warningHead(spec, 'saturated_activation', 'warning', l.index, l.saturatedUnits),
    message:
      `The ${l.activation} units in '${l.name}' are saturated: mean |f'(z)| is ${fmt(share * 100)}% of its peak, ` +
      'so their outputs sit at the flat ends of the curve.',
    cause:
      `mean |f'(z)| ${fmt(l.derivatives.meanAbs)} against a peak of ${facts.peakDerivative} (at most ` +
      `${t.saturatedShare * 100}% counts as saturated); pre-activations ${fmt(l.preactivations.min)} to ` +
      `${fmt(l.preactivations.max)}; ${l.saturatedUnits.length} of ${l.units} units are saturated on most samples. ` +
      'The gradient through these units is all but zero.' +
      (rawInputs ? ' The inputs are far from unit scale, so even well-scaled weights give huge z.' : ''),
    fix: rawInputs
      ? 'Normalise the inputs (data.normalize: "standard"), or use ReLU with He initialisation.'
      : 'Scale the weights down (Xavier initialisation), normalise the inputs, or use ReLU with He initialisation.',
    fixes,
  };
}
