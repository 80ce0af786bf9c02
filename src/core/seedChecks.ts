/**
 * A warning's best fixes checked on the next seeds (other initial weights, other generated data), since a copy
 * is trained on the file's seed only: a repair at the edge of stability, e.g. re-initialising a deep ReLU stack
 * that still blows up at its learning rate on one seed in three, or the largest rate that trains, does not
 * hold on every seed, where a slightly slower repair does.
 */
import { formatNumber as fmt } from '../shared/numbers';
import { FITS_FRACTION } from './diagnosis/passContext';
import { Warning } from './diagnosis/report';
import { followUps } from './fixJudgement';
import { Copies, Trial, effectOf, newSeriousKinds, reachesNoWorse, stillShows } from './fixTrials';
import { Fix, withSeed } from './format/fixEdits';
import { parseNetworkText } from './format/parse';

/** Seeds after the file's own on which the first fix must also hold. */
const OTHER_SEEDS = 2;
/** Fixes per warning checked on the other seeds, best first, until one holds on all of them. */
const TRIES = 3;
/** Checks per warning at most, counting the repairs tried after one blew up on another seed. */
const MAX_CHECKS = 6;

/** The unchanged file trained on one other seed. */
export interface SeedOriginal {
  readonly seed: number;
  readonly original: Trial;
}

/**
 * Whether `warning`'s first fix is checked on other seeds: unless it makes a network whose run stayed stable fit
 * its data (loss ≤ 10% of chance), where one seed is evidence enough; blow-ups are what differ between seeds.
 */
export function needsOtherSeeds(warning: Warning, original: Trial): boolean {
  const first = warning.fixes[0];
  if (!first) return false;
  const fitsData = first.effect!.lossAfter <= FITS_FRACTION * first.effect!.chanceAfter;
  return !fitsData || blewUp(original);
}

/** The seeds after the file's own (the parser's default seed is 0). */
export function otherSeeds(text: string): number[] {
  const seed = parseNetworkText(text).spec?.seed ?? 0;
  return Array.from({ length: OTHER_SEEDS }, (_, k) => seed + 1 + k);
}

/** One fix trained on another seed: whether it removes the warning there without a worse loss or a new problem. */
interface SeedCheck extends SeedOriginal {
  readonly trial: Trial | undefined;
  readonly holds: boolean;
}

/**
 * A fix holds on another seed when it removes the warning there, raises nothing it did not raise on the file's
 * seed, does not make the loss reached worse, and repeats its effect: at least half the gain it made on the
 * file's seed (in loss/chance), or a loss at most twice as high as it reached there (where the other seed's
 * network had less to gain).
 */
function* checkOnSeed(warning: Warning, fix: Fix, at: SeedOriginal, copies: Copies): Generator<undefined, SeedCheck> {
  const trial = yield* copies.trial(withSeed(copies.patch(fix), at.seed));
  if (!trial) return { ...at, trial, holds: false };
  const e = fix.effect!;
  const [before, after] = [e.lossBefore / e.chanceBefore, e.lossAfter / e.chanceAfter];
  const [beforeHere, afterHere] = [at.original.lossReached / at.original.chance, trial.lossReached / trial.chance];
  const repeats = beforeHere - afterHere >= (before - after) / 2 || afterHere <= 2 * after;
  const holds =
    !stillShows(warning, trial) &&
    reachesNoWorse(warning, at.original, trial) &&
    newSeriousKinds(warning, at.original, trial).every((k) => e.newSerious.includes(k)) &&
    repeats;
  return { ...at, trial, holds };
}

/** The first other seed on which `fix` does not hold, or undefined when it holds on all. */
function* firstFailure(
  warning: Warning,
  fix: Fix,
  seeds: readonly SeedOriginal[],
  copies: Copies,
): Generator<undefined, SeedCheck | undefined> {
  for (const at of seeds) {
    const check = yield* checkOnSeed(warning, fix, at, copies);
    if (!check.holds) return check;
  }
  return undefined;
}

/** Whether a trial blew up: a non-finite loss or a serious non_finite or loss_diverging warning. */
function blewUp(trial: Trial | undefined): trial is Trial {
  return (
    trial !== undefined &&
    (!Number.isFinite(trial.lossReached) ||
      trial.serious.some((w) => w.kind === 'non_finite' || w.kind === 'loss_diverging'))
  );
}

/**
 * `warning` with its ranking checked on `seeds`: the first of its best TRIES fixes that holds on every one comes
 * first, and those before it go last, saying where they failed. A fix that blows up on another seed is also tried
 * combined with that seed's repairs of the blow-up (a lower rate, clipping), verified on the file's seed first.
 * Unchanged when the first fix holds, or when no fix checked holds.
 */
export function* confirmOnOtherSeeds(
  warning: Warning,
  original: Trial,
  seeds: readonly SeedOriginal[],
  copies: Copies,
): Generator<undefined, Warning> {
  const candidates = warning.fixes.slice(0, TRIES);
  const failed: { fix: Fix; check: SeedCheck }[] = [];
  for (let k = 0; k < candidates.length && k < MAX_CHECKS; k++) {
    const fix = candidates[k];
    const failure = yield* firstFailure(warning, fix, seeds, copies);
    if (!failure) {
      if (!failed.length) return warning;
      const rest = warning.fixes.filter((f) => f !== fix && !failed.some((x) => x.fix === f));
      const held = `; holds on seed${seeds.length > 1 ? 's' : ''} ${seeds.map((s) => s.seed).join(' and ')}`;
      const first = { ...fix, effect: { ...fix.effect!, summary: fix.effect!.summary + held } };
      return { ...warning, fixes: [first, ...rest, ...failed.map(({ fix: f, check }) => notHolding(f, check))] };
    }
    failed.push({ fix, check: failure });
    if (!blewUp(failure.trial)) continue;
    const raised = newSeriousKinds(warning, failure.original, failure.trial);
    for (const next of followUps({ ...fix, effect: { ...fix.effect!, newSerious: raised } }, failure.trial.serious)) {
      if (candidates.some((c) => copies.patch(c) === copies.patch(next))) continue;
      const effect = effectOf(warning, original, yield* copies.trial(copies.patch(next)));
      if (effect.helps) candidates.push({ ...next, effect });
    }
  }
  return warning;
}

/** `fix` with where it failed added to its effect, e.g. "; does not hold on seed 8 (2.82 → 4.56)". */
function notHolding(fix: Fix, check: SeedCheck): Fix {
  const losses = `${fmt(check.original.lossReached)} → ${fmt(check.trial?.lossReached ?? NaN)}`;
  return {
    ...fix,
    effect: { ...fix.effect!, summary: `${fix.effect!.summary}; does not hold on seed ${check.seed} (${losses})` },
  };
}
