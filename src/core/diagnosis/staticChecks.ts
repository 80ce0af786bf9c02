/**
 * Faults visible without running anything (after NeuraLint): initialisations that break symmetry
 * or scale badly for the activation, and outputs that cannot reach the targets.
 */
import { Activation, getActivation } from '../nn/activations';
import { initStd } from '../nn/init';
import { chanceLoss } from './chance';
import { Warning } from './report';
import { Dataset, NetworkSpec } from '../format/spec';
import { formatNumber as fmt } from '../../shared/numbers';
import { activationFacts } from '../format/activationFacts';
import { Fix } from '../format/fixEdits';
import {
  INIT_LABELS,
  byRecommendedInit,
  initFix,
  layerSpan,
  normalizeFix,
  warningHead,
  withClip,
} from './warningParts';

/** An explicit init std more than this many times the recommended one is flagged. */
const INIT_SCALE_FACTOR = 4;

/** Static warnings of a validated spec. */
export function staticWarnings(spec: NetworkSpec, dataset: Dataset): Warning[] {
  const warnings: Warning[] = [];
  const oversized: { index: number; init: 'he' | 'xavier'; actual: number; recommended: number; fanIn: number }[] = [];
  let fanIn = spec.input;
  const symmetric: number[] = [];
  /** Hand-scaled layers off their recommended spread by more than 2× either way: the repair covers them too. */
  const offScale: number[] = [];
  spec.layers.forEach((layer, i) => {
    const isHidden = i < spec.layers.length - 1;
    const init = activationFacts(layer.activation.type).recommendedInit;
    if (isHidden && (identicalRows(layer.weights) || (!layer.weights && layer.init.type === 'zeros')))
      symmetric.push(i);
    else if (!layer.weights && (layer.init.type === 'normal' || layer.init.type === 'uniform')) {
      const recommended = initStd({ type: init }, fanIn, layer.units);
      const actual = initStd(layer.init, fanIn, layer.units);
      if (actual > INIT_SCALE_FACTOR * recommended) oversized.push({ index: i, init, actual, recommended, fanIn });
      if (actual > 2 * recommended || actual < recommended / 2) offScale.push(i);
    }
    fanIn = layer.units;
  });
  if (symmetric.length) warnings.push(symmetricInit(spec, symmetric, zeroOutput(spec)));
  if (oversized.length) warnings.push(oversizedInit(spec, oversized, offScale));
  const mismatch = outputMismatch(spec, dataset);
  if (mismatch) warnings.push(mismatch);
  return warnings;
}

/** One warning for every hidden layer whose units start identical (all-zero or identical rows of weights). */
function symmetricInit(spec: NetworkSpec, layers: readonly number[], zeroOut: number[]): Warning {
  const explicit = layers.filter((l) => spec.layers[l].weights);
  const what =
    explicit.length === layers.length
      ? 'identical rows of weights'
      : explicit.length
        ? 'all-zero or identical weights'
        : 'all weights zero';
  return {
    ...warningHead(spec, 'bad_init', 'warning', layers[0]),
    layers,
    message:
      `${layers.length > 1 ? 'Layers' : 'Layer'} ${layerSpan(spec, layers)} start with ${what}: ` +
      'every unit computes the same thing and they stay identical while training.',
    cause: 'With equal weights, every unit of a layer receives the same gradient (the symmetry is never broken).',
    fix: `Use ${INIT_LABELS[activationFacts(spec.layers[layers[0]].activation.type).recommendedInit]} initialisation.`,
    // an all-zero output above all-zero hidden layers is re-initialised with them: alone it is normal practice
    fixes: [initFix(spec, [...layers, ...zeroOut])],
  };
}

/** The output layer's index when it is zero-initialised (no explicit weights), as a list of zero or one. */
function zeroOutput(spec: NetworkSpec): number[] {
  const last = spec.layers.length - 1;
  return !spec.layers[last].weights && spec.layers[last].init.type === 'zeros' ? [last] : [];
}

/** One warning for every layer initialised far above He/Xavier scale. */
function oversizedInit(
  spec: NetworkSpec,
  layers: { index: number; init: 'he' | 'xavier'; actual: number; recommended: number; fanIn: number }[],
  offScale: readonly number[],
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
  const rescaled = initFix(
    spec,
    [...new Set([...offScale, ...indices])].sort((a, b) => a - b),
  );
  const heFix = he.length ? 'He (ReLU layers)' : '';
  const xavierFix = xavier.length ? 'Xavier (other layers)' : '';
  return {
    ...warningHead(spec, 'bad_init', 'warning', layers[0].index),
    layers: indices,
    message:
      `${one ? 'Layer' : 'Layers'} ${names} ${one ? 'is' : 'are'} initialised up to ${fmt(factor)}× ` +
      `larger than ${recommendedInits} initialisation recommends.`,
    cause: evidence.join('; ') + '. Signals grow by about that factor at every layer, forward and backward.',
    fix: `Use ${heFix}${he.length && xavier.length ? ' and ' : ''}${xavierFix} initialisation.`,
    fixes: [rescaled, withClip(rescaled)],
  };
}

