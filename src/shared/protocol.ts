/**
 * The one message protocol between the extension host and its webviews (panel and side view).
 * Type-only: adds nothing to either bundle. The host validates every FromWebview message with
 * `isFromWebview` (src/host/messaging.ts) before use: webview messages are untrusted.
 */
import type { AnalysisReport, LayerReport, StepRecord, Warning, WeightExplanation } from '../core/diagnosis/report';
import type { FixAction } from '../core/format/fixEdits';
import type { Wire, WireNumber } from './numbers';

/** A validation error with its position in the file (0-based line/character, as vscode.Range). */
export interface ProblemView {
  readonly message: string;
  readonly path: string;
  readonly line: number;
  readonly character: number;
}

/** One layer of the diagram, with its activation's formulas (so the webviews need no core code). */
export interface LayerShapeView {
  readonly name: string;
  readonly units: number;
  readonly activation: string;
  /** f(z), e.g. "relu(z) = max(0, z)". */
  readonly formula: string;
  /** f'(z), e.g. "relu'(z) = 1 if z > 0, else 0". */
  readonly derFormula: string;
}

/** Network structure for the diagram: units per layer, input first. */
export interface ShapeView {
  readonly input: number;
  readonly layers: readonly LayerShapeView[];
}

/** Everything a webview needs to draw the current state of one network file. */
export interface DocumentState {
  /** URI string of the network file. */
  readonly uri: string;
  /** File name for display (render with textContent). */
  readonly fileName: string;
  /** Last good analysis; kept when the file becomes invalid so nothing is lost. */
  readonly report?: AnalysisReport;
  readonly shape?: ShapeView;
  /** Current validation errors; non-empty means `report` is stale. For a run log: the skipped lines. */
  readonly problems: readonly ProblemView[];
  /** Set when the file is a training run's log (`*.gd.jsonl`) rather than a network file. */
  readonly run?: RunStateView;
}

/** A training run read from its log: what the panel and the side view show instead of an analysis. */
export interface RunStateView {
  /** The observed layers, in model order (from the log's header). */
  readonly layerNames: readonly string[];
  /** How the run was made, in one line: strategy, optimizer, loss, every. */
  readonly facts: string;
  /** Lines skipped in all (the first of them are listed in `problems`, with their line numbers). */
  readonly skippedLines: number;
  /** Why the log cannot be read (not a run log, an unknown format version, no longer there). */
  readonly error?: string;
}

/** Training progress for the over-time charts. */
export interface TrainingView {
  readonly running: boolean;
  readonly stepsDone: number;
  readonly stepsTotal: number;
  readonly history: readonly StepRecord[];
  /** Which training run the history is of (a new one after Reset or an edit): progress applies to the same run only. */
  readonly runId?: number;
  /** A status line in place of the training progress (a run read from its log says how far it got). */
  readonly status?: string;
  /** Over-time warnings of the run so far (each with the step it first held). */
  readonly warnings: readonly Warning[];
  /** Decision surface for 2-input networks: res × res outputs over [xMin,xMax]×[yMin,yMax]. */
  readonly surface?: {
    readonly res: number;
    readonly xMin: number;
    readonly xMax: number;
    readonly yMin: number;
    readonly yMax: number;
    readonly values: readonly number[];
    readonly points: readonly { readonly x: number; readonly y: number; readonly label: number }[];
  };
}

/**
 * What a training run added since the last message to the same webview, applied to the view it holds: the
 * records after step `since`, selected in chart buckets of `bucket` steps (src/shared/chartHistory.ts), the
 * surface only when it was redrawn, and the rest of the view as it is now.
 */
export interface TrainingProgressView extends Omit<TrainingView, 'history' | 'runId'> {
  readonly runId: number;
  /** The step of the last record the webview was sent (-1 for none): the records follow on from it. */
  readonly since: number;
  readonly bucket: number;
  readonly records: readonly StepRecord[];
}

/** Host → webview as the host builds it, with plain numbers; `post` (src/host/messaging.ts) encodes it. */
export type HostMessage =
  | { readonly type: 'state'; readonly state: DocumentState | undefined }
  | { readonly type: 'training'; readonly training: TrainingView }
  | { readonly type: 'trainingProgress'; readonly progress: TrainingProgressView }
  | { readonly type: 'explanation'; readonly explanation: WeightExplanation }
  | { readonly type: 'busy'; readonly busy: boolean; readonly label?: string };

/**
 * Host → webview as the webview receives it: through `encodeNonFinite`, so any number may be "NaN"
 * or "±Infinity".
 */
export type ToWebview = Wire<HostMessage>;

/** Webview → host. Untrusted: checked by the host's runtime guard. */
export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'reveal'; readonly layerIndex: number; readonly warningIndex?: number }
  /** Apply fix `fixIndex` of the warning with this id (the host checks it is still current). */
  | { readonly type: 'applyFix'; readonly warningId: string; readonly fixIndex: number }
  | { readonly type: 'command'; readonly command: WebviewCommand }
  | { readonly type: 'explainWeight'; readonly layerIndex: number; readonly unit: number; readonly input: number };

/** Host commands a webview button may trigger (a fixed list, never a free-form command id). */
export const WEBVIEW_COMMANDS = [
  'analyze',
  'gradientCheck',
  'train',
  'step',
  'pause',
  'reset',
  'openPanel',
  'exportReport',
] as const;
/** One of the host commands a webview button may request. */
export type WebviewCommand = (typeof WEBVIEW_COMMANDS)[number];

/** Re-exported so webview code imports report and wire types from one place. */
export type { AnalysisReport, FixAction, LayerReport, StepRecord, Warning, WeightExplanation, Wire, WireNumber };
