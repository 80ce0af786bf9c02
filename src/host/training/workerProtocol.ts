/**
 * Messages between the extension host's TrainingController and the training worker thread
 * (dist/trainingWorker.js). Type-only; both sides switch exhaustively on `type`.
 */
import type { Thresholds } from '../../core/diagnosis/thresholds';
import type { StepRecord, Warning, WeightExplanation } from '../../core/diagnosis/report';
import type { LayerParameters, SpecProblem } from '../../core/format/spec';
import type { DecisionSurface } from '../../core/surface';

/** Controller → worker. */
export type ToWorker =
  /**
   * Parse the file text and build the network at its initial weights; CSV contents keyed by the
   * path written in the file.
   */
  | {
      readonly type: 'load';
      readonly text: string;
      readonly csv: Readonly<Record<string, string>>;
      readonly thresholds?: Partial<Thresholds>;
    }
  /** Train `steps` more steps, posting progress at most every `throttleMs`. */
  | { readonly type: 'run'; readonly steps: number; readonly throttleMs: number }
  | { readonly type: 'pause' }
  /** Back to the file's initial weights, with fresh optimizer state and history. */
  | { readonly type: 'reset' }
  | { readonly type: 'getParameters' }
  | { readonly type: 'explain'; readonly layerIndex: number; readonly unit: number; readonly input: number };

/** Why a run stopped. */
export type StopReason = 'completed' | 'paused' | 'nonFinite';

/** Worker → controller. */
export type FromWorker =
  | { readonly type: 'loaded'; readonly problems: readonly SpecProblem[] }
  | {
      readonly type: 'progress';
      readonly stepsDone: number;
      readonly records: readonly StepRecord[];
      readonly surface?: DecisionSurface;
    }
  | {
      readonly type: 'stopped';
      readonly reason: StopReason;
      readonly stepsDone: number;
      readonly warnings: readonly Warning[];
    }
  | { readonly type: 'parameters'; readonly parameters: readonly LayerParameters[] }
  | { readonly type: 'explanation'; readonly explanation: WeightExplanation }
  | { readonly type: 'error'; readonly message: string };
