/**
 * Fixes verified before they are offered: each candidate is applied to a copy of the file, the
 * copy is re-analysed and trained for a short budget beside the original, and only fixes that
 * remove their warning, raise no new serious one (unless they train clearly better: fixJudgement)
 * and do not make the loss reached worse are offered, ranked by the loss reached, each with its
 * measured effect. A serious warning none of whose repairs makes the network learn anything (a loss below
 * chance) also tries the other warnings' verified repairs.
 */
import { formatNumber as fmt } from '../shared/numbers';
import { analyze } from './analysis';
import { AnalysisReport, Warning } from './diagnosis/report';
import { isCause, runWarnings, warningId } from './diagnosis/warningOrder';
import {
  compareFixes,
  demoteUnconfirmedCause,
  followUps,
  learnsSomething,
  outweighsNewProblem,
  uncoversProblem,
} from './fixJudgement';
import { Thresholds } from './diagnosis/thresholds';
import { Fix, FixEffect, applyFix, editKey, withSeed } from './format/fixEdits';
import { LoadOptions, LoadedNetwork, loadNetwork } from './load';
import { parseNetworkText } from './format/parse';
import { seededSubsample } from './nn/subsample';
import { TrainingRun } from './trainingRun';
import { COPY_SAMPLES, copySamples, defaultSteps, kernelsFor } from './verificationBudget';

/** How much each candidate is trained and on how many samples. */
export interface VerificationBudget {
  /**
   * Steps per copy: min(the file's steps, this); by default 200, or more for a small network, as many as
   * `WORK_PER_COPY` multiply-adds allow (up to 1,000), so a fix that needs a few hundred steps shows it.
   */
  readonly steps?: number;
  /** Samples per copy, a seeded subsample beyond it (default 256, fewer for a large network: see copySamples). */
  readonly samples?: number;
  readonly thresholds?: Partial<Thresholds>;
}

/** One copy of the file, analysed at its initial weights and trained for the budget. */
interface Trial {
  readonly report: AnalysisReport;
  /** Serious warnings at init and over the short run. */
  readonly serious: readonly Warning[];
  /** Full-batch loss over the samples after the steps (∞ when it became NaN). */
  readonly lossReached: number;
  /** The loss function, and its chance level on the samples: losses of different functions compare as loss/chance. */
  readonly lossFunction: string;
  readonly chance: number;
  readonly steps: number;
  readonly samples: number;
}

const isSerious = (w: Warning): boolean => w.severity !== 'info';

/** A loss reached within 1% of the original's counts as "not worse" (the runs share seed and data). */
const NOT_WORSE_MARGIN = 0.01;

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
  // fixes change activations, initialisers, rates and data, never a layer's size: one choice of kernels serves all
  const { spec } = parseNetworkText(text);
  const copyOptions: LoadOptions = { ...options, kernels: spec && kernelsFor(spec, budget.samples ?? COPY_SAMPLES) };
  const trials = new Map<string, Trial | undefined>();
  const patches = new Map<string, string>();
  const copies: Copies = {
    text,
    // one edit per distinct set of actions: candidates recur across warnings, and each edit re-parses the text
    patch: (fix) => {
      const key = editKey(fix);
      if (!patches.has(key)) patches.set(key, applyFix(text, fix));
      return patches.get(key)!;
    },
    trial: function* (t) {
      if (!trials.has(t)) trials.set(t, yield* runTrial(t, copyOptions, budget));
      return trials.get(t);
    },
  };
  const original = warnings.some((w) => w.fixes.length) ? yield* copies.trial(text) : undefined;
  const verified: Warning[] = [];
  for (let index = 0; index < warnings.length; index++) {
    const warning = original ? yield* verifyOne(warnings[index], original, copies) : warnings[index];
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
  const second = yield* copies.trial(withSeed(text, secondSeed(text)));
  for (let index = 0; index < verified.length; index++) {
    if (!second || verified[index].fixes.length < 2) continue;
    const confirmed = yield* confirmOnSecondSeed(verified[index], second, copies);
    if (confirmed === verified[index]) continue;
    verified[index] = confirmed;
    yield { index, warning: confirmed };
  }
  return verified;
}

/** Fixes per warning tried on a second seed, best first, until one helps there too. */
const SECOND_SEED_TRIES = 3;

/** The seed after the file's own (the parser's default seed is 0). */
function secondSeed(text: string): number {
  return (parseNetworkText(text).spec?.seed ?? 0) + 1;
}

/**
 * `warning` with its ranking checked on the next seed (other initial weights, other generated data): the first of
 * its best SECOND_SEED_TRIES fixes that helps there too comes first, and those before it that do not go last,
 * saying so. A repair at the edge of stability, e.g. the largest learning rate that trains, can blow up on the
 * next seed, where a slightly worse one holds. Unchanged when no fix tried holds on the second seed.
 */
