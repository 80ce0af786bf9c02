/**
 * Over-time rules per layer, fed one step at a time in bounded memory: updates that stay too large,
 * early layers that never move, and ReLU units that die while training.
 */
import { formatNumber as fmt } from '../../shared/numbers';
import { activationFacts } from '../format/activationFacts';
import { Fix } from '../format/fixEdits';
import { NetworkSpec } from '../format/spec';
import { LogMedian, MovingWindow } from './onlineStats';
import { OnlineRule, activationsNonFinite } from './overTimeLoss';
import { StepRecord, Warning } from './report';
import { Thresholds } from './thresholds';
import { clipFix, initFix, layerSpan, leakyReluFix, learningRateFix, reluHeFix, warningHead } from './warningParts';

/**
 * Layers whose update ratio stays above the band: the median over a moving window of `lossWindow`
 * steps exceeds the limit, or it is above the limit and growing for `growthSteps` successive steps
 * (a blow-up faster than any window). A healthy run's large but shrinking first steps do not count.
 */
export class ExplodingRule implements OnlineRule {
  private readonly windows: MovingWindow[];
  private readonly worst: number[];
  private found: { layer: number; step: number } | undefined;

  constructor(
    private readonly spec: NetworkSpec,
    private readonly t: Thresholds,
  ) {
    this.windows = spec.layers.map(() => new MovingWindow(Math.max(1, t.lossWindow)));
    this.worst = spec.layers.map(() => -Infinity);
  }

  observe(r: StepRecord): void {
    const limit = this.t.sustainedExplodingUpdateRatio;
    this.windows.forEach((w, l) => {
      const ratio = r.updateRatios[l];
      if (Number.isFinite(ratio) && ratio > this.worst[l]) this.worst[l] = ratio;
      if (this.found) return;
      w.push(ratio, r.step);
      const g = Math.min(this.t.growthSteps, w.length);
      let growing = g === this.t.growthSteps;
      for (let k = w.length - g; growing && k < w.length; k++)
        growing = w.at(k) > limit && (k === w.length - g || w.at(k) > w.at(k - 1));
      if (growing) this.found = { layer: l, step: w.stepAt(w.length - g) };
      else if (w.full && allFinite(w) && w.median() > limit) this.found = { layer: l, step: w.stepAt(0) };
    });
  }

  warnings(): Warning[] {
    if (!this.found) return [];
    const { layer, step } = this.found;
    const limit = this.t.sustainedExplodingUpdateRatio;
    return [
      {
        ...warningHead(this.spec, 'exploding_gradient', 'warning', layer),
        firstStep: step,
        message: `Updates in layer '${this.spec.layers[layer].name}' are too large from step ${step} on.`,
        cause:
          `lr·‖∇W‖/‖W‖ stayed above ${limit} over ${this.t.lossWindow} steps and reached ` +
          `${fmt(this.worst[layer])} (healthy ≈ 1e-3): each step rewrites over ${limit * 100}% of the weights.`,
        fix: 'Lower the learning rate or clip the gradient norm.',
        fixes: [learningRateFix(this.spec, 0.1), clipFix()],
      },
    ];
  }
}

function allFinite(w: MovingWindow): boolean {
  for (let k = 0; k < w.length; k++) if (!Number.isFinite(w.at(k))) return false;
  return true;
}

/** Early layers whose median update ratio stays far below the band while a later layer learns. */
export class StalledLayersRule implements OnlineRule {
  private readonly medians: LogMedian[];
  /** Per layer, the first step whose update ratio was below the stalled limit. */
  private readonly firstStalled: (number | undefined)[];

  constructor(
    private readonly spec: NetworkSpec,
    private readonly t: Thresholds,
  ) {
    this.medians = spec.layers.map(() => new LogMedian());
    this.firstStalled = spec.layers.map(() => undefined);
  }

  observe(r: StepRecord): void {
    this.medians.forEach((m, l) => {
      m.push(r.updateRatios[l]);
      if (this.firstStalled[l] === undefined && r.updateRatios[l] < this.t.stalledUpdateRatio)
        this.firstStalled[l] = r.step;
    });
  }

