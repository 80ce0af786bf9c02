/**
 * Gradient check: every analytic ∂E/∂w against the central difference (E(w+h) − E(w−h)) / 2h in
 * float64, as CS231n recommends; relative error |a − n| / max(|a|, |n|, floor). The floor,
 * 1e-6·max(1, |E|), sits far above the difference quotient's round-off
 * (≈ 2.2e-16·|E|/h ≈ 2e-12·|E| at h = 1e-4, TheDeepChecker's step), so gradients that are tiny
 * next to the loss compare absolutely. Entries whose ±h perturbation moves some ReLU-family
 * pre-activation across its kink at 0 are skipped (the function is not differentiable there, so
 * the difference quotient is meaningless).
 */
import { activationFacts } from './format/activationFacts';
import { DenseLayer } from './nn/dense';
import { LoadedNetwork } from './load';
import { createRng } from './nn/rng';
import { seededSubsample } from './nn/subsample';

/** Per layer and overall: the largest relative error |a − n| / max(|a|, |n|, floor) and where it is. */
export interface GradientCheckResult {
  readonly passed: boolean;
  /** Samples the loss was summed over, and how many the data set has (a seeded subsample when fewer). */
  readonly samples: number;
  readonly samplesInData: number;
  /** At most this many entries were compared per layer (all of a smaller layer's, a seeded choice otherwise). */
  readonly entriesPerLayer: number;
  readonly tolerance: number;
  readonly epsilon: number;
  readonly maxRelativeError: number;
  readonly layers: readonly {
    readonly layer: string;
    readonly index: number;
    readonly maxRelativeError: number;
    readonly checked: number;
    /** Entries skipped because ±h crossed a kink. */
    readonly skipped: number;
    /** Where the largest error is: parameter kind and flat index. */
    readonly worst?: {
      readonly param: 'weight' | 'bias';
      readonly index: number;
      readonly analytic: number;
      readonly numeric: number;
    };
  }[];
}

/** The central difference step, the tolerance and the sampling budget. */
export interface GradientCheckOptions {
  /** Step h of the central difference (default 1e-4). */
  readonly epsilon?: number;
  /**
   * Largest relative error that passes (default 1e-4: CS231n's "usually okay"; a wrong gradient is
   * typically off by > 1e-2).
   */
  readonly tolerance?: number;
  /** At most this many entries per layer; larger layers are sampled with a fixed seed (default 200). */
  readonly maxPerLayer?: number;
  /** At most this many samples; a larger data set is subsampled with a fixed seed (default 256). */
  readonly maxSamples?: number;
  /**
   * At most about this many multiply-adds in all the forward passes of the difference quotients (default
   * DEFAULT_CHECK_WORK): a larger network is checked on fewer samples (down to 16), then on fewer entries per
   * layer (down to 10), and the result says how many.
   */
  readonly maxWork?: number;
}

/** The gradient check's default work budget: 2·10⁹ multiply-adds, a few seconds. */
export const DEFAULT_CHECK_WORK = 2e9;
/** The fewest samples and entries per layer the work budget shrinks a check to. */
const MIN_SAMPLES = 16;
const MIN_PER_LAYER = 10;

/** Progress of a running check: entries compared so far, of how many. */
export interface GradientCheckProgress {
  readonly done: number;
  readonly total: number;
}

/** Relative size of the error floor against the loss (see the file comment). */
const FLOOR = 1e-6;

/** What every entry's check needs: the network, its data, h, the error floor and the kink signature. */
interface CheckContext {
  readonly loaded: LoadedNetwork;
  readonly epsilon: number;
  /** Relative errors compare against at least this magnitude. */
  readonly floor: number;
  /** Which kinked pre-activations are > 0 right now. */
  readonly kinkPattern: () => string;
}

type LayerResult = GradientCheckResult['layers'][number];

