/**
 * Over-time rules on the run as a whole, fed one step at a time in bounded memory: the first
 * non-finite value, and a loss that climbs back above twice its best.
 */
import { formatNumber as fmt } from '../../shared/numbers';
import { NetworkSpec } from '../format/spec';
import { LogMedian, MovingWindow } from './onlineStats';
import { FITS_FRACTION } from './passContext';
import { StepRecord, Warning } from './report';
import { hasNonFinite } from './stats';
import { Thresholds } from './thresholds';
import { nonFiniteRepairs } from './staticChecks';
import { activationFacts } from '../format/activationFacts';
import { Fix } from '../format/fixEdits';
import {
  clipFix,
  initFix,
  learningRateFix,
  normalizeFix,
  reluHeFix,
  usualLearningRateFixes,
  warningHead,
} from './warningParts';

/** One over-time rule: sees each step once, in order, and can say at any time what it found. */
export interface OnlineRule {
  observe(r: StepRecord): void;
  warnings(): Warning[];
}

/**
 * The run's loss as every loss rule reads it: its moving average over up to `lossWindow` steps (fewer at the
 * start, so a jump at step 1 counts), the lowest and the first such value, and where it stands against the
 * chance level (without a chance level it never fits). The monitor feeds it first, before the rules that read it.
 */
export class LossLevel implements OnlineRule {
  private readonly window: MovingWindow;
  /** The lowest moving-average loss so far. */
  private best = Infinity;
  /** The first moving-average loss. */
  private start = NaN;

  constructor(
    t: Thresholds,
    readonly chance = NaN,
  ) {
    this.window = new MovingWindow(Math.max(1, t.lossWindow));
  }

  observe(r: StepRecord): void {
    this.window.push(r.loss, r.step);
    const smooth = this.window.mean();
    if (smooth < this.best) this.best = smooth;
    if (Number.isNaN(this.start)) this.start = smooth;
  }

  /** The moving-average loss now (NaN before the first step). */
  smoothed(): number {
    return this.window.length ? this.window.mean() : NaN;
  }

  /** The lowest moving-average loss so far. */
  lowest(): number {
    return this.best;
  }

  /**
   * Whether the loss is unsteady or stuck: its moving average now at least 1.5× the lowest it has been,
   * or still at least 90% of where it started (or NaN).
   */
  unstable(): boolean {
    const smooth = this.smoothed();
    return !(smooth < 1.5 * this.best) || !(smooth < 0.9 * this.start);
  }

  /** Whether the moving-average loss is at most 10% of the chance level now. */
  fits(): boolean {
    const smooth = this.smoothed();
    return Number.isFinite(smooth) && smooth <= FITS_FRACTION * this.chance;
  }

  warnings(): Warning[] {
    return [];
  }
}

/** Whether some layer's recorded activations were NaN or ±∞ at this step. */
export function activationsNonFinite(r: StepRecord): boolean {
  return r.activationPercentiles.some((p) => hasNonFinite(p));
}

/** The largest finite value of a list (−∞ for none), without spreading it into arguments. */
export function finiteMax(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (Number.isFinite(v) && v > max) max = v;
  return max;
}

/** The first step whose loss, gradients or activations are NaN/Inf, and the first layer (forward order) that was. */
export class NonFiniteRule implements OnlineRule {
  private previous: StepRecord | undefined;
  private found: { record: StepRecord; previous?: StepRecord } | undefined;

  constructor(private readonly spec: NetworkSpec) {}

  observe(r: StepRecord): void {
    if (this.found) return;
    if (!Number.isFinite(r.loss) || hasNonFinite(r.gradNorms) || activationsNonFinite(r))
      this.found = { record: r, previous: this.previous };
    this.previous = r;
  }