  warnings(): Warning[] {
    const { spec, t } = this;
    const medians = this.medians.map((m) => m.median());
    const stalled = medians
      .map((_, l) => l)
      .filter((l) => medians[l] < t.stalledUpdateRatio && medians.slice(l + 1).some((m) => m >= t.learningUpdateRatio));
    if (stalled.length === 0) return [];
    const start = stalled[stalled.length - 1]; // closest to the output: where the vanishing starts, walking backward
    const learner = medians.findIndex((m, l) => l > start && m >= t.learningUpdateRatio);
    const saturating = stalled.filter((l) => activationFacts(spec.layers[l].activation.type).family === 'saturating');
    const fixes: Fix[] = saturating.length ? [reluHeFix(spec, saturating)] : [initFix(spec, stalled)];
    const stalledMedians = stalled.map((l) => `${spec.layers[l].name} ${fmt(medians[l])}`).join(', ');
    return [
      {
        ...warningHead(spec, 'vanishing_gradient', 'warning', start),
        firstStep: this.firstStalled[start] ?? 0,
        message: `${stalled.length > 1 ? 'Layers' : 'Layer'} ${layerSpan(spec, stalled)} barely move during training while later layers learn.`,
        cause:
          `Median update ratio ${stalledMedians} vs ${spec.layers[learner].name} ${fmt(medians[learner])} ` +
          '(healthy ≈ 1e-3): the gradient shrinks on its way back.',
        fix: 'Use ReLU-family activations with He initialisation in the early layers, or a better-scaled initialiser.',
        fixes,
      },
    ];
  }
}

/** ReLU layers that lose units while training: the step at which they started dying and how many. */
export class DyingUnitsRule implements OnlineRule {
  private initial: readonly number[] | undefined;
  private latest: readonly number[] | undefined;
  /** Per layer, each new highest dead fraction and the step it was first reached (at most units + 1 entries). */
  private readonly highs: { step: number; fraction: number }[][];
  /** Once values are NaN every comparison z > 0 fails: only the finite part of the run says anything. */
  private ended = false;

  constructor(
    private readonly spec: NetworkSpec,
    private readonly t: Thresholds,
    /** The units of layer l dead now, when the caller can tell (a training run can; a log cannot). */
    private readonly deadUnitsNow?: (layer: number) => readonly number[],
  ) {
    this.highs = spec.layers.map(() => []);
  }

  observe(r: StepRecord): void {
    if (this.ended || (this.ended = activationsNonFinite(r))) return;
    this.initial ??= r.deadFractions;
    this.latest = r.deadFractions;
    r.deadFractions.forEach((fraction, l) => {
      const highs = this.highs[l];
      if (!highs.length || fraction > highs[highs.length - 1].fraction) highs.push({ step: r.step, fraction });
    });
  }

  warnings(): Warning[] {
    const { initial, latest, spec } = this;
    if (!initial || !latest || initial === latest) return [];
    const warnings: Warning[] = [];
    spec.layers.forEach((layer, l) => {
      if (!activationFacts(layer.activation.type).dies) return;
      if (latest[l] - initial[l] < this.t.newlyDeadFraction) return;
      const step = this.highs[l].find((h) => h.fraction >= (initial[l] + latest[l]) / 2)!.step;
      const count = Math.round((latest[l] - initial[l]) * layer.units);
      warnings.push({
        ...warningHead(spec, 'dead_relu', 'warning', l, this.deadUnitsNow?.(l) ?? []),
        firstStep: step,
        message: `${count} of ${layer.units} units in '${layer.name}' died during training, starting around step ${step}.`,
        cause:
          `Dead fraction rose from ${fmt(initial[l] * 100)}% to ${fmt(latest[l] * 100)}%: large updates pushed ` +
          'their pre-activations below 0 for every sample, and a dead ReLU gets no gradient to recover.',
        fix: 'Lower the learning rate, or use leaky ReLU so units keep a small gradient.',
        fixes: [leakyReluFix(spec, l), learningRateFix(spec, 0.1)],
      });
    });
    return warnings;
  }
}
