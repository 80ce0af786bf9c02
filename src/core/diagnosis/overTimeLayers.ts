/**
 * Over-time rules per layer, fed one step at a time in bounded memory: updates that stay too large,
 * early layers that never move, and ReLU units that die while training.
 */
import { formatNumber as fmt } from '../../shared/numbers';
import { activationFacts } from '../format/activationFacts';
import { Fix } from '../format/fixEdits';
import { NetworkSpec } from '../format/spec';
import { LogMedian, MovingWindow } from './onlineStats';
import { LossLevel, OnlineRule, activationsNonFinite } from './overTimeLoss';
import { StepRecord, Warning } from './report';
import { Thresholds } from './thresholds';
import {
  clipFix,
  initFix,
  layerSpan,
  leakyReluFix,
  learningRateFix,
  reluHeFix,
  usualLearningRateFixes,
  warningHead,
} from './warningParts';

/**
 * Updates that stay too large for the weights: a layer's update ratio above the band over a moving window
 * of `lossWindow` steps (after a warm-up of as many steps, while a zero-initialised layer's weights grow
 * from nothing), or above it and growing for `growthSteps` successive steps (a blow-up faster than any
 * window). The learning rate is too high.
 */
export class UpdateSizeRule implements OnlineRule {
  private readonly windows: MovingWindow[];
  private readonly worst: number[];
  private observed = 0;
  private found: { layer: number; step: number } | undefined;

  constructor(
    private readonly spec: NetworkSpec,
    private readonly t: Thresholds,
    private readonly level: LossLevel,
  ) {
    this.windows = spec.layers.map(() => new MovingWindow(Math.max(1, t.lossWindow)));
    this.worst = spec.layers.map(() => -Infinity);
  }

  observe(r: StepRecord): void {
    const limit = this.t.sustainedExplodingUpdateRatio;
    const warm = ++this.observed > 2 * this.t.lossWindow;
    this.windows.forEach((w, l) => {
      const ratio = r.updateRatios[l];
      if (Number.isFinite(ratio) && ratio > this.worst[l]) this.worst[l] = ratio;
      if (this.found) return;
      w.push(ratio, r.step);
      const g = Math.min(this.t.growthSteps, w.length);
      let growing = g === this.t.growthSteps;
      for (let k = w.length - g; growing && k < w.length; k++)
        growing = w.at(k) > limit && (k === w.length - g || w.at(k) > w.at(k - 1));
      // large steps are no fault while the loss falls, nor in a network that fits
      if (this.level.fits() || !this.level.unstable()) return;
      if (growing) this.found = { layer: l, step: w.stepAt(w.length - g) };
      else if (warm && w.full && allFinite(w) && w.median() > limit) this.found = { layer: l, step: w.stepAt(0) };
    });
  }

  warnings(): Warning[] {
    // a run that fits its data in the end was not held back by its step size
    if (!this.found || this.level.fits()) return [];
    const { layer, step } = this.found;
    const limit = this.t.sustainedExplodingUpdateRatio;
    return [
      {
        ...warningHead(this.spec, 'learning_rate_too_high', 'warning', layer),
        firstStep: step,
        message: `Updates in layer '${this.spec.layers[layer].name}' are too large from step ${step} on: the learning rate is too high.`,
        cause:
          `‖ΔW‖/‖W‖ stayed above ${limit} over ${this.t.lossWindow} steps and reached ` +
          `${fmt(this.worst[layer])} (healthy ≈ 1e-3): each step rewrites over ${limit * 100}% of the weights.`,
        fix: `Lower the learning rate (now ${this.spec.training.learningRate}) or clip the gradient norm.`,
        fixes: [learningRateFix(this.spec, 0.1), clipFix(), learningRateFix(this.spec, 0.01)],
      },
    ];
  }
}

/**
 * Gradients that explode while training: the total ‖∇W‖ growing `gradientGrowth`× over its largest value
 * in the first five steps, or turning NaN/∞; names the layer whose gradient grew most.
 */
export class GradientGrowthRule implements OnlineRule {
  private base = 0;
  private observed = 0;
  private found: { step: number; growth: number; layer: number } | undefined;
  private readonly early: number[];

  constructor(
    private readonly spec: NetworkSpec,
    private readonly t: Thresholds,
  ) {
    this.early = spec.layers.map(() => 0);
  }

  observe(r: StepRecord): void {
    if (this.found) return;
    const total = Math.sqrt(r.gradNorms.reduce((a, g) => a + g * g, 0));
    if (this.observed++ < 5) {
      if (Number.isFinite(total)) this.base = Math.max(this.base, total);
      r.gradNorms.forEach((g, l) => (this.early[l] = Math.max(this.early[l], Number.isFinite(g) ? g : 0)));
      if (Number.isFinite(total)) return;
    }
    const growth = Number.isFinite(total) ? total / this.base : Infinity;
    if (!(growth >= this.t.gradientGrowth)) return;
    const grew = r.gradNorms.map((g, l) => (Number.isFinite(g) ? g / (this.early[l] || Infinity) : Infinity));
    const layer = grew.reduce((best, x, l) => (x > grew[best] ? l : best), 0);
    this.found = { step: r.step, growth, layer };
  }

