/** The warning kinds the evaluation scores, and the shape of the corpus manifest (eval/corpus.json). */
import { WARNING_KINDS } from '../src/core/diagnosis/report';

/** Every warning kind scored: all of them, as the diagnosis defines them (one list, in report.ts). */
export const EVAL_KINDS = WARNING_KINDS;
/** One scored warning kind. */
export type EvalKind = (typeof EVAL_KINDS)[number];

/** How a case is run: `analyze FILE --json` (the file's state) or `train FILE --json` (its full step count). */
export type CaseMode = 'analyze' | 'train';

/** The corpus's parts, in the order they are reported. */
export const CASE_PARTS = ['tune', 'heldout', 'heldout-seeds', 'random', 'random-heldout'] as const;
export type CasePart = (typeof CASE_PARTS)[number];

/** One labelled case of the corpus. */
export interface CorpusCase {
  readonly id: string;
  /** Path of the network file relative to eval/. */
  readonly file: string;
  /**
   * Rules are tuned on `tune` only; `heldout` is scored, never tuned on; `heldout-seeds` holds the held-out cases
   * rebuilt on other seeds (labels and targets measured afresh), a second scored draw of the same designs;
   * `random` holds random practitioner networks (familiesRandom.ts), which rules may be tuned on;
   * `random-heldout` holds more of them, drawn on other seeds and never tuned on.
   */
  readonly part: CasePart;
  /** Kinds that must fire (a warning of that kind with severity warning or error). */
  readonly fires: readonly EvalKind[];
  /** Kinds this case was built to resemble without having: they must not fire. */
  readonly nearMiss: readonly EvalKind[];
  /** Kinds acceptable either way (measured in the grey zone between the must-fire and must-not thresholds). */
  readonly allow: readonly EvalKind[];
  /** A network with no fault: no serious warning of any kind is allowed. */
  readonly healthy: boolean;
  readonly mode: CaseMode;
  /** The loss a repaired network reaches in `steps` steps (worst of 3 seeds); undefined when nothing fires. */
  readonly target?: { readonly loss: number; readonly steps: number };
  /** How the label was established, with the measured numbers. */
  readonly established: string;
}

/** The manifest: every case, and how the corpus was built. */
export interface Corpus {
  readonly version: 1;
  readonly seed: number;
  readonly kinds: readonly EvalKind[];
  readonly cases: readonly CorpusCase[];
}