  warnings(): Warning[] {
    if (!this.found) return [];
    const { record: r, previous } = this.found;
    const spec = this.spec;
    let layer = r.activationPercentiles.findIndex((p) => hasNonFinite(p));
    // activations still finite: the first non-finite gradient, walking backward from the output
    for (let l = r.gradNorms.length - 1; layer < 0 && l >= 0; l--) if (!Number.isFinite(r.gradNorms[l])) layer = l;
    if (layer < 0) layer = spec.layers.length - 1;
    return [
      {
        ...warningHead(spec, 'non_finite', 'error', layer),
        firstStep: r.step,
        message: `Training produced NaN or infinite values at step ${r.step}, first in layer '${spec.layers[layer].name}'.`,
        cause: previous
          ? `At step ${previous.step} the loss was ${fmt(previous.loss)} and the largest gradient norm ` +
            `${fmt(finiteMax(previous.gradNorms))}; one update later values overflowed.`
          : 'The values were already non-finite at the first step: check the weights and data in the file.',
        fix: 'Lower the learning rate and clip the gradient norm so one step cannot overflow the weights.',
        // non-finite from the first step: the file's own weights or data, not the training, are at fault
        fixes: previous
          ? [learningRateFix(spec, 0.1), clipFix(), ...nonFiniteRepairs(spec, layer)]
          : [...nonFiniteRepairs(spec, layer), learningRateFix(spec, 0.1), clipFix()],
      },
    ];
  }
}

/**
 * Below the chance level, a climb counts as divergence when it is this many times `divergenceFactor` and ends at
 * least SPIKE_CHANCE_SHARE of the chance level: a fit undone (Adam on a tanh spiral, 0.16 → 0.61 against a
 * chance level of 1.1), not minibatch noise around a small loss (0.001 → 0.005).
 */
const SPIKE_MULTIPLE = 2;
const SPIKE_CHANCE_SHARE = 0.5;

/**
 * The loss's moving average (see LossLevel) rising to `divergenceFactor`× its lowest value and above the
 * chance level, or twice that far to above half the chance level; dated at the first step where that held.
 */
export class DivergenceRule implements OnlineRule {
  private stopped = false;
  private found: { step: number; smoothed: number; best: number } | undefined;

  constructor(
    private readonly spec: NetworkSpec,
    private readonly t: Thresholds,
    private readonly level: LossLevel,
    private readonly chance = 0,
  ) {}

  observe(r: StepRecord): void {
    if (this.found || this.stopped) return;
    const smooth = this.level.smoothed();
    if (!Number.isFinite(smooth)) {
      this.stopped = true; // reported as non_finite
      return;
    }
    const best = this.level.lowest();
    const factor = this.t.divergenceFactor;
    const aboveChance = smooth >= factor * best && !(smooth <= this.chance);
    const fitUndone = smooth >= SPIKE_MULTIPLE * factor * best && smooth >= SPIKE_CHANCE_SHARE * this.chance;
    if (aboveChance || fitUndone) this.found = { step: r.step, smoothed: smooth, best };
  }

  warnings(): Warning[] {
    if (!this.found) return [];
    const { step, smoothed, best } = this.found;
    return [
      {
        ...warningHead(this.spec, 'loss_diverging', 'warning', -1),
        firstStep: step,
        message: `The loss is diverging: at step ${step} it climbed to ${fmt(smoothed / best)}× the best value reached.`,
        cause:
          `Best moving-average loss ${fmt(best)}; at step ${step} it was ${fmt(smoothed)} ` +
          `(average of up to ${this.t.lossWindow} steps; chance level ${fmt(this.chance)}). Steps overshoot the minimum.`,
        fix: `Lower the learning rate (now ${this.spec.training.learningRate}) or clip gradients.`,
        fixes: [learningRateFix(this.spec, 0.1), clipFix(), learningRateFix(this.spec, 0.01)],
      },
    ];
  }
}

/** The share of a run the loss must sit at chance: a short run whose first steps blow up and land there counts. */
const SETTLED_SHARE = 0.9;

/** A run that was held at chance and then left the band is still not learning while it ends this near chance. */
const END_BAND_MULTIPLE = 2;

/**
 * The loss held within `notLearningBand` of its chance level (the loss of the best constant prediction)
 * for min(90% of the planned steps, `notLearningSteps`) steps: up to now, or earlier in a run that still ends
 * within END_BAND_MULTIPLE× the band (it crept away from chance, learning next to nothing). Names the layers
 * whose median update ratio shows they do not move.
 */
