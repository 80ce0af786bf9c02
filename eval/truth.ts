/**
 * Ground truth per warning kind, from measured behaviour: each kind is 'yes' (must fire), 'no' (must not)
 * or 'grey' (between the two thresholds: either is accepted), with the numbers that decided it.
 */
import { activationFacts, defaultInit } from '../src/core/format/activationFacts';
import { Dataset, NetworkSpec } from '../src/core/format/spec';
import { initStd } from '../src/core/nn/init';
import { CaseMode, EvalKind } from './kinds';
import { RunFacts, StateFacts } from './measure';

/** A kind's verdict on one case and the measured reason. */
export interface Verdict {
  readonly v: 'yes' | 'no' | 'grey';
  readonly why: string;
}

/** Everything measured about one case. */
export interface Measured {
  readonly spec: NetworkSpec;
  readonly data: Dataset;
  readonly mode: CaseMode;
  /** Chance-level loss (best constant predictor). */
  readonly chance: number;
  /** Full-batch figures at the file's parameters. */
  readonly init: StateFacts;
  /** The file's own training run (its steps, seed, optimizer). */
  readonly run: RunFacts;
  /** The same run at a tenth of the learning rate. */
  readonly lowLr: RunFacts;
  /** The same run on standardised inputs (only measured when a feature is off unit scale). */
  readonly standardised?: RunFacts;
  /** Per-feature max(|mean|, std). */
  readonly scales: number[];
}

const f = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : String(x));
const end = (m: Measured): number => (m.run.nonFiniteStep !== undefined ? Infinity : m.run.checkpoints[3]);
const steps = (m: Measured): number => m.spec.training.steps;
const v = (verdict: Verdict['v'], why: string): Verdict => ({ v: verdict, why });
/** Over-time kinds cannot be observed by `analyze`: a 'yes' there is accepted either way. */
const observable = (m: Measured, x: Verdict): Verdict =>
  m.mode === 'analyze' && x.v === 'yes' ? v('grey', `${x.why} (over time only)`) : x;

/** non_finite: a NaN or ∞ in the loss, gradients or weights (at the file's state for analyze). */
export function nonFinite(m: Measured): Verdict {
  if (!m.init.finite) return v('yes', "non-finite loss or gradient at the file's parameters");
  if (m.run.nonFiniteStep !== undefined) {
    const why = `non-finite loss/gradient/weights at training step ${m.run.nonFiniteStep}`;
    return m.mode === 'train' ? v('yes', why) : v('grey', `${why} (training only)`);
  }
  return v('no', `all finite over ${steps(m)} steps (max loss ${f(Math.max(...m.run.losses))})`);
}

/** loss_diverging: at some step the loss exceeds 10× its minimum so far and the chance level. */
export function lossDiverging(m: Measured): Verdict {
  const L = m.run.losses;
  let minSoFar = Infinity,
    jump = 0,
    rise = 1,
    at = -1;
  const floor = 0.5 * Math.min(L[0], m.chance);
  for (let k = 0; k < L.length; k++) {
    if (!Number.isFinite(L[k])) break;
    if (k > 0 && L[k] > m.chance && L[k] / minSoFar > jump) [jump, at] = [L[k] / minSoFar, k];
    if (k > 0 && L[k] > floor) rise = Math.max(rise, L[k] / minSoFar);
    minSoFar = Math.min(minSoFar, L[k]);
  }
  if (jump > 10)
    return observable(
      m,
      v('yes', `loss at step ${at} is ${f(jump)}× its minimum so far and above chance ${f(m.chance)}`),
    );
  if (m.run.nonFiniteStep !== undefined) return v('grey', 'loss turns non-finite without a measured 10× rise');
  if (rise < 3) return v('no', `loss never rises above 3× its minimum so far (largest rise ${f(rise)}×)`);
  return v('grey', `largest rise ${f(rise)}× its minimum so far`);
}

