/**
 * What a look-ahead says: a few real training steps from the current parameters, at the file's learning rate and at
 * a tenth of it, tell a first step that is large but harmless from a rate that makes training unstable, which the
 * first step's size alone cannot (see lookAheadRun.ts for the runs).
 */
import { TrainingSpec } from '../format/spec';

/** A loss above this multiple of the starting loss at any step of the run is unstable. */
const UNSTABLE_RISE = 1.5;
/** A tenth of the rate helps when it ends at most this share of the loss the file's rate ends at. */
const TENTH_GAIN = 0.5;

/** The full-batch loss over a subsample before and after each step of both runs (∞ once a run turned NaN). */
export interface LookAhead {
  readonly steps: number;
  readonly samples: number;
  readonly atRate: readonly number[];
  readonly atTenth: readonly number[];
}

/** Whether the loss at the file's rate rose above UNSTABLE_RISE× its start, or turned NaN, within the run. */
export function unstable(a: LookAhead): boolean {
  return a.atRate.slice(1).some((l) => l > UNSTABLE_RISE * a.atRate[0]);
}

/** Whether a tenth of the rate ended at a finite loss at most TENTH_GAIN× the file's rate's. */
export function tenthHelps(a: LookAhead): boolean {
  const end = a.atTenth[a.steps];
  return Number.isFinite(end) && end <= TENTH_GAIN * a.atRate[a.steps];
}

/** A run learns when it ends below this share of the chance level. */
const LEARNS_SHARE = 0.9;

/**
 * Whether the file's rate trains calmly (`ahead` runs the look-ahead, only when needed): the loss never rose past UNSTABLE_RISE× its start, a tenth of the rate does
 * no better, and the run ends below LEARNS_SHARE of the chance level `chance` (a loss parked at chance is no calm).
 * Never under momentum: its steps grow towards lr/(1−β)× the gradient over about 1/(1−β) steps, ten times the first
 * step at β = 0.9, and a run that looks calm for 20 steps may still blow up after 50.
 */
export function settles(ahead: () => LookAhead, chance: number, training: TrainingSpec): boolean {
  if (training.optimizer === 'momentum' && training.momentum > 0) return false; // without running it
  const a = ahead();
  return !unstable(a) && !tenthHelps(a) && a.atRate[a.steps] < LEARNS_SHARE * chance;
}

/** The highest loss a run reached after its start. */
export const peak = (losses: readonly number[]): number => Math.max(...losses.slice(1));