export class NotLearningRule implements OnlineRule {
  private streakStart: number | undefined;
  /** The first earlier run of steps in the band that lasted long enough: [first step, last step]. */
  private heldBefore: [number, number] | undefined;
  private lastStep = -1;
  private readonly medians: LogMedian[];

  constructor(
    private readonly spec: NetworkSpec,
    private readonly t: Thresholds,
    private readonly chance: number,
    private readonly plannedSteps: number,
    private readonly level: LossLevel,
  ) {
    this.medians = spec.layers.map(() => new LogMedian());
  }

  observe(r: StepRecord): void {
    this.medians.forEach((m, l) => m.push(r.updateRatios[l]));
    const near = this.within(this.t.notLearningBand);
    if (!near && this.streakStart !== undefined && !this.heldBefore && this.held(this.streakStart, this.lastStep))
      this.heldBefore = [this.streakStart, this.lastStep];
    if (!near) this.streakStart = undefined;
    else this.streakStart ??= r.step;
    this.lastStep = r.step;
  }

  /** Whether the moving-average loss is within `band` (a share) of the chance level. */
  private within(band: number): boolean {
    return Math.abs(this.level.smoothed() - this.chance) <= band * this.chance;
  }

  /** Whether steps `from` to `to` in the band are enough: min(90% of the planned steps, notLearningSteps). */
  private held(from: number, to: number): boolean {
    return to - from + 1 >= Math.min(Math.ceil(SETTLED_SHARE * this.plannedSteps), this.t.notLearningSteps);
  }

  /** The run of steps held at chance that makes the warning, if any: the current one, or an earlier one. */
  private heldSpan(): [number, number] | undefined {
    if (!(this.chance > 0)) return undefined;
    if (this.streakStart !== undefined && this.held(this.streakStart, this.lastStep))
      return [this.streakStart, this.lastStep];
    return this.heldBefore && this.within(END_BAND_MULTIPLE * this.t.notLearningBand) ? this.heldBefore : undefined;
  }

  warnings(): Warning[] {
    const span = this.heldSpan();
    if (!span) return [];
    const [from, to] = span;
    const { spec, t } = this;
    const still = this.medians.map((m, l) => ({ l, m: m.median() })).filter(({ m }) => m < t.learningUpdateRatio);
    const layers = still.map(({ l }) => l);
    const which = layers.length
      ? `Layers that barely move (median update ratio below ${t.learningUpdateRatio}): ` +
        still.map(({ l, m }) => `'${spec.layers[l].name}' ${fmt(m)}`).join(', ') +
        '.'
      : 'Every layer moves, yet the loss does not fall.';
    return [
      {
        ...warningHead(spec, 'not_learning', 'warning', layers.length ? layers[layers.length - 1] : -1),
        ...(layers.length ? { layers } : {}),
        firstStep: from,
        message:
          `The network is not learning: from step ${from}${to < this.lastStep ? ` to step ${to}` : ''} the loss ` +
          `stayed within ${t.notLearningBand * 100}% of the chance level ${fmt(this.chance)}` +
          (to < this.lastStep
            ? `, and it ends at ${fmt(this.level.smoothed())}, still within ${END_BAND_MULTIPLE * t.notLearningBand * 100}%.`
            : '.'),
        cause:
          `The chance level is the loss of the best constant prediction (the targets' mean or class priors); ` +
          `the moving-average loss was at it for ${to - from + 1} steps. ${which}`,
        fix: 'See the causes above; otherwise try ReLU with He initialisation, normalised inputs, or another learning rate.',
        fixes: notLearningFixes(spec),
      },
    ];
  }
}

/** Candidates for a network stuck at chance; verification keeps the ones that help. */
function notLearningFixes(spec: NetworkSpec): Fix[] {
  const hidden = spec.layers.slice(0, -1).map((_, l) => l);
  const saturating = hidden.filter((l) => activationFacts(spec.layers[l].activation.type).family === 'saturating');
  return [
    ...(saturating.length ? [reluHeFix(spec, saturating)] : []),
    ...(hidden.length ? [initFix(spec, hidden)] : []),
    normalizeFix(),
    learningRateFix(spec, 10),
    learningRateFix(spec, 0.1),
    ...usualLearningRateFixes(spec),
  ];
}