/** not_learning: the full-data loss stays within 10% of chance at ¼, ½, ¾ and all of the steps. */
export function notLearning(m: Measured): Verdict {
  const c = m.chance;
  const cps = m.run.checkpoints.map(f).join(', ');
  if (m.run.checkpoints.every((x) => x >= 0.9 * c && x <= 1.1 * c))
    return observable(m, v('yes', `full-data loss at ¼,½,¾,end of ${steps(m)} steps: ${cps}, chance ${f(c)}`));
  if (end(m) <= 0.5 * c) return v('no', `loss falls to ${f(end(m))} ≤ ½ chance ${f(c)} in ${steps(m)} steps`);
  return v('grey', `loss at ¼,½,¾,end: ${cps}, chance ${f(c)}`);
}

/** Whether the loss ends at most half the chance level (it learned). */
const learned = (m: Measured): boolean => end(m) <= 0.5 * m.chance;

/** vanishing_gradient: ≥ 3 layers, ‖∇W₁‖/‖∇W_L‖ < 1e-2, the first layer barely moves and the net does not learn. */
export function vanishing(m: Measured, symmetric: boolean): Verdict {
  const g = m.init.gradNorms;
  const ratio = g[0] / g[g.length - 1];
  const why = `‖∇W₁‖/‖∇W_L‖ = ${f(ratio)}, first layer moves ${f(m.run.firstLayerMove)} relative, end loss ${f(end(m))} (chance ${f(m.chance)})`;
  if (learned(m) || ratio > 0.1) return v('no', why);
  const deadAbove = m.init.dead.some((d) => d >= 0.9);
  if (symmetric || deadAbove) return v('grey', `${why}; caused by ${symmetric ? 'symmetric init' : 'a dead layer'}`);
  if (g.length >= 3 && ratio < 1e-2 && m.run.firstLayerMove < 1e-2) return v('yes', why);
  return v('grey', why);
}

/** exploding_gradient: the gradient grows ≥ 1000× in training, or an SGD step is larger than the weights and nothing is learned. */
export function exploding(m: Measured): Verdict {
  const G = m.run.gradTotals;
  const base = Math.max(...G.slice(0, 5).filter(Number.isFinite), 1e-300);
  const grow = G.some((x) => !Number.isFinite(x)) ? Infinity : Math.max(...G) / base;
  const ratios = m.run.firstUpdateRatios.filter(Number.isFinite);
  const upd = m.spec.training.optimizer === 'adam' ? 0 : Math.max(0, ...ratios);
  const why = `gradient norm grows ${f(grow)}× over training; first SGD step ‖ΔW‖/‖W‖ up to ${f(upd)}; end loss ${f(end(m))}`;
  // NaN/∞ at the file's own parameters: there is no growth to measure (non_finite names it)
  if (!m.init.finite) return v('grey', `${why}; non-finite at the file's parameters`);
  if (grow >= 1e3 || (upd >= 1 && !learned(m))) return v('yes', why);
  if (grow < 10 && upd < 0.5 && m.run.nonFiniteStep === undefined) return v('no', why);
  return v('grey', why);
}

/** dead_relu: ≥ 50% of a ReLU layer's units have z ≤ 0 on every sample and the network does not fit. */
export function deadRelu(m: Measured): Verdict {
  const relu = m.spec.layers.map((l, i) => (activationFacts(l.activation.type).dies ? i : -1)).filter((i) => i >= 0);
  if (!relu.length) return v('no', 'no layer whose activation can die');
  const d0 = relu.map((i) => m.init.dead[i]);
  const d1 = relu.map((i) => m.run.end.dead[i]);
  const why = `dead fraction per ReLU layer at start ${d0.map(f).join('/')}, after ${steps(m)} steps ${d1.map(f).join('/')}; loss ${f(m.init.loss)} → ${f(end(m))}, chance ${f(m.chance)}`;
  if (Math.max(...d0, ...d1) < 0.15) return v('no', why);
  if (m.init.loss <= 0.1 * m.chance || (m.mode === 'train' && end(m) <= 0.1 * m.chance))
    return v('no', `${why}: the network fits`);
  const stuck = relu.some((_, k) => d1[k] >= 0.5 && (m.mode === 'train' || d0[k] >= 0.5));
  if (stuck && end(m) > 0.2 * m.chance) return v('yes', why);
  return v('grey', why);
}