/** Checks the analytic gradients of the network on its whole data set. */
export function gradientCheck(loaded: LoadedNetwork, options: GradientCheckOptions = {}): GradientCheckResult {
  const steps = gradientCheckSteps(loaded, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * The same check as a generator that yields its progress after every layer entry compared, so a
 * worker can report it and stop between entries; its return value is the result.
 */
export function* gradientCheckSteps(
  loaded: LoadedNetwork,
  options: GradientCheckOptions = {},
): Generator<GradientCheckProgress, GradientCheckResult> {
  const epsilon = options.epsilon ?? 1e-4;
  const tolerance = options.tolerance ?? 1e-4;
  const { samples: maxSamples, perLayer: maxPerLayer } = checkBudget(loaded, options);
  const dataset = seededSubsample(loaded.dataset, maxSamples);
  const { network } = loaded;
  const { inputs: x, targets: t, samples: n } = dataset;
  const loss = network.lossAndGradients(x, t, n);
  const context: CheckContext = {
    loaded: { ...loaded, dataset },
    epsilon,
    floor: FLOOR * Math.max(1, Math.abs(loss)),
    kinkPattern: () =>
      network.layers.map((l) => (activationFacts(l.activation.id).kink ? signature(l, n) : '')).join('|'),
  };
  const rng = createRng(12345);
  const picks = network.layers.map((layer) => {
    const total = layer.weights.length + layer.bias.length;
    return total <= maxPerLayer
      ? Array.from({ length: total }, (_, i) => i)
      : Array.from({ length: maxPerLayer }, () => rng.int(total));
  });
  const total = picks.reduce((a, p) => a + p.length, 0);
  const layers: LayerResult[] = [];
  for (let li = 0; li < network.layers.length; li++) {
    const done = layers.reduce((a, l) => a + l.checked + l.skipped, 0);
    layers.push(yield* checkLayer(context, network.layers[li], li, picks[li], done, total));
  }
  network.lossAndGradients(x, t, n); // leave the caches as the analytic pass left them
  const maxRelativeError = layers.reduce(
    (m, l) => (l.maxRelativeError > m || Number.isNaN(l.maxRelativeError) ? l.maxRelativeError : m),
    0,
  );
  const passed = maxRelativeError <= tolerance;
  const samplesInData = loaded.dataset.samples;
  return {
    passed,
    samples: n,
    samplesInData,
    entriesPerLayer: maxPerLayer,
    tolerance,
    epsilon,
    maxRelativeError,
    layers,
  };
}

/**
 * Samples and entries per layer within the options' limits and work budget: each compared entry costs two
 * forward passes, 2·n·(multiply-adds per sample ≈ the parameter count); samples shrink first, then entries.
 */
export function checkBudget(
  loaded: LoadedNetwork,
  options: GradientCheckOptions = {},
): { samples: number; perLayer: number } {
  const maxWork = options.maxWork ?? DEFAULT_CHECK_WORK;
  const perSample = 2 * loaded.network.parameterCount();
  const entries = (k: number): number => loaded.network.layers.reduce((a, l) => a + Math.min(l.parameterCount, k), 0);
  const fits = (k: number, n: number): boolean => entries(k) * n * perSample <= maxWork;
  let perLayer = options.maxPerLayer ?? 200;
  let samples = Math.min(options.maxSamples ?? 256, loaded.dataset.samples);
  if (!fits(perLayer, samples))
    samples = Math.min(samples, Math.max(MIN_SAMPLES, Math.floor(maxWork / (entries(perLayer) * perSample))));
  while (perLayer > MIN_PER_LAYER && !fits(perLayer, samples))
    perLayer = Math.max(MIN_PER_LAYER, Math.floor(perLayer * 0.8));
  return { samples, perLayer };
}

function* checkLayer(
  context: CheckContext,
  layer: DenseLayer,
  index: number,
  picks: readonly number[],
  doneBefore: number,
  total: number,
): Generator<GradientCheckProgress, LayerResult> {
  const analytic = { weight: Float64Array.from(layer.gradWeights), bias: Float64Array.from(layer.gradBias) };
  let maxErr = 0;
  let checked = 0;
  let skipped = 0;
  let worst: LayerResult['worst'];
  for (const flat of picks) {
    const param = flat < layer.weights.length ? 'weight' : 'bias';
    const i = param === 'weight' ? flat : flat - layer.weights.length;
    const numeric = centralDifference(context, param === 'weight' ? layer.weights : layer.bias, i);
    yield { done: doneBefore + checked + skipped + 1, total };
    if (numeric === undefined) {
      skipped++;
      continue;
    }
    const a = analytic[param][i];
    const err = a === numeric ? 0 : Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), context.floor);
    checked++;
    if (!Number.isNaN(maxErr) && (Number.isNaN(err) || err > maxErr)) {
      maxErr = err;
      worst = { param, index: i, analytic: a, numeric };
    }
  }
  return { layer: layer.name, index, maxRelativeError: maxErr, checked, skipped, ...(worst ? { worst } : {}) };
}

/** (E(w+h) − E(w−h)) / 2h for entry i of `array`, restored afterwards; undefined when ±h crosses a kink. */
function centralDifference(context: CheckContext, array: Float64Array, i: number): number | undefined {
  const { network, dataset } = context.loaded;
  const { inputs: x, targets: t, samples: n } = dataset;
  const w = array[i];
  array[i] = w + context.epsilon;
  const up = network.lossValue(x, t, n);
  const upPattern = context.kinkPattern();
  array[i] = w - context.epsilon;
  const down = network.lossValue(x, t, n);
  const downPattern = context.kinkPattern();
  array[i] = w;
  return upPattern === downPattern ? (up - down) / (2 * context.epsilon) : undefined;
}

/** Which pre-activations are > 0: changes exactly when some z crosses the kink. */
function signature(layer: DenseLayer, n: number): string {
  const cells = n * layer.units;
  let s = '';
  let word = 0;
  for (let i = 0; i < cells; i++) {
    word = (word << 1) | (layer.pre[i] > 0 ? 1 : 0);
    if (i % 30 === 29 || i === cells - 1) {
      s += word.toString(36) + ',';
      word = 0;
    }
  }
  return s;
}
