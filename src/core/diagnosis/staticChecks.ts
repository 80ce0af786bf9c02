/**
 * Faults visible without running anything (after NeuraLint): initialisations that break symmetry
 * or scale badly for the activation, and outputs that cannot reach the targets.
 */
import { initStd } from '../nn/init';
import { Warning } from './report';
import { Dataset, NetworkSpec } from '../format/spec';
import { formatNumber as fmt } from '../../shared/numbers';
import { activationFacts } from '../format/activationFacts';
import { INIT_LABELS, byRecommendedInit, initFix, warningHead } from './warningParts';

/** An explicit init std more than this many times the recommended one is flagged. */
const INIT_SCALE_FACTOR = 4;

/** Static warnings of a validated spec. */
export function staticWarnings(spec: NetworkSpec, dataset: Dataset): Warning[] {
  const warnings: Warning[] = [];
  const oversized: { index: number; init: 'he' | 'xavier'; actual: number; recommended: number; fanIn: number }[] = [];
  let fanIn = spec.input;
  spec.layers.forEach((layer, i) => {
    const isHidden = i < spec.layers.length - 1;
    const init = activationFacts(layer.activation.type).recommendedInit;
    if (!layer.weights && layer.init.type === 'zeros' && isHidden) {
      warnings.push({
        ...warningHead(spec, 'bad_init', 'warning', i),
        message:
          `Layer '${layer.name}' starts with all weights zero: ` +
          'every unit computes the same thing and they stay identical while training.',
        cause: 'With equal weights, every unit of the layer receives the same gradient (the symmetry is never broken).',
        fix: `Use ${INIT_LABELS[init]} initialisation.`,
        fixes: [initFix(spec, [i])],
      });
    } else if (!layer.weights && (layer.init.type === 'normal' || layer.init.type === 'uniform')) {
      const recommended = initStd({ type: init }, fanIn, layer.units);
      const actual = initStd(layer.init, fanIn, layer.units);
      if (actual > INIT_SCALE_FACTOR * recommended) oversized.push({ index: i, init, actual, recommended, fanIn });
    }
    fanIn = layer.units;
  });
  if (oversized.length) warnings.push(oversizedInit(spec, oversized));
  const out = spec.layers[spec.layers.length - 1];
  const range = activationFacts(out.activation.type).boundedRange;
  if (range && (spec.loss === 'mse' || spec.loss === 'half_sse')) {
    let outside = 0;
    for (const t of dataset.targets) if (t < range[0] || t > range[1]) outside++;
    if (outside > 0) {
      warnings.push({
        ...warningHead(spec, 'output_mismatch', 'warning', spec.layers.length - 1),
        message:
          `The ${out.activation.type} output layer '${out.name}' can only produce values ` +
          `in [${range[0]}, ${range[1]}], but ${outside} target value${outside === 1 ? '' : 's'} lie outside it.`,
        cause:
          'The loss can never reach zero, and pushing outputs toward unreachable targets saturates the output units.',
        fix: 'Use a linear output for regression, or rescale the targets into the output range.',
        fixes: [
          {
            title: `Use a linear output in '${out.name}'`,
            actions: [{ kind: 'set_activation', layers: [spec.layers.length - 1], activation: 'linear' }],
          },
        ],
      });
    }
  }
  return warnings;
}

/** One warning for every layer initialised far above He/Xavier scale. */
function oversizedInit(
  spec: NetworkSpec,
  layers: { index: number; init: 'he' | 'xavier'; actual: number; recommended: number; fanIn: number }[],
): Warning {
  const names = layers.map((l) => `'${spec.layers[l.index].name}'`).join(', ');
  const factor = Math.max(...layers.map((l) => l.actual / l.recommended));
  const indices = layers.map((l) => l.index);
  const { he, xavier } = byRecommendedInit(spec, indices);
  const one = layers.length === 1;
  const recommendedInits = `${he.length ? 'He' : 'Xavier'}${he.length && xavier.length ? '/Xavier' : ''}`;
  const evidence = layers.map(
    (l) =>
      `'${spec.layers[l.index].name}': weight std ${fmt(l.actual)} for fan-in ${l.fanIn}, ` +
      `${INIT_LABELS[l.init]} gives ${fmt(l.recommended)}`,
  );
  const heFix = he.length ? 'He (ReLU layers)' : '';
  const xavierFix = xavier.length ? 'Xavier (other layers)' : '';
  return {
    ...warningHead(spec, 'bad_init', 'warning', layers[0].index),
    message:
      `${one ? 'Layer' : 'Layers'} ${names} ${one ? 'is' : 'are'} initialised up to ${fmt(factor)}× ` +
      `larger than ${recommendedInits} initialisation recommends.`,
    cause: evidence.join('; ') + '. Signals grow by about that factor at every layer, forward and backward.',
    fix: `Use ${heFix}${he.length && xavier.length ? ' and ' : ''}${xavierFix} initialisation.`,
    fixes: [initFix(spec, indices, `Use recommended init in ${names}`)],
  };
}