/** An explicit weight this many times its layer's recommended init std is a typo, not training. */
const OUTLIER_WEIGHT_FACTOR = 1000;

/** Layers whose explicit weights hold a NaN/∞ or a weight beyond OUTLIER_WEIGHT_FACTOR × the recommended std. */
export function outlierWeightLayers(spec: NetworkSpec): number[] {
  let fanIn = spec.input;
  return spec.layers.flatMap((layer, i) => {
    const recommended = initStd({ type: activationFacts(layer.activation.type).recommendedInit }, fanIn, layer.units);
    fanIn = layer.units;
    const limit = OUTLIER_WEIGHT_FACTOR * recommended;
    const outlier = (w: number): boolean => !(Math.abs(w) <= limit);
    return layer.weights?.some((row) => row.some(outlier)) ? [i] : [];
  });
}

/**
 * Repairs for values non-finite at the file's own parameters: re-initialise the layers holding typo-sized
 * weights, the layer where it shows, or every layer; or normalise the inputs. Verification keeps what helps.
 */
export function nonFiniteRepairs(spec: NetworkSpec, layer: number): Fix[] {
  const outliers = outlierWeightLayers(spec);
  return [
    ...(outliers.length ? [initFix(spec, outliers)] : []),
    initFix(spec, [layer]),
    initFix(
      spec,
      spec.layers.map((_, l) => l),
    ),
    normalizeFix(),
  ];
}

/** Whether explicit weights give every unit of a layer (of two or more) the same row. */
function identicalRows(weights: readonly (readonly number[])[] | undefined): boolean {
  return !!weights && weights.length > 1 && weights.every((row) => row.every((w, k) => w === weights[0][k]));
}

/** Share of the chance-level loss that unreachable targets must cost before the output is called mismatched. */
const MISMATCH_SHARE = 0.02;

/**
 * An output that cannot reach the targets: a one-unit softmax (always 1) under cross-entropy, or, under a
 * squared error, targets outside the output activation's range costing at least 2% of the chance-level loss.
 */
function outputMismatch(spec: NetworkSpec, dataset: Dataset): Warning | undefined {
  const last = spec.layers.length - 1;
  const out = spec.layers[last];
  const head = warningHead(spec, 'output_mismatch', 'warning', last);
  if (spec.loss === 'cross_entropy' && out.units === 1 && out.activation.type === 'softmax')
    return {
      ...head,
      message: `A softmax over the single unit of '${out.name}' outputs 1 for every sample: the network cannot learn.`,
      cause: 'softmax normalises over the units of a layer; with one unit e^z/e^z = 1 and every gradient is 0.',
      fix: 'For two classes use one sigmoid unit with binary cross-entropy, or two softmax units.',
      fixes: [
        {
          title: `Use a sigmoid output with binary cross-entropy`,
          actions: [
            { kind: 'set_activation', layers: [last], activation: 'sigmoid' },
            { kind: 'set_loss', loss: 'binary_cross_entropy' },
          ],
        },
      ],
    };
  if (spec.loss !== 'mse' && spec.loss !== 'half_sse') return undefined;
  const [lo, hi] = outputRange(getActivation(out.activation));
  let floor = 0;
  let outside = 0;
  for (const t of dataset.targets) {
    const gap = t - Math.min(Math.max(t, lo), hi);
    floor += gap * gap;
    if (gap !== 0) outside++;
  }
  floor = spec.loss === 'mse' ? floor / dataset.targets.length : floor / 2 / dataset.samples;
  const chance = chanceLoss(spec.loss, dataset);
  if (!(floor > 0) || floor < MISMATCH_SHARE * chance) return undefined;
  return {
    ...head,
    message:
      `The ${out.activation.type} output layer '${out.name}' can only produce values in [${fmt(lo)}, ${fmt(hi)}], ` +
      `but ${outside} target value${outside === 1 ? '' : 's'} lie outside it.`,
    cause:
      `The loss can never fall below ${fmt(floor)} (the chance level is ${fmt(chance)}); pushing outputs toward ` +
      'unreachable targets saturates or kills the output units.',
    fix: 'Use a linear output for regression, or rescale the targets into the output range.',
    fixes: [
      {
        title: `Use a linear output in '${out.name}'`,
        actions: [{ kind: 'set_activation', layers: [last], activation: 'linear' }],
      },
    ],
  };
}

/** [min, max] of f over the reals, from f at ±1e12 and a scan of [−10, 10] (gelu and silu dip below 0). */
function outputRange(f: Activation): [number, number] {
  if (f.id === 'softmax') return [0, 1];
  let lo = Math.min(f.output(-1e12), f.output(1e12));
  let hi = Math.max(f.output(-1e12), f.output(1e12));
  for (let z = -10; z <= 10; z += 0.01) {
    lo = Math.min(lo, f.output(z));
    hi = Math.max(hi, f.output(z));
  }
  return [lo < -1e9 ? -Infinity : lo, hi > 1e9 ? Infinity : hi];
}
