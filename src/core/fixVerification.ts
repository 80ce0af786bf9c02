/**
 * Fixes verified before they are offered: each candidate is applied to a copy of the file, the
 * copy is re-analysed and trained for a short budget beside the original, and only fixes that
 * remove their warning, raise no new serious one (unless they train clearly better: fixJudgement)
 * and do not make the loss reached worse are offered, ranked by the loss reached, each with its
 * measured effect. A serious warning none of whose repairs makes the network learn anything (a loss below
 * chance) also tries the other warnings' verified repairs. The first fixes are then checked on the next seeds
 * (seedChecks), and one that holds there goes first.
 */
import { Warning } from './diagnosis/report';
import { isCause, revivedNotInTrial } from './diagnosis/warningOrder';
import {
  compareFixes,
  demoteUnconfirmedCause,
  followUps,
  learnsSomething,
  needsConfirmation,
  outweighsNewProblem,
  uncoversProblem,
} from './fixJudgement';
import { Copies, Trial, effectOf, exposedCauses, isSerious, runTrial } from './fixTrials';
import { Fix, FixEffect, applyFix, editKey, withSeed } from './format/fixEdits';
import { LoadOptions } from './load';
import { parseNetworkText } from './format/parse';
import { NetworkSpec } from './format/spec';
import { SeedOriginal, confirmOnOtherSeeds, needsOtherSeeds, otherSeeds } from './seedChecks';
import { COPY_SAMPLES, VerificationBudget, kernelsFor, stepsCovering } from './verificationBudget';