  warnings(): Warning[] {
    if (!this.found) return [];
    const { step, growth, layer } = this.found;
    const spec = this.spec;
    return [
      {
        ...warningHead(spec, 'exploding_gradient', 'error', layer),
        firstStep: step,
        message: `Gradients exploded during training: at step ${step} ‖∇W‖ was ${fmt(growth)}× its size at the start.`,
        cause:
          `Total gradient norm ${Number.isFinite(growth) ? `grew ${fmt(growth)}×` : 'became NaN or infinite'} ` +
          `(largest at the start ${fmt(this.base)}); it grew most in '${spec.layers[layer].name}'. ` +
          'Each update made the next gradient larger.',
        fix: 'Lower the learning rate, clip the gradient norm, or use a better-scaled initialisation.',
        fixes: [
          learningRateFix(spec, 0.1),
          clipFix(),
          initFix(
            spec,
            spec.layers.map((_, l) => l),
          ),
        ],
      },
    ];
  }
}

function allFinite(w: MovingWindow): boolean {
  for (let k = 0; k < w.length; k++) if (!Number.isFinite(w.at(k))) return false;
  return true;
}

/**
 * A stalled sigmoid/tanh layer with this share of its units saturated, on average over the steps, is saturated; a
 * stalled layer with this share dead is dead_relu's to report.
 */
export const MOST_UNITS = 0.5;

/**
 * Early layers whose median update ratio stays far below the band while a later layer learns: a gradient that
 * vanishes on its way back; or, for sigmoid/tanh layers whose units sat at the flat ends of the curve on average
 * (at least MOST_UNITS of them), saturation, which stops their gradient at f'(z) ≈ 0 whatever the depth.
 */
export class StalledLayersRule implements OnlineRule {
  private readonly medians: LogMedian[];
  /** Per layer, the first step whose update ratio was below the stalled limit. */
  private readonly firstStalled: (number | undefined)[];
  /** Per layer, the sum over the finite steps of the share of its units saturated. */
  private readonly saturatedSums: number[];
  /** Per layer, the sum over the finite steps of the share of its units dead. */
  private readonly deadSums: number[];
  /** Per layer, the first step at which at least MOST_UNITS of its units were saturated. */
  private readonly firstSaturated: (number | undefined)[];
  /** Once values are NaN the ratios say nothing about vanishing. */
  private ended = false;
  /** Finite steps seen. */
  private observed = 0;

  constructor(
    private readonly spec: NetworkSpec,
    private readonly t: Thresholds,
  ) {
    this.medians = spec.layers.map(() => new LogMedian());
    this.firstStalled = spec.layers.map(() => undefined);
    this.saturatedSums = spec.layers.map(() => 0);
    this.deadSums = spec.layers.map(() => 0);
    this.firstSaturated = spec.layers.map(() => undefined);
  }

  observe(r: StepRecord): void {
    if (this.ended || (this.ended = activationsNonFinite(r) || !Number.isFinite(r.loss))) return;
    this.observed++;
    this.medians.forEach((m, l) => {
      m.push(r.updateRatios[l]);
      if (this.firstStalled[l] === undefined && r.updateRatios[l] < this.t.stalledUpdateRatio)
        this.firstStalled[l] = r.step;
      this.saturatedSums[l] += r.saturatedFractions[l];
      this.deadSums[l] += r.deadFractions[l];
      if (this.firstSaturated[l] === undefined && r.saturatedFractions[l] >= MOST_UNITS)
        this.firstSaturated[l] = r.step;
    });
  }

  warnings(): Warning[] {
    const { spec, t } = this;
    // a vanishing gradient needs depth to vanish through, and a few steps to be told from a blow-up
    if (spec.layers.length < 3 || this.observed < this.t.lossWindow) return [];
    const medians = this.medians.map((m) => m.median());
    const stalled = medians
      .map((_, l) => l)
      .filter((l) => medians[l] < t.stalledUpdateRatio && medians.slice(l + 1).some((m) => m >= t.learningUpdateRatio));
    const saturated = stalled.filter((l) => this.share(this.saturatedSums, l) >= MOST_UNITS);
    // a layer below a saturated or mostly dead one gets no gradient through it: that layer's fault, not depth's
    const dead = (k: number): boolean => this.share(this.deadSums, k) >= MOST_UNITS;
    const blocked = stalled.filter(
      (l) => !saturated.includes(l) && stalled.some((k) => k > l && (saturated.includes(k) || dead(k))),
    );
    const vanishing = stalled.filter((l) => !saturated.includes(l) && !blocked.includes(l) && !dead(l));
    const belowSaturated = blocked.filter((l) => saturated.some((k) => k > l));
    return [
      ...(saturated.length ? [this.saturatedWarning(saturated, belowSaturated, medians)] : []),
      ...(vanishing.length ? [this.vanishingWarning(vanishing, medians)] : []),
    ];
  }

