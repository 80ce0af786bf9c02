/**
 * Diagnosis over a training run: the conditions that only show while training (units dying
 * after large steps, a loss that blows up at step 40, early layers that never move), each with
 * the step at which it first held and the layer where it started. The rules run online, one step
 * at a time in bounded memory, so a run of a million steps (or a log from another source) costs
 * no more than one of a thousand.
 */
import { NetworkSpec } from '../format/spec';
import { DyingUnitsRule, GradientGrowthRule, StalledLayersRule, UpdateSizeRule } from './overTimeLayers';
import { DivergenceRule, LossLevel, NonFiniteRule, NotLearningRule, OnlineRule } from './overTimeLoss';
import { BlowUpSaturationRule } from './overTimeSaturation';
import { StepRecord, Warning } from './report';
import { DEFAULT_THRESHOLDS, Thresholds } from './thresholds';
import { orderWarnings, unreported } from './warningOrder';
import { withShortNames } from './warningParts';

/** What a run can tell the rules beyond its step records. */
export interface RunContext {
  /** The units of layer l dead now (a training run knows; a log does not). */
  readonly deadUnitsNow?: (layer: number) => readonly number[];
  /** The loss of the best constant prediction (see chance.ts); without it there is no not-learning rule. */
  readonly chanceLoss?: number;
  /** Steps the run is meant to take (the file's training.steps). */
  readonly plannedSteps?: number;
}

/** Every over-time rule, fed step by step; `warnings()` may be asked at any time. */
export class OverTimeMonitor {
  private readonly rules: OnlineRule[];
  private observed = 0;

  constructor(
    private readonly spec: NetworkSpec,
    t: Thresholds = DEFAULT_THRESHOLDS,
    context: RunContext = {},
  ) {
    const level = new LossLevel(t, context.chanceLoss);
    this.rules = [
      level, // first: the rules below read where the loss stands
      new NonFiniteRule(spec),
      new DivergenceRule(spec, t, level, context.chanceLoss),
      new UpdateSizeRule(spec, t, level),
      new GradientGrowthRule(spec, t),
      new StalledLayersRule(spec, t),
      new BlowUpSaturationRule(spec, t),
      new DyingUnitsRule(spec, t, level, context.deadUnitsNow),
      ...(context.chanceLoss !== undefined
        ? [new NotLearningRule(spec, t, context.chanceLoss, context.plannedSteps ?? spec.training.steps, level)]
        : []),
    ];
  }

  /** Feeds the next step (in step order). */
  observe(record: StepRecord): void {
    this.observed++;
    for (const rule of this.rules) rule.observe(record);
  }

  /** Every over-time warning so far. */
  warnings(): Warning[] {
    if (!this.observed) return [];
    return withShortNames(this.spec, orderWarnings(unreported(this.rules.flatMap((r) => r.warnings()))));
  }
}

/** Every over-time warning a whole recorded history shows. */
export function diagnoseHistory(
  spec: NetworkSpec,
  history: readonly StepRecord[],
  t: Thresholds = DEFAULT_THRESHOLDS,
): Warning[] {
  const monitor = new OverTimeMonitor(spec, t);
  for (const r of history) monitor.observe(r);
  return monitor.warnings();
}
