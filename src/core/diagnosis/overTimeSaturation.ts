/**
 * Saturation while a run blows up: as the weights grow without bound, the sigmoid/tanh units they feed are pushed
 * to the flat ends of their curve and stay there until the values overflow. The analysis at the end of such a run
 * sees only NaN, so the last finite steps are the evidence.
 */
import { formatNumber as fmt } from '../../shared/numbers';
import { NetworkSpec } from '../format/spec';
import { MOST_UNITS } from './overTimeLayers';
import { OnlineRule, activationsNonFinite } from './overTimeLoss';
import { StepRecord, Warning } from './report';
import { Thresholds } from './thresholds';
import { saturationCounts } from './unitRules';
import { clipFix, layerSpan, learningRateFix, warningHead } from './warningParts';

/** Successive saturated steps, up to the last finite one, that make a layer saturated (one step may be a glitch). */
const SATURATED_STEPS = 3;

/**
 * Layers that can saturate (unitRules.saturationCounts) with at least MOST_UNITS of their units saturated on
 * each of the last SATURATED_STEPS or more finite steps of a run that then turned NaN or infinite.
 */
export class BlowUpSaturationRule implements OnlineRule {
  /** Per layer, the first step of its current run of saturated steps (undefined: not saturated now). */
  private readonly since: (number | undefined)[];
  /** Per layer, how many steps that run has lasted. */
  private readonly lengths: number[];
  /** The last finite step seen. */
  private lastFinite = -1;
  /** Whether the run turned non-finite (the rule then stops watching). */
  private blewUp = false;
  /** Per layer, whether its saturation can be a fault (fixed by the spec, so read once, not every step). */
  private readonly counted: boolean[];

  constructor(
    private readonly spec: NetworkSpec,
    private readonly t: Thresholds,
  ) {
    this.since = spec.layers.map(() => undefined);
    this.lengths = spec.layers.map(() => 0);
    this.counted = spec.layers.map((_, l) => saturationCounts(spec, l));
  }

  observe(r: StepRecord): void {
    if (this.blewUp || (this.blewUp = activationsNonFinite(r) || !Number.isFinite(r.loss))) return;
    this.lastFinite = r.step;
    this.counted.forEach((counted, l) => {
      const saturated = counted && r.saturatedFractions[l] >= MOST_UNITS;
      this.since[l] = saturated ? (this.since[l] ?? r.step) : undefined;
      this.lengths[l] = saturated ? this.lengths[l] + 1 : 0;
    });
  }

  warnings(): Warning[] {
    if (!this.blewUp) return [];
    const layers = this.lengths.map((_, l) => l).filter((l) => this.lengths[l] >= SATURATED_STEPS);
    if (!layers.length) return [];
    const { spec } = this;
    const from = Math.min(...layers.map((l) => this.since[l]!));
    return [
      {
        ...warningHead(spec, 'saturated_activation', 'warning', layers[layers.length - 1]),
        layers,
        firstStep: from,
        message:
          `The units of ${layerSpan(spec, layers)} saturated as the run blew up: from step ${from} to the last ` +
          `finite step (${this.lastFinite}) they sat at the flat ends of the curve.`,
        cause:
          `On each of the last ${Math.min(...layers.map((l) => this.lengths[l]))} finite steps at least ` +
          `${fmt(MOST_UNITS * 100)}% of their units had f'(z) under ${this.t.saturationDerivative * 100}% of ` +
          'its peak on most samples: the weights feeding them grew with the diverging run, so no gradient passes ' +
          'through them. Cure the blow-up (the learning rate or initialisation warnings) and they recover.',
        fix: `Lower the learning rate (now ${spec.training.learningRate}), or clip the gradient norm.`,
        fixes: [learningRateFix(spec, 0.1), learningRateFix(spec, 0.01), clipFix()],
      },
    ];
  }
}
