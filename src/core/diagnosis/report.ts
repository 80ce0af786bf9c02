/**
 * What one analysis or one training run produces: plain JSON-serialisable data shared by
 * the CLI (`--json`), the diagnostics, and the webviews (sent over postMessage as is).
 */
import type { Fix } from '../format/fixEdits';

/** Summary statistics of a set of numbers. */
export interface Stats {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/** Equal-width histogram over [min, max]; counts.length bins. */
export interface Histogram {
  readonly min: number;
  readonly max: number;
  readonly counts: readonly number[];
}

/** Per-layer figures of one full-batch forward/backward pass. */
export interface LayerReport {
  readonly index: number;
  readonly name: string;
  readonly units: number;
  /** Activation type id, e.g. "relu" or "leaky_relu". */
  readonly activation: string;
  /** Outputs a = f(z) over all samples and units; `fractionZero` counts exact zeros. */
  readonly activations: Stats & { readonly histogram: Histogram; readonly fractionZero: number };
  /** Pre-activations z = W·x + b. */
  readonly preactivations: Stats;
  /** Local derivative magnitudes |f'(z)| (softmax: the Jacobian diagonal y(1−y)). */
  readonly derivatives: {
    readonly meanAbs: number;
    readonly min: number;
    readonly max: number;
    readonly histogram: Histogram;
  };
  readonly gradients: {
    /** ‖∂E/∂W‖₂ (Frobenius). */
    readonly weightNorm: number;
    /** ‖∂E/∂b‖₂. */
    readonly biasNorm: number;
    /** ‖∂E/∂W‖ / ‖W‖. */
    readonly ratioToWeights: number;
    /** lr·‖∂E/∂W‖ / ‖W‖: relative size of one SGD update (healthy ≈ 1e-3). */
    readonly updateRatio: number;
    /** Mean |∂E/∂W| over entries. */
    readonly meanAbs: number;
    /** ‖∂E/∂a‖₂ of this layer's output, the signal backprop hands to it. */
    readonly outputGradNorm: number;
  };
  /** ‖W‖₂ (Frobenius). */
  readonly weightNorm: number;
  /** Units whose pre-activation is ≤ 0 for every sample (ReLU family only). */
  readonly deadUnits: readonly number[];
  /** Units with |f'(z)| below the saturation threshold for nearly all samples (sigmoid/tanh family). */
  readonly saturatedUnits: readonly number[];
  /** Per-unit mean activation and mean |f'(z)|, for heat strips and the diagram. */
  readonly unitMeanActivation: readonly number[];
  readonly unitMeanDerivative: readonly number[];
  /**
   * Units × samples activations when the layer is small enough to draw (units·samples ≤ 4096),
   * row-major by unit.
   */
  readonly heat?: { readonly samples: number; readonly values: readonly number[] };
}

/** Every warning kind, in the order the CLI documents them. */
export const WARNING_KINDS = [
  'vanishing_gradient',
  'exploding_gradient',
  'dead_relu',
  'saturated_activation',
  'non_finite',
  // static checks of the file, found without running anything
  'bad_init',
  'output_mismatch',
  // features far from unit scale: the cause of saturated, exploding or dead symptoms
  'data_scale',
  // the optimizer's first step (or steps over time) rewrites more than the weights
  'learning_rate_too_high',
  // over-time checks during training
  'loss_diverging',
  // the loss stays at the chance level: the loss of the best constant prediction
  'not_learning',
] as const;
/** What went wrong, as a stable code shared by CLI, diagnostics and quick fixes. */
export type WarningKind = (typeof WARNING_KINDS)[number];

/** How serious a warning is: 'error' blocks learning outright, 'info' is context. */
export type Severity = 'error' | 'warning' | 'info';

/** One diagnosis: what, where, the evidence, and what to do about it. */
export interface Warning {
  /** Stable identity from kind, layers and first step (see warningId), for views and commands to refer to. */
  readonly id?: string;
  readonly kind: WarningKind;
  readonly severity: Severity;
  /** Name of the layer where the problem starts (or the network's name when it is global). */
  readonly layer: string;
  /** Index into `layers`, or -1 for network-wide warnings. */
  readonly layerIndex: number;
  readonly units: readonly number[];
  /** What a student reads first. */
  readonly message: string;
  /** The evidence, with the measured numbers. */
  readonly cause: string;
  /** What to change, in words. */
  readonly fix: string;
  /** Applicable repairs, best first (once verified: only those that helped, ranked by the loss reached). */
  readonly fixes: readonly Fix[];
  /** Whether `fixes` were verified on a copy (see fixVerification.ts). */
  readonly fixesVerified?: boolean;
  /** Candidates tried that did not help, each with its measured effect. */
  readonly rejectedFixes?: readonly Fix[];
  /** Every layer the warning covers, when more than `layerIndex` (e.g. a run of badly initialised layers). */
  readonly layers?: readonly number[];
  /** The id of the warning naming this symptom's cause, when one was found. */
  readonly causeId?: string;
  /** Training step at which the condition first held (over-time diagnosis only). */
  readonly firstStep?: number;
  /**
   * Set on a deeper layer's dead units found in one pass, before any training run judged them: units fed by
   * other layers may revive as those change (see unitRules.dead), so they are information until a run shows not.
   */
  readonly revivable?: boolean;
}

/** Result of one full-batch analysis. */
export interface AnalysisReport {
  readonly network: string;
  readonly loss: number;
  /** The loss of the best constant prediction on the same data: what a network that learns nothing reaches. */
  readonly chanceLoss: number;
  readonly samples: number;
  readonly parameters: number;
  readonly layers: readonly LayerReport[];
  readonly warnings: readonly Warning[];
}

/** One training step, measured before its update. */
export interface StepRecord {
  readonly step: number;
  readonly loss: number;
  /** ‖∂E/∂W‖ per layer. */
  readonly gradNorms: readonly number[];
  /** lr·‖∂E/∂W‖/‖W‖ per layer (the actual optimizer update size for adam/momentum). */
  readonly updateRatios: readonly number[];
  /** Fraction of dead units per layer on this minibatch (0 for non-ReLU layers). */
  readonly deadFractions: readonly number[];
  /** Fraction of saturated units per layer (0 for non-saturating activations). */
  readonly saturatedFractions: readonly number[];
  /** Activation percentiles per layer: [p5, p25, p50, p75, p95]. */
  readonly activationPercentiles: readonly (readonly number[])[];
}

/** Chain-rule breakdown of one weight's gradient, with the actual numbers. */
export interface WeightExplanation {
  readonly layerIndex: number;
  readonly unit: number;
  /** Index of the input feeding this weight; -1 for the bias. */
  readonly input: number;
  readonly weight: number;
  readonly gradient: number;
  readonly learningRate: number;
  readonly updated: number;
  /** Human-readable lines, e.g. "∂E/∂y = 0.312", in chain-rule order. */
  readonly terms: readonly { readonly label: string; readonly formula: string; readonly value: number }[];
  /** Samples the gradient sums over. */
  readonly samples: number;
}
