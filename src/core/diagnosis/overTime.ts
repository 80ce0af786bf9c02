/**
 * Diagnosis over a training run: the conditions that only show while training (units dying
 * after large steps, a loss that blows up at step 40, early layers that never move), each with
 * the step at which it first held and the layer where it started.
 */
import { formatNumber as fmt } from '../../shared/numbers';
import { activationFacts } from '../format/activationFacts';
import { Fix } from '../format/fixEdits';
import { StepRecord, Warning } from './report';
import { hasNonFinite } from './stats';
import { NetworkSpec } from '../format/spec';
import { clipFix, initFix, leakyReluFix, learningRateFix, reluHeFix, warningHead } from './warningParts';
import { DEFAULT_THRESHOLDS, Thresholds } from './thresholds';

/** Index of the first record satisfying `test`, or −1. */
function firstIndex(history: readonly StepRecord[], test: (r: StepRecord) => boolean): number {
  return history.findIndex(test);
}

/** Whether some layer's recorded activations were NaN or ±∞ at this step. */
function activationsNonFinite(r: StepRecord): boolean {
  return r.activationPercentiles.some((p) => hasNonFinite(p));
}

/** Median of a list of numbers (NaN for none). */
function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Every over-time warning the run's history shows, in the order a user should read them. */
export function diagnoseHistory(
  spec: NetworkSpec,
  history: readonly StepRecord[],
  t: Thresholds = DEFAULT_THRESHOLDS,
): Warning[] {
  if (history.length === 0) return [];
  return [
    ...nonFinite(spec, history),
    ...diverging(spec, history, t),
    ...exploding(spec, history, t),
    ...stalledLayers(spec, history, t),
    ...dyingUnits(spec, history, t),
  ];
}

/**
 * The first step whose loss or gradients are NaN/Inf, and the first layer (forward order)
 * whose activations were.
 */
function nonFinite(spec: NetworkSpec, history: readonly StepRecord[]): Warning[] {
  const bad = (r: StepRecord): boolean =>
    !Number.isFinite(r.loss) || hasNonFinite(r.gradNorms) || activationsNonFinite(r);
  const k = firstIndex(history, bad);
  if (k < 0) return [];
  const r = history[k];
  let layer = r.activationPercentiles.findIndex((p) => hasNonFinite(p));
  if (layer < 0) {
    // activations still finite: the first non-finite gradient, walking backward from the output
    for (let l = r.gradNorms.length - 1; l >= 0; l--)
      if (!Number.isFinite(r.gradNorms[l])) {
        layer = l;
        break;
      }
  }
  if (layer < 0) layer = spec.layers.length - 1;
  const previous = k > 0 ? history[k - 1] : undefined;
  const layerName = spec.layers[layer].name;
  return [
    {
      ...warningHead(spec, 'non_finite', 'error', layer),
      firstStep: r.step,
      message: `Training produced NaN or infinite values at step ${r.step}, first in layer '${layerName}'.`,
      cause: previous
        ? `At step ${previous.step} the loss was ${fmt(previous.loss)} ` +
          `and the largest gradient norm ${fmt(Math.max(...previous.gradNorms))}; one update later values overflowed.`
        : 'The values were already non-finite at the first step: check the weights and data in the file.',
      fix: 'Lower the learning rate and clip the gradient norm so one step cannot overflow the weights.',
      fixes: [learningRateFix(spec, 0.1), clipFix()],
    },
  ];
}

/** The smoothed loss rising to `divergenceFactor`× its best value (and above where it started). */
function diverging(spec: NetworkSpec, history: readonly StepRecord[], t: Thresholds): Warning[] {
  const w = Math.max(1, Math.min(t.lossWindow, Math.floor(history.length / 5)));
  let best = Infinity;
  let first: number | undefined;
  let start = NaN;
  let sum = 0;
  for (let i = 0; i < history.length; i++) {
    sum += history[i].loss;
    if (i >= w) sum -= history[i - w].loss;
    if (i < w - 1) continue;
    const smooth = sum / w;
    if (!Number.isFinite(smooth)) break; // reported as non_finite
    if (Number.isNaN(start)) start = smooth;
    best = Math.min(best, smooth);
    if (smooth >= t.divergenceFactor * best && smooth > start && first === undefined) first = i;
  }
  if (first === undefined) return [];
  const r = history[first];
  const smoothedAtFirst = history.slice(first - w + 1, first + 1).reduce((a, b) => a + b.loss, 0) / w;
  return [
    {
      ...warningHead(spec, 'loss_diverging', 'warning', -1),
      firstStep: r.step,
      message: `The loss is diverging: from step ${r.step} it climbed back above twice the best value reached.`,
      cause:
        `Best moving-average loss ${fmt(best)}; at step ${r.step} it was ${fmt(smoothedAtFirst)} ` +
        `(window of ${w} steps). Steps overshoot the minimum.`,
      fix: `Lower the learning rate (now ${spec.training.learningRate}) or clip gradients.`,
      fixes: [learningRateFix(spec, 0.1), clipFix()],
    },
  ];
}

/**
 * Layers whose update ratio stays above the band: either the median over a moving window of
 * `lossWindow` steps exceeds the limit, or it is above the limit and growing for `growthSteps`
 * successive steps (a blow-up faster than any window). A healthy run's large but shrinking
 * first steps do not count.
 */