/** Verifies every warning's fixes against `text` (the file the warnings were computed for). */
export function verifyFixes(
  text: string,
  options: LoadOptions,
  warnings: readonly Warning[],
  budget: VerificationBudget = {},
): Warning[] {
  const steps = verifyFixesSteps(text, options, warnings, budget);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Patched copies of `text` and their trials, each made once: trained past the step where the latest over-time
 * warning began, on one choice of kernels (fixes change activations, initialisers, rates and data, never a
 * layer's size).
 */
function copiesOf(
  text: string,
  spec: NetworkSpec | undefined,
  options: LoadOptions,
  warnings: readonly Warning[],
  budget: VerificationBudget,
): Copies {
  const kernels = spec && kernelsFor(spec, budget.samples ?? COPY_SAMPLES, options.kernels);
  const copyOptions: LoadOptions = { ...options, kernels };
  const copyBudget = { coverSteps: stepsCovering(warnings.map((w) => w.firstStep)), ...budget };
  const trials = new Map<string, Trial | undefined>();
  const patches = new Map<string, string>();
  return {
    text,
    // one edit per distinct set of actions: candidates recur across warnings, and each edit re-parses the text
    patch: (fix) => {
      const key = editKey(fix);
      if (!patches.has(key)) patches.set(key, applyFix(text, fix));
      return patches.get(key)!;
    },
    trial: function* (t) {
      if (!trials.has(t)) trials.set(t, yield* runTrial(t, copyOptions, copyBudget));
      return trials.get(t);
    },
  };
}

/**
 * The same as a generator yielding each warning as soon as its fixes are verified (index into
 * `warnings`), and undefined every few training steps of a copy, so a worker can show results as they
 * finish and stop or take another request within milliseconds.
 */
export function* verifyFixesSteps(
  text: string,
  options: LoadOptions,
  warnings: readonly Warning[],
  budget: VerificationBudget = {},
): Generator<{ index: number; warning: Warning } | undefined, Warning[]> {
  const { spec } = parseNetworkText(text);
  const copies = copiesOf(text, spec, options, warnings, budget);
  const original = warnings.some((w) => w.fixes.length) ? yield* copies.trial(text) : undefined;
  const verified: Warning[] = [];
  for (let index = 0; index < warnings.length; index++) {
    // the unchanged file's trial run also shows whether a one-pass analysis's dead units revive
    const judged = original ? revivedNotInTrial(warnings[index], original.serious, original.steps) : warnings[index];
    const warning = original ? yield* verifyOne(judged, original, copies) : judged;
    verified.push(warning);
    yield { index, warning };
  }
  if (!original) return verified;
  // a serious warning none of whose own repairs makes the network learn anything (a loss below chance) may be
  // cured by another warning's verified repair
  const repairs = verified.map((w) => w.fixes);
  for (let index = 0; index < verified.length; index++) {
    if (!isSerious(verified[index]) || verified[index].fixes.some(learnsSomething)) continue;
    const borrowed = yield* borrowFixes(verified[index], verified, repairs, original, copies);
    if (borrowed.fixes.length === verified[index].fixes.length) continue;
    verified[index] = borrowed;
    yield { index, warning: borrowed };
  }
  // the first fixes must hold on the next seeds too (trained once, for the first warning that needs them)
  const unsure = verified.map((w) => needsOtherSeeds(w, original));
  const seeds: SeedOriginal[] = [];
  // the parser's default seed is 0
  for (const seed of unsure.some(Boolean) ? otherSeeds(spec?.seed ?? 0) : []) {
    const trial = yield* copies.trial(withSeed(text, seed));
    if (trial) seeds.push({ seed, original: trial });
  }
  for (let index = 0; index < verified.length && seeds.length; index++) {
    if (!unsure[index]) continue;
    const confirmed = yield* confirmOnOtherSeeds(verified[index], original, seeds, copies);
    if (confirmed === verified[index]) continue;
    verified[index] = confirmed;
    yield { index, warning: confirmed };
  }
  return verified;
}

/**
 * `warning` with the repairs verified for the other warnings (`repairs`, as first verified) tried on it too, all
 * ranked together (their copies are already trained: only the judgement is new), e.g. a diverging loss cured by
 * the re-initialisation offered for a bad init, or a rate too high in a network whose weights explode, where
 * re-initialising reaches 0.03 and the lowest rate 1.6e6.
 */
function* borrowFixes(
  warning: Warning,
  all: readonly Warning[],
  repairs: readonly (readonly Fix[])[],
  original: Trial,
  copies: Copies,
): Generator<undefined, Warning> {
  const tried = new Set([...warning.fixes, ...(warning.rejectedFixes ?? [])].map((f) => copies.patch(f)));
  const helpful: Fix[] = [...warning.fixes];
  for (const [k, other] of all.entries()) {
    if (other === warning) continue;
    for (const fix of repairs[k]) {
      const patched = copies.patch(fix);
      if (tried.has(patched)) continue;
      tried.add(patched);
      const effect = effectOf(warning, original, yield* copies.trial(patched));
      const cause = fix.cause ?? (isCause(other) ? other.id : undefined);
      if (effect.helps) helpful.push({ ...fix, ...(cause ? { cause } : {}), effect });
    }
  }
  return { ...warning, fixes: helpful.sort(compareFixes) };
}

/** A warning with its candidates tried: the helpful ones as `fixes` (best first), the rest as `rejectedFixes`. */
function* verifyOne(warning: Warning, original: Trial, copies: Copies): Generator<undefined, Warning> {
  const seen = new Set<string>();
  const tried: (Fix & { effect: FixEffect })[] = [];
  function* attempt(fix: Fix): Generator<undefined, void> {
    const patched = copies.patch(fix);
    if (seen.has(patched)) return; // two candidates that make the same edit are one
    seen.add(patched);
    const trial = patched === copies.text ? undefined : yield* copies.trial(patched);
    tried.push({ ...fix, effect: effectOf(warning, original, trial) });
  }
  /** Each follow-up's key → the repair it adds to the candidate it follows. */
  const added = new Map<string, Fix>();
  for (const fix of warning.fixes) yield* attempt(fix);
  for (const f of tried.filter((t) => t.effect.removesWarning && !t.effect.helps)) {
    const trial = yield* copies.trial(copies.patch(f));
    const exposed = exposedCauses(original, trial);
    const raised = uncoversProblem(f) ? (trial?.serious ?? []) : [];
    const newSerious = [...f.effect.newSerious, ...exposed.map((w) => w.kind)];
    for (const next of followUps({ ...f, effect: { ...f.effect, newSerious } }, [...raised, ...exposed])) {
      added.set(editKey(next), { title: next.title, actions: next.actions.slice(f.actions.length) });
      yield* attempt(next);
    }
  }
  const clean = tried.filter((f) => f.effect.helps);
  const worthIt = tried.filter((f) => outweighsNewProblem(f, clean));
  const fixes = [...clean, ...worthIt.map((f) => ({ ...f, effect: { ...f.effect, helps: true } }))].sort(compareFixes);
  const rejectedFixes = tried.filter((f) => !f.effect.helps && !worthIt.includes(f));
  const verified: Warning = { ...warning, fixes, rejectedFixes, fixesVerified: true };
  const alone = yield* addedAlone(warning, fixes, added, original, copies);
  return demoteUnconfirmedCause(verified, [...fixes, ...rejectedFixes], alone);
}

/**
 * For a cause its repairs must confirm, the effect of the repair each helpful follow-up adds, tried alone (its
 * copy is often trained already, for the warning that offers it): e.g. "lower the rate, and use ReLU with He
 * init" confirms a rate too high only if it does clearly better than ReLU with He init alone.
 */
function* addedAlone(
  warning: Warning,
  fixes: readonly Fix[],
  added: ReadonlyMap<string, Fix>,
  original: Trial,
  copies: Copies,
): Generator<undefined, Map<string, FixEffect>> {
  const effects = new Map<string, FixEffect>();
  // information is never demoted further (demoteUnconfirmedCause returns it as it is): no copy to train
  if (!needsConfirmation(warning.kind) || warning.severity === 'info') return effects;
  for (const f of fixes) {
    const part = added.get(editKey(f));
    if (part) effects.set(editKey(f), effectOf(warning, original, yield* copies.trial(copies.patch(part))));
  }
  return effects;
}

/** The fix offered first for a warning (verified or not), applied to `text`; undefined when there is none. */
export function firstFixText(text: string, warning: Warning): string | undefined {
  const fix: Fix | undefined = warning.fixes[0];
  return fix && applyFix(text, fix);
}
