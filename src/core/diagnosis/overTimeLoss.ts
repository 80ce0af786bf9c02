/**
 * Over-time rules on the run as a whole, fed one step at a time in bounded memory: the first
 * non-finite value, and a loss that climbs back above twice its best.
 */
import { formatNumber as fmt } from '../../shared/numbers';
import { NetworkSpec } from '../format/spec';
import { MovingWindow } from './onlineStats';
import { StepRecord, Warning } from './report';
import { hasNonFinite } from './stats';
import { Thresholds } from './thresholds';
import { clipFix, learningRateFix, warningHead } from './warningParts';

/** One over-time rule: sees each step once, in order, and can say at any time what it found. */
export interface OnlineRule {
  observe(r: StepRecord): void;
  warnings(): Warning[];
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
        fixes: [learningRateFix(spec, 0.1), clipFix()],
      },
    ];
  }
}

/** The loss's moving average rising to `divergenceFactor`× its best value (and above where it started). */
export class DivergenceRule implements OnlineRule {
  private readonly window: MovingWindow;
  private best = Infinity;
  private start = NaN;
  private stopped = false;
  private found: { step: number; smoothed: number; best: number } | undefined;

  constructor(
    private readonly spec: NetworkSpec,
    private readonly t: Thresholds,
  ) {
    this.window = new MovingWindow(Math.max(1, t.lossWindow));
  }

  observe(r: StepRecord): void {
    if (this.found || this.stopped) return;
    this.window.push(r.loss, r.step);
    if (!this.window.full) return;
    const smooth = this.window.mean();
    if (!Number.isFinite(smooth)) {
      this.stopped = true; // reported as non_finite
      return;
    }
    if (Number.isNaN(this.start)) this.start = smooth;
    this.best = Math.min(this.best, smooth);
    if (smooth >= this.t.divergenceFactor * this.best && smooth > this.start)
      this.found = { step: r.step, smoothed: smooth, best: this.best };
  }

  warnings(): Warning[] {
    if (!this.found) return [];
    const { step, smoothed, best } = this.found;
    return [
      {
        ...warningHead(this.spec, 'loss_diverging', 'warning', -1),
        firstStep: step,
        message: `The loss is diverging: from step ${step} it climbed back above twice the best value reached.`,
        cause:
          `Best moving-average loss ${fmt(best)}; at step ${step} it was ${fmt(smoothed)} ` +
          `(window of ${this.window.size} steps). Steps overshoot the minimum.`,
        fix: `Lower the learning rate (now ${this.spec.training.learningRate}) or clip gradients.`,
        fixes: [learningRateFix(this.spec, 0.1), clipFix()],
      },
    ];
  }
}