/** saturated_activation: a counted layer's mean |f'(z)| is ≤ 5% of its peak and the loss stays above 30% of chance. */
export function saturated(m: Measured): Verdict {
  const s0s = m.init.derivativeShare.filter((x) => !Number.isNaN(x));
  if (!s0s.length) return v('no', 'no hidden sigmoid/tanh layer, nor a bounded output under MSE');
  const s0 = Math.min(...s0s);
  const s1s = m.run.end.derivativeShare.filter((x) => Number.isFinite(x));
  const s1 = m.mode === 'train' && s1s.length ? Math.min(...s1s) : s0;
  const why = `lowest mean |f'(z)|/peak ${f(s0)} at start, ${f(s1)} at end; end loss ${f(end(m))}, chance ${f(m.chance)}`;
  const fits = m.init.loss <= 0.1 * m.chance || (m.mode === 'train' && end(m) <= 0.1 * m.chance);
  if (fits) return v('no', `${why}: the network fits`);
  if ((s0 <= 0.05 || s1 <= 0.05) && end(m) > 0.3 * m.chance) return v('yes', why);
  if (s0 >= 0.25 && s1 >= 0.25) return v('no', why);
  return v('grey', why);
}

/** Structural init facts: hidden layers with identical units, and init std relative to the recommended one. */
export function initShape(spec: NetworkSpec): { symmetric: number[]; ratios: number[] } {
  let fanIn = spec.input;
  const symmetric: number[] = [];
  const ratios: number[] = [];
  spec.layers.forEach((l, i) => {
    const hidden = i < spec.layers.length - 1;
    if (l.weights) {
      if (hidden && l.units > 1 && l.weights.every((r) => r.every((w, k) => w === l.weights![0][k]))) symmetric.push(i);
      ratios.push(1);
    } else if (l.init.type === 'zeros') {
      if (hidden) symmetric.push(i);
      ratios.push(1);
    } else ratios.push(initStd(l.init, fanIn, l.units) / initStd(defaultInit(l.activation.type), fanIn, l.units));
    fanIn = l.units;
  });
  return { symmetric, ratios };
}

/** bad_init: a hidden layer starts with identical units, or an init std ≥ 10× the recommended one. */
export function badInit(m: Measured): Verdict {
  const { symmetric, ratios } = initShape(m.spec);
  const names = (ix: number[]): string => ix.map((i) => m.spec.layers[i].name).join(', ');
  if (symmetric.length) {
    const spread = symmetric.map((i) => f(m.run.unitSpread[i])).join('/');
    return v(
      'yes',
      `hidden layer(s) ${names(symmetric)} start with identical units; largest difference between units after ${steps(m)} steps: ${spread}`,
    );
  }
  const big = ratios.map((r, i) => (r >= 10 ? i : -1)).filter((i) => i >= 0);
  const why = `init std / recommended per layer: ${ratios.map(f).join(', ')}`;
  if (big.length) return v('yes', `${why}; start loss ${f(m.init.loss)} vs chance ${f(m.chance)}`);
  if (ratios.every((r) => r >= 0.3 && r <= 3)) return v('no', why);
  return v('grey', why);
}

/** The values an output activation can produce. */
function outputRange(spec: NetworkSpec): [number, number] {
  const out = spec.layers[spec.layers.length - 1];
  const alpha = out.activation.alpha ?? 0;
  const ranges: Record<string, [number, number]> = {
    sigmoid: [0, 1],
    tanh: [-1, 1],
    softmax: out.units === 1 ? [1, 1] : [0, 1],
    relu: [0, Infinity],
    softplus: [0, Infinity],
    elu: [-alpha, Infinity],
    gelu: [-0.17, Infinity],
    silu: [-0.2785, Infinity],
  };
  return ranges[out.activation.type] ?? [-Infinity, Infinity];
}