  /** Layer l's share of units counted in `sums` (saturated or dead), averaged over the finite steps. */
  private share(sums: readonly number[], l: number): number {
    return sums[l] / this.observed;
  }

  /** "h1 1e-9, h2 1e-9 vs out 0.01": the median update ratios of `layers` and of the first layer after them that learns. */
  private ratios(layers: readonly number[], medians: readonly number[]): string {
    const { spec, t } = this;
    const last = layers[layers.length - 1];
    const learner = medians.findIndex((m, k) => k > last && m >= t.learningUpdateRatio);
    return (
      `${layers.map((l) => `${spec.layers[l].name} ${fmt(medians[l])}`).join(', ')} vs ` +
      `${spec.layers[learner].name} ${fmt(medians[learner])}`
    );
  }

  /** Saturated sigmoid/tanh layers that stopped moving, and the layers below that get no gradient through them. */
  private saturatedWarning(saturated: number[], below: readonly number[], medians: readonly number[]): Warning {
    const { spec, t } = this;
    const shares = saturated
      .map((l) => `${spec.layers[l].name} ${fmt(this.share(this.saturatedSums, l) * 100)}%`)
      .join(', ');
    return {
      ...warningHead(spec, 'saturated_activation', 'warning', saturated[saturated.length - 1]),
      layers: saturated,
      firstStep: Math.min(...saturated.map((l) => this.firstSaturated[l] ?? 0)),
      message:
        `The units of ${layerSpan(spec, saturated)} saturate ${this.ended ? 'as the run blows up' : 'while training'}: ` +
        `they sit at the flat ends of the curve, so ${saturated.length > 1 ? 'these layers barely move' : 'the layer barely moves'}` +
        (this.ended ? ' until the values overflow.' : ' while later layers learn.'),
      cause:
        `Share of units saturated (f'(z) under ${t.saturationDerivative * 100}% of its peak on most samples), averaged ` +
        `over the steps: ${shares}. Median update ratio ${this.ratios(saturated, medians)} (healthy ≈ 1e-3): ` +
        "f'(z) ≈ 0 stops the gradient" +
        (below.length
          ? `, and ${layerSpan(spec, below)} below get${below.length > 1 ? '' : 's'} none through it`
          : '') +
        '. Steps too large for the weights, or weights too large, push z far from 0.',
      fix: 'Lower the learning rate, scale the weights down (Xavier initialisation), or use ReLU with He initialisation.',
      fixes: [learningRateFix(spec, 0.1), initFix(spec, saturated), reluHeFix(spec, saturated)],
    };
  }

  /** Early layers that stopped moving while later ones learn, neither saturated nor behind a blocking layer. */
  private vanishingWarning(vanishing: readonly number[], medians: readonly number[]): Warning {
    const { spec } = this;
    const start = vanishing[vanishing.length - 1]; // closest to the output: where the vanishing starts, walking backward
    const saturating = vanishing.filter((l) => activationFacts(spec.layers[l].activation.type).family === 'saturating');
    const fixes: Fix[] = [
      saturating.length ? reluHeFix(spec, saturating) : initFix(spec, vanishing),
      ...usualLearningRateFixes(spec), // a rate far below the usual
    ];
    return {
      ...warningHead(spec, 'vanishing_gradient', 'warning', start),
      firstStep: this.firstStalled[start] ?? 0,
      message: `${vanishing.length > 1 ? 'Layers' : 'Layer'} ${layerSpan(spec, vanishing)} barely move during training while later layers learn.`,
      cause: `Median update ratio ${this.ratios(vanishing, medians)} (healthy ≈ 1e-3): the gradient shrinks on its way back.`,
      fix: 'Use ReLU-family activations with He initialisation in the early layers, or a better-scaled initialiser.',
      fixes,
    };
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
    private readonly level: LossLevel,
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
      if (latest[l] - initial[l] < this.t.newlyDeadFraction || latest[l] < this.t.deadFraction) return;
      const step = this.highs[l].find((h) => h.fraction >= (initial[l] + latest[l]) / 2)!.step;
      const count = Math.round((latest[l] - initial[l]) * layer.units);
      warnings.push({
        ...warningHead(spec, 'dead_relu', this.level.fits() ? 'info' : 'warning', l, this.deadUnitsNow?.(l) ?? []),
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
