/**
 * One trial of a fix: a copy of the file, analysed at its initial weights and trained for a short budget, and how
 * a trial is judged against the unchanged file's (the warning gone, no new serious one, the loss no worse).
 */
import { formatNumber as fmt } from '../shared/numbers';
import { analyze } from './analysis';
import { FITS_FRACTION } from './diagnosis/passContext';
import { AnalysisReport, Warning } from './diagnosis/report';
import { PER_LAYER_KINDS, isCause, runWarnings, warningId } from './diagnosis/warningOrder';
import { Fix, FixEffect } from './format/fixEdits';
import { LoadOptions, LoadedNetwork, loadNetwork } from './load';
import { seededSubsample } from './nn/subsample';
import { TrainingRun } from './trainingRun';
import { VerificationBudget, copySamples, copySteps } from './verificationBudget';

/** One copy of the file, analysed at its initial weights and trained for the budget. */
export interface Trial {
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

export const isSerious = (w: Warning): boolean => w.severity !== 'info';

/** A loss reached within 1% of the original's counts as "not worse" (the runs share seed and data). */
const NOT_WORSE_MARGIN = 0.01;

/** The file as given, its patched copies (one edit per distinct fix) and their trials, each made once. */
export interface Copies {
  readonly text: string;
  readonly patch: (fix: Fix) => string;
  readonly trial: (text: string) => Generator<undefined, Trial | undefined>;
}

/** Training steps of a copy between two yields (a few milliseconds for a small network). */
const STEPS_PER_YIELD = 25;

/** Loads, analyses and trains one copy, yielding every STEPS_PER_YIELD steps; undefined when it does not load. */
export function* runTrial(
  text: string,
  options: LoadOptions,
  budget: VerificationBudget,
): Generator<undefined, Trial | undefined> {
  const { loaded } = loadNetwork(text, options);
  if (!loaded) return undefined;
  const copies = budget.samples ?? copySamples(loaded.network);
  const sampled: LoadedNetwork = { ...loaded, dataset: seededSubsample(loaded.dataset, copies) };
  const report = analyze(sampled, budget.thresholds);
  const steps = copySteps(sampled, budget);
  const run = new TrainingRun({ ...sampled, network: sampled.network.clone() }, budget.thresholds, true);
  while (run.stepsDone < steps) {
    if (run.advance(Math.min(steps, run.stepsDone + STEPS_PER_YIELD)).nonFinite) break;
    yield;
  }
  const { network, dataset } = run.loaded;
  const loss = network.lossValue(dataset.inputs, dataset.targets, dataset.samples);
  const lossReached = Number.isFinite(loss) ? loss : Infinity;
  // judged as a training run is: a symptom at the start of a run that ends fitting its data is no fault; nor, in
  // a copy, is a loss that rose for a few steps on the way (a repaired network may overshoot once, then fit)
  const fitsData = lossReached <= FITS_FRACTION * report.chanceLoss;
  const serious = runWarnings(run.warnings(), report, analyze(run.loaded, budget.thresholds)).filter(
    (w) => isSerious(w) && !(fitsData && w.kind === 'loss_diverging'),
  );
  const { samples } = dataset;
  return { report, serious, lossReached, lossFunction: loaded.spec.loss, chance: report.chanceLoss, steps, samples };
}

/** The loss a trial reached as a share of its chance level (∞ when its run blew up). */
export function relativeReached(t: Trial): number {
  return t.lossReached / t.chance;
}

/** Whether the trial still shows the warning: the same kind (at the same layer, for the kinds about one layer's units). */
export function stillShows(warning: Warning, trial: Trial): boolean {
  // a fix for one layer's units is judged on that layer only
  const sameLayer = (w: Warning): boolean => !PER_LAYER_KINDS.includes(w.kind) || w.layerIndex === warning.layerIndex;
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
 * Whether the copy's loss reached is finite and within NOT_WORSE_MARGIN of the original's (of its loss at the
 * start, when its run blew up). A run that blew up anyway is no repair, even of one that blew up sooner; a fix
 * that changes the loss function is compared by loss/chance; an output that cannot fit its targets has a loss that
 * says nothing (a one-unit softmax's cross-entropy is always 0), so only its removal counts there.
 */
export function reachesNoWorse(warning: Warning, original: Trial, trial: Trial): boolean {
  const sameLoss = trial.lossFunction === original.lossFunction;
  // a run that blew up is measured from where it started: a repair must end below that (not merely below ∞)
  const start = Number.isFinite(original.report.loss) ? original.report.loss : Infinity;
  const reached = Number.isFinite(original.lossReached) ? original.lossReached : start;
  const [before, after] = sameLoss ? [reached, trial.lossReached] : [reached / original.chance, relativeReached(trial)];
  return (
    Number.isFinite(trial.lossReached) &&
    (warning.kind === 'output_mismatch' || after <= before * (1 + NOT_WORSE_MARGIN) + 1e-12)
  );
}

/**
 * Serious causes the copy's analysis names before training that the original's does not. With two causes at work
 * (inputs in the tens at SGD 3), a repair of one removes its warning and uncovers the other, and neither repair
 * alone helps: only the pair can.
 */
export function exposedCauses(original: Trial, trial: Trial | undefined): Warning[] {
  const known = new Set(original.report.warnings.filter(isSerious).map((w) => w.kind));
  return (trial?.report.warnings ?? []).filter((w) => isCause(w) && isSerious(w) && !known.has(w.kind));
}

/** Serious kinds the copy has that the original had not (a network NaN from the start hides all but non_finite). */
export function newSeriousKinds(warning: Warning, original: Trial, trial: Trial): string[] {
  const known = new Set(original.serious.map((w) => w.kind));
  const blind = original.report.warnings.some((w) => w.kind === 'non_finite');
  const kinds = trial.serious.map((w) => w.kind);
  return [...new Set(kinds.filter((k) => k !== warning.kind && !known.has(k) && (!blind || k === 'non_finite')))];
}

/** The measured effect of one fix (a copy that did not change or did not load never helps). */
export function effectOf(warning: Warning, original: Trial, trial: Trial | undefined): FixEffect {
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

/**
 * The figure the warning is about, before → after, at its layer (e.g. "; ‖∇W‖ at 'h1' 1e-9 → 3e-3"); none for
 * units that were not yet dead or saturated at the start (a warning about units lost while training).
 */
function layerFigure(warning: Warning, before: AnalysisReport, after: AnalysisReport): string {
  const l = warning.layerIndex;
  const a = before.layers[l];
  const b = after.layers[l];
  if (!a || !b) return '';
  const units = (what: string, x: number, y: number): string => (x ? `; ${what} units in '${a.name}' ${x} → ${y}` : '');
  switch (warning.kind) {
    case 'vanishing_gradient':
    case 'exploding_gradient':
      return `; ‖∇W‖ at '${a.name}' ${fmt(a.gradients.weightNorm)} → ${fmt(b.gradients.weightNorm)}`;
    case 'dead_relu':
      return units('dead', a.deadUnits.length, b.deadUnits.length);
    case 'saturated_activation':
      return units('saturated', a.saturatedUnits.length, b.saturatedUnits.length);
    default:
      return '';
  }
}
