/**
 * Messages between the extension host and its worker threads (dist/coreWorker.js): every request
 * carries an id, and every reply, progress report or error names the id it answers, so concurrent
 * requests of the same kind (a hover and a panel click both explaining a weight) never cross.
 * Type-only; both sides switch exhaustively on `type`.
 */
import type { GradientCheckResult } from '../../core/gradcheck';
import type { AnalysisReport, StepRecord, Warning, WeightExplanation } from '../../core/diagnosis/report';
import type { Thresholds } from '../../core/diagnosis/thresholds';
import type { LayerParameters, SpecProblem } from '../../core/format/spec';
import type { CsvRefusal } from '../../core/load';
import type { DecisionSurface } from '../../core/surface';

/**
 * A network file's text, or its path on disk for the worker to read itself: files over VS Code's 50 MB
 * limit, which the editor never hands to extensions (and which should not cross the host's thread).
 */
export type NetworkSource =
  { readonly text: string; readonly diskPath?: undefined } | { readonly diskPath: string; readonly text?: undefined };

/** A network file with the CSV contents it names, keyed by the path written in the file. */
export type FileInput = NetworkSource & FileExtras;

/** What comes with a network file's text: its CSV contents, limits and thresholds. */
export interface FileExtras {
  readonly csv: Readonly<Record<string, string>>;
  /** CSV files the host refused to read, with the reason (outside the workspace, not a regular file, too large). */
  readonly refused?: Readonly<Record<string, CsvRefusal>>;
  /** Refuse files whose predicted memory exceeds this many MB. */
  readonly maxMemoryMB?: number;
  readonly thresholds?: Partial<Thresholds>;
  /** Live analysis uses at most this many samples. */
  readonly maxSamples?: number;
}

/** What the host can ask a worker, by type. */
export type WorkerRequest =
  /** Build the network to train at its initial weights (one per training worker). */
  | ({ readonly type: 'load' } & FileInput)
  /** Train `steps` more steps of the loaded network, reporting progress at most every `throttleMs`. */
  | { readonly type: 'train'; readonly steps: number; readonly throttleMs: number }
  | { readonly type: 'pause' }
  /** Back to the file's initial weights, with fresh optimizer state and history. */
  | { readonly type: 'reset' }
  | { readonly type: 'getParameters' }
  /** One weight's chain rule: on the loaded (trained) network, or on `file` at its initial weights. */
  | {
      readonly type: 'explain';
      readonly layerIndex: number;
      readonly unit: number;
      readonly input: number;
      readonly file?: FileInput;
    }
  /** Load and analyse a file (stateless). */
  | ({ readonly type: 'analyze' } & FileInput)
  /** Central differences against backprop on a file at its initial weights (stateless). */
  | ({ readonly type: 'gradientCheck'; readonly tolerance?: number } & FileInput)
  /** Apply each warning's candidate fixes to copies of the file, train them briefly, keep the ones that help. */
  | ({ readonly type: 'verifyFixes'; readonly warnings: readonly Warning[] } & FileInput)
  /**
   * Write the trained network into a new file at `target` (never an existing one): the text training started
   * from, with its weights replaced; refused when a value is NaN or infinite.
   */
  | { readonly type: 'writeParameters'; readonly target: string }
  /** Stop the request with id `target` (a no-op when it has finished). */
  | { readonly type: 'cancel'; readonly target: number };

/** Why a training request ended. */
export type StopReason = 'completed' | 'paused' | 'nonFinite';

/** The reply to each request type. */
export interface WorkerResults {
  /**
   * `csvPath`: the CSV a file read from disk names but did not come with, so the host can read it (through
   * the workspace's checks) and load again.
   */
  readonly load: { readonly problems: readonly SpecProblem[]; readonly csvPath?: string };
  readonly train: { readonly reason: StopReason; readonly stepsDone: number; readonly warnings: readonly Warning[] };
  readonly pause: Record<string, never>;
  readonly reset: { readonly surface?: DecisionSurface };
  readonly getParameters: { readonly parameters?: readonly LayerParameters[] };
  readonly explain: { readonly explanation?: WeightExplanation };
  readonly analyze: { readonly problems: readonly SpecProblem[]; readonly report?: AnalysisReport };
  readonly gradientCheck: { readonly problems: readonly SpecProblem[]; readonly check?: GradientCheckResult };
  readonly verifyFixes: { readonly warnings: readonly Warning[] };
  /** `refused`: why nothing was written (no training yet, non-finite values, the target exists or failed). */
  readonly writeParameters: { readonly written: boolean; readonly refused?: string };
  readonly cancel: Record<string, never>;
}

/** Progress reports, for the request types that make them. */
export interface WorkerProgress {
  readonly train: {
    readonly stepsDone: number;
    /** The steps since the previous report, evenly thinned to at most a few hundred (the latest always kept). */
    readonly records: readonly StepRecord[];
    readonly surface?: DecisionSurface;
  };
  readonly gradientCheck: { readonly done: number; readonly total: number };
  /** One warning verified: its index in the request's list, with its ranked fixes. */
  readonly verifyFixes: { readonly index: number; readonly warning: Warning };
}

/** Host → worker. */
export interface ToWorker {
  readonly id: number;
  readonly request: WorkerRequest;
}

/** Worker → host: a reply, a progress report or an error, each naming the request it answers. */
export type FromWorker =
  | { readonly type: 'result'; readonly id: number; readonly result: WorkerResults[WorkerRequest['type']] }
  | { readonly type: 'progress'; readonly id: number; readonly progress: WorkerProgress[keyof WorkerProgress] }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