function exploding(spec: NetworkSpec, history: readonly StepRecord[], t: Thresholds): Warning[] {
  const limit = t.sustainedExplodingUpdateRatio;
  const w = Math.min(t.lossWindow, history.length);
  let bestStep = Infinity;
  let layer = -1;
  for (let l = 0; l < spec.layers.length; l++) {
    const g = t.growthSteps;
    for (let i = 0; i < history.length && history[i].step < bestStep; i++) {
      const window = history.slice(i, i + w).map((r) => r.updateRatios[l]);
      const growing =
        window.length >= g && window.slice(0, g).every((v, k) => v > limit && (k === 0 || v > window[k - 1]));
      if (growing || (window.length === w && window.every(Number.isFinite) && median(window) > limit)) {
        bestStep = history[i].step;
        layer = l;
        break;
      }
    }
  }
  if (layer < 0) return [];
  const worst = Math.max(...history.map((r) => r.updateRatios[layer]).filter(Number.isFinite));
  return [
    {
      ...warningHead(spec, 'exploding_gradient', 'warning', layer),
      firstStep: bestStep,
      message: `Updates in layer '${spec.layers[layer].name}' are too large from step ${bestStep} on.`,
      cause:
        `lr·‖∇W‖/‖W‖ stayed above ${limit} over ${w} steps and reached ${fmt(worst)} (healthy ≈ 1e-3): ` +
        `each step rewrites over ${limit * 100}% of the weights.`,
      fix: 'Lower the learning rate or clip the gradient norm.',
      fixes: [learningRateFix(spec, 0.1), clipFix()],
    },
  ];
}

/** Early layers whose median update ratio stays far below the band while a later layer learns. */
function stalledLayers(spec: NetworkSpec, history: readonly StepRecord[], t: Thresholds): Warning[] {
  const medians = spec.layers.map((_, l) => median(history.map((r) => r.updateRatios[l]).filter(Number.isFinite)));
  const stalled = medians
    .map((_, l) => l)
    .filter((l) => medians[l] < t.stalledUpdateRatio && medians.slice(l + 1).some((m) => m >= t.learningUpdateRatio));
  if (stalled.length === 0) return [];
  const start = stalled[stalled.length - 1]; // closest to the output: where the vanishing starts, walking backward
  const learner = medians.findIndex((m, l) => l > start && m >= t.learningUpdateRatio);
  const firstStep =
    history[
      Math.max(
        0,
        firstIndex(history, (r) => r.updateRatios[start] < t.stalledUpdateRatio),
      )
    ].step;
  const saturating = stalled.filter((l) => activationFacts(spec.layers[l].activation.type).family === 'saturating');
  const fixes: Fix[] = saturating.length ? [reluHeFix(spec, saturating)] : [initFix(spec, stalled)];
  const stalledMedians = stalled.map((l) => `${spec.layers[l].name} ${fmt(medians[l])}`).join(', ');
  const learnerMedian = `${spec.layers[learner].name} ${fmt(medians[learner])}`;
  return [
    {
      ...warningHead(spec, 'vanishing_gradient', 'warning', start),
      firstStep,
      message: `${names(spec, stalled)} barely move during training while later layers learn.`,
      cause:
        `Median update ratio ${stalledMedians} vs ${learnerMedian} (healthy ≈ 1e-3): ` +
        'the gradient shrinks on its way back.',
      fix: 'Use ReLU-family activations with He initialisation in the early layers, or a better-scaled initialiser.',
      fixes,
    },
  ];
}

/** ReLU layers that lose units while training: the step at which they started dying and how many. */
function dyingUnits(spec: NetworkSpec, fullHistory: readonly StepRecord[], t: Thresholds): Warning[] {
  // once values are NaN every comparison z > 0 fails:
  // only the finite part of the run says anything about dying
  const end = fullHistory.findIndex(activationsNonFinite);
  const history = end < 0 ? fullHistory : fullHistory.slice(0, end);
  const warnings: Warning[] = [];
  if (history.length < 2) return warnings;
  spec.layers.forEach((layer, l) => {
    if (!activationFacts(layer.activation.type).dies) return;
    const initial = history[0].deadFractions[l];
    const final = history[history.length - 1].deadFractions[l];
    if (final - initial < t.newlyDeadFraction) return;
    const k = firstIndex(history, (r) => r.deadFractions[l] >= (initial + final) / 2);
    const count = Math.round((final - initial) * layer.units);
    warnings.push({
      ...warningHead(spec, 'dead_relu', 'warning', l),
      firstStep: history[k].step,
      message:
        `${count} of ${layer.units} units in '${layer.name}' died during training, ` +
        `starting around step ${history[k].step}.`,
      cause:
        `Dead fraction rose from ${fmt(initial * 100)}% to ${fmt(final * 100)}%: large updates pushed their ` +
        'pre-activations below 0 for every sample, and a dead ReLU gets no gradient to recover.',
      fix: 'Lower the learning rate, or use leaky ReLU so units keep a small gradient.',
      fixes: [leakyReluFix(spec, l), learningRateFix(spec, 0.1)],
    });
  });
  return warnings;
}

/** "layers 'a', 'b'" for messages. */
function names(spec: NetworkSpec, layers: readonly number[]): string {
  const quoted = layers.map((l) => `'${spec.layers[l].name}'`);
  return `${layers.length > 1 ? 'Layers' : 'Layer'} ${quoted.join(', ')}`;
}
