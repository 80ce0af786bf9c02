/**
 * First-fix efficacy: a true warning's first offered fix is applied to the file, the patched network is
 * trained for its full step count on 3 seeds, and the fix counts when every seed reaches the case's target
 * loss or half the unfixed loss.
 */
import { Fix, applyFix, withSeed } from '../src/core/format/fixEdits';
import { loadText, runFacts } from './measure';

/** A warning as the CLI's JSON prints it (only what the evaluation reads). */
export interface CliWarning {
  readonly kind: string;
  readonly severity: string;
  readonly fixes?: readonly Fix[];
}

/** The file text after the warning's first offered fix, or undefined when it offers none (the one place to swap). */
export function firstFixText(text: string, warning: CliWarning): string | undefined {
  const fix = warning.fixes?.[0];
  return fix ? applyFix(text, fix) : undefined;
}

/** Full-data loss after the file's own step count (∞ when it turns non-finite or the file does not load). */
export function trainedLoss(text: string, dir: string): number {
  let loaded;
  try {
    loaded = loadText(text, dir);
  } catch {
    return Infinity;
  }
  const run = runFacts(loaded, loaded.spec.training.steps);
  const loss = run.checkpoints[3];
  return run.nonFiniteStep !== undefined || !Number.isFinite(loss) ? Infinity : loss;
}

/** One true warning's fix, tried. */
export interface FixTrial {
  readonly id: string;
  readonly kind: string;
  readonly fix?: string;
  readonly effective: boolean;
  /** Per seed: loss without and with the fix. */
  readonly seeds: readonly { seed: number; unfixed: number; fixed: number }[];
}

/** Relative rounding of the stored targets (4 significant digits: at most 5e-4). */
const TARGET_ROUNDING = 5e-4;

/** Tries a warning's first fix on `seeds` seeds from the file's own. */
export function tryFirstFix(
  id: string,
  text: string,
  dir: string,
  warning: CliWarning,
  target: number | undefined,
  seeds: number,
): FixTrial {
  const patched = firstFixText(text, warning);
  if (patched === undefined || patched === text) return { id, kind: warning.kind, effective: false, seeds: [] };
  const base = (JSON.parse(text) as { seed?: number }).seed ?? 0;
  const results = Array.from({ length: seeds }, (_, k) => {
    const seed = base + k;
    const unfixed = trainedLoss(withSeed(text, seed), dir);
    const fixed = trainedLoss(withSeed(patched, seed), dir);
    return { seed, unfixed, fixed };
  });
  // targets are stored to 4 significant digits (the repair's worst loss rounded): half a unit of the last digit
  // is within the target, so that a fix equal to the repair meets it
  const reach = target === undefined ? -Infinity : target * (1 + TARGET_ROUNDING);
  const effective = results.every((r) => Number.isFinite(r.fixed) && (r.fixed <= reach || r.fixed <= 0.5 * r.unfixed));
  return { id, kind: warning.kind, fix: warning.fixes?.[0]?.title, effective, seeds: results };
}