/** output_mismatch: the output's range cannot reach the targets (the unreachable part is ≥ 5% of chance loss). */
export function outputMismatch(m: Measured): Verdict {
  const [lo, hi] = outputRange(m.spec);
  const out = m.spec.layers[m.spec.layers.length - 1];
  if (m.spec.loss === 'cross_entropy' && out.units === 1)
    return v('yes', 'one-unit softmax outputs 1 for every sample');
  if (m.spec.loss === 'cross_entropy' || m.spec.loss === 'binary_cross_entropy')
    return v('no', `${out.activation.type} output matches ${m.spec.loss}`);
  let floor = 0;
  for (const t of m.data.targets) floor += (t - Math.min(Math.max(t, lo), hi)) ** 2;
  floor = m.spec.loss === 'mse' ? floor / m.data.targets.length : floor / 2 / m.data.samples;
  const why = `output range [${lo}, ${hi}]; loss floor from unreachable targets ${f(floor)}, chance ${f(m.chance)}`;
  if (floor >= 0.05 * m.chance) return v('yes', why);
  return floor === 0 ? v('no', why) : v('grey', why);
}

/** data_scale: a feature's scale is ≥ 20 (or all ≤ 0.02) and standardising the inputs halves the loss reached. */
export function dataScale(m: Measured): Verdict {
  const hi = Math.max(...m.scales),
    lo = Math.min(...m.scales);
  const why = `feature scale max(|mean|, std) from ${f(lo)} to ${f(hi)}`;
  if (hi <= 5 && lo >= 0.05) return v('no', why);
  const raw = end(m);
  const std = m.standardised
    ? m.standardised.nonFiniteStep !== undefined
      ? Infinity
      : m.standardised.checkpoints[3]
    : NaN;
  const consequence = `${why}; loss after ${steps(m)} steps raw ${f(raw)}, standardised ${f(std)}`;
  if ((hi >= 20 || hi <= 0.02) && std <= 0.5 * raw) return v('yes', consequence);
  return v('grey', consequence);
}

/** learning_rate_too_high: training is unstable or stuck and a tenth of the rate reaches ≤ half the loss. */
export function lrTooHigh(m: Measured, diverging: Verdict, causes: Verdict[]): Verdict {
  const L = m.run.losses;
  const raw = end(m);
  const low = m.lowLr.nonFiniteStep !== undefined ? Infinity : m.lowLr.checkpoints[3];
  const unstable =
    m.run.nonFiniteStep !== undefined ||
    diverging.v !== 'no' ||
    Math.max(...L.slice(1)) > 1.5 * L[0] ||
    raw >= 0.9 * m.chance;
  const why = `loss after ${steps(m)} steps at lr ${m.spec.training.learningRate}: ${f(raw)}, at lr/10: ${f(low)} (chance ${f(m.chance)})`;
  // a lower rate must reach a finite loss to count (∞ ≤ ½·∞ holds, but no rate repaired anything)
  if (!Number.isFinite(low)) return v(m.init.finite ? 'grey' : 'no', `${why}; lr/10 does not reach a finite loss`);
  if (unstable && low <= 0.5 * raw)
    return causes.some((c) => c.v !== 'no') ? v('grey', `${why}; another cause present`) : v('yes', why);
  if (low >= 0.8 * raw || (!unstable && raw <= 0.1 * m.chance)) return v('no', why);
  return v('grey', why);
}

/** Every kind's verdict on one measured case. */
export function verdicts(m: Measured): Record<EvalKind, Verdict> {
  const bad_init = badInit(m);
  const data_scale = dataScale(m);
  const loss_diverging = lossDiverging(m);
  const symmetric = initShape(m.spec).symmetric.length > 0;
  return {
    vanishing_gradient: vanishing(m, symmetric),
    exploding_gradient: exploding(m),
    dead_relu: deadRelu(m),
    saturated_activation: saturated(m),
    non_finite: nonFinite(m),
    bad_init,
    output_mismatch: outputMismatch(m),
    loss_diverging,
    data_scale,
    learning_rate_too_high: lrTooHigh(m, loss_diverging, [bad_init, data_scale]),
    not_learning: notLearning(m),
  };
}