function* confirmOnSecondSeed(warning: Warning, second: Trial, copies: Copies): Generator<undefined, Warning> {
  const seed = secondSeed(copies.text);
  const failed: { fix: Fix; trial: Trial | undefined }[] = [];
  const noted = (fix: Fix, verdict: string, trial: Trial | undefined): Fix => ({
    ...fix,
    effect: {
      ...fix.effect!,
      summary: `${fix.effect!.summary}; ${verdict} on seed ${seed} (${fmt(second.lossReached)} → ${fmt(trial?.lossReached ?? NaN)})`,
    },
  });
  for (const fix of warning.fixes.slice(0, SECOND_SEED_TRIES)) {
    const trial = yield* copies.trial(withSeed(copies.patch(fix), seed));
    const holds =
      trial !== undefined &&
      !stillShows(warning, trial) &&
      reachesNoWorse(warning, second, trial) &&
      newSeriousKinds(warning, second, trial).every((k) => fix.effect!.newSerious.includes(k));
    if (!holds) {
      failed.push({ fix, trial });
      continue;
    }
    if (!failed.length) return warning;
    const rest = warning.fixes.filter((f) => f !== fix && !failed.some((x) => x.fix === f));
    const last = failed.map((x) => noted(x.fix, 'does not hold', x.trial));
    return { ...warning, fixes: [noted(fix, 'holds', trial), ...rest, ...last] };
  }
  return warning;
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

/** The file as given, its patched copies (one edit per distinct fix) and their trials, each made once. */
interface Copies {
  readonly text: string;
  readonly patch: (fix: Fix) => string;
  readonly trial: (text: string) => Generator<undefined, Trial | undefined>;
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
  for (const fix of warning.fixes) yield* attempt(fix);
  for (const f of tried.filter(uncoversProblem)) {
    const serious = (yield* copies.trial(copies.patch(f)))?.serious ?? [];
    for (const next of followUps(f, serious)) yield* attempt(next);
  }
  const clean = tried.filter((f) => f.effect.helps);
  const worthIt = tried.filter((f) => outweighsNewProblem(f, clean));
  const fixes = [...clean, ...worthIt.map((f) => ({ ...f, effect: { ...f.effect, helps: true } }))].sort(compareFixes);
  const rejectedFixes = tried.filter((f) => !f.effect.helps && !worthIt.includes(f));
  const verified: Warning = { ...warning, fixes, rejectedFixes, fixesVerified: true };
  return demoteUnconfirmedCause(verified, [...fixes, ...rejectedFixes]);
}

/** Training steps of a copy between two yields (a few milliseconds for a small network). */
const STEPS_PER_YIELD = 25;

/** Loads, analyses and trains one copy, yielding every STEPS_PER_YIELD steps; undefined when it does not load. */
function* runTrial(
  text: string,
  options: LoadOptions,
  budget: VerificationBudget,
): Generator<undefined, Trial | undefined> {
  const { loaded } = loadNetwork(text, options);
  if (!loaded) return undefined;
  const copies = budget.samples ?? copySamples(loaded.network);
  const sampled: LoadedNetwork = { ...loaded, dataset: seededSubsample(loaded.dataset, copies) };
  const report = analyze(sampled, budget.thresholds);
  const steps = Math.min(loaded.spec.training.steps, budget.steps ?? defaultSteps(sampled));
  const run = new TrainingRun({ ...sampled, network: sampled.network.clone() }, budget.thresholds, true);
  while (run.stepsDone < steps) {
    if (run.advance(Math.min(steps, run.stepsDone + STEPS_PER_YIELD)).nonFinite) break;
    yield;
  }
  const { network, dataset } = run.loaded;
  const loss = network.lossValue(dataset.inputs, dataset.targets, dataset.samples);
  // judged as a training run is: a symptom at the start of a run that ends fitting its data is no fault
  const serious = runWarnings(run.warnings(), report, analyze(run.loaded, budget.thresholds)).filter(isSerious);
  const lossReached = Number.isFinite(loss) ? loss : Infinity;
  const { samples } = dataset;
  return { report, serious, lossReached, lossFunction: loaded.spec.loss, chance: report.chanceLoss, steps, samples };
}

/** Kinds about one layer's units: a fix for one layer is judged on that layer only. */
const PER_LAYER: readonly string[] = ['dead_relu', 'saturated_activation'];

/** Whether the trial still shows the warning: the same kind (at the same layer, for the kinds about one layer's units). */
function stillShows(warning: Warning, trial: Trial): boolean {
  const sameLayer = (w: Warning): boolean => !PER_LAYER.includes(w.kind) || w.layerIndex === warning.layerIndex;
  return trial.serious.some((w) => w.kind === warning.kind && sameLayer(w));
}

/**
 * Whether a copy trained exactly as the original (the same loss to the last bit, the same serious kinds): an edit
 * that spells out a default, e.g. the initialiser a layer already uses, changes nothing.
 */
function sameRun(original: Trial, trial: Trial): boolean {
  const kinds = (t: Trial): string => t.serious.map((w) => warningId(w)).join();
  return Object.is(original.lossReached, trial.lossReached) && kinds(original) === kinds(trial);
}

/**
 * Whether the copy's loss reached is finite and within NOT_WORSE_MARGIN of the original's. A run that blew up
 * anyway is no repair, even of one that blew up sooner; a fix that changes the loss function is compared by
 * loss/chance; an output that cannot fit its targets has a loss that says nothing (a one-unit softmax's
 * cross-entropy is always 0), so only its removal counts there.
 */
function reachesNoWorse(warning: Warning, original: Trial, trial: Trial): boolean {
  const sameLoss = trial.lossFunction === original.lossFunction;
  const [before, after] = sameLoss
    ? [original.lossReached, trial.lossReached]
    : [original.lossReached / original.chance, trial.lossReached / trial.chance];
  return (
    Number.isFinite(trial.lossReached) &&
    (warning.kind === 'output_mismatch' || after <= before * (1 + NOT_WORSE_MARGIN) + 1e-12)
  );
}

/** Serious kinds the copy has that the original had not (a network NaN from the start hides all but non_finite). */
function newSeriousKinds(warning: Warning, original: Trial, trial: Trial): string[] {
  const known = new Set(original.serious.map((w) => w.kind));
  const blind = original.report.warnings.some((w) => w.kind === 'non_finite');
  const kinds = trial.serious.map((w) => w.kind);
  return [...new Set(kinds.filter((k) => k !== warning.kind && !known.has(k) && (!blind || k === 'non_finite')))];
}

/** The measured effect of one fix (a copy that did not change or did not load never helps). */
function effectOf(warning: Warning, original: Trial, trial: Trial | undefined): FixEffect {
  const base = {
    steps: original.steps,
    samples: original.samples,
    lossBefore: original.lossReached,
    chanceBefore: original.chance,
  };
  if (!trial || sameRun(original, trial))
    return {
      ...base,
      lossAfter: NaN,
      chanceAfter: NaN,
      removesWarning: false,
      newSerious: [],
      helps: false,
      summary: 'changes nothing',
    };
  const newSerious = newSeriousKinds(warning, original, trial);
  const removesWarning = !stillShows(warning, trial);
  const notWorse = reachesNoWorse(warning, original, trial);
  const helps = removesWarning && newSerious.length === 0 && notWorse;
  const loss = `loss after ${original.steps} steps ${fmt(original.lossReached)} → ${fmt(trial.lossReached)}`;
  const figure = layerFigure(warning, original.report, trial.report);
  const why = helps
    ? ''
    : ` (${[
        !removesWarning ? 'the warning remains' : '',
        newSerious.length ? `raises ${newSerious.join(', ')}` : '',
        !notWorse ? 'the loss is worse' : '',
      ]
        .filter(Boolean)
        .join('; ')})`;
  return {
    ...base,
    lossAfter: trial.lossReached,
    chanceAfter: trial.chance,
    removesWarning,
    newSerious,
    helps,
    summary: `${loss}${figure}${why}`,
  };
}

/** The figure the warning is about, before → after, at its layer (e.g. "; ‖∇W‖ at 'h1' 1e-9 → 3e-3"). */
function layerFigure(warning: Warning, before: AnalysisReport, after: AnalysisReport): string {
  const l = warning.layerIndex;
  const a = before.layers[l];
  const b = after.layers[l];
  if (!a || !b) return '';
  switch (warning.kind) {
    case 'vanishing_gradient':
    case 'exploding_gradient':
      return `; ‖∇W‖ at '${a.name}' ${fmt(a.gradients.weightNorm)} → ${fmt(b.gradients.weightNorm)}`;
    case 'dead_relu':
      return `; dead units in '${a.name}' ${a.deadUnits.length} → ${b.deadUnits.length}`;
    case 'saturated_activation':
      return `; saturated units in '${a.name}' ${a.saturatedUnits.length} → ${b.saturatedUnits.length}`;
    default:
      return '';
  }
}

/** The fix offered first for a warning (verified or not), applied to `text`; undefined when there is none. */
export function firstFixText(text: string, warning: Warning): string | undefined {
  const fix: Fix | undefined = warning.fixes[0];
  return fix && applyFix(text, fix);
}
