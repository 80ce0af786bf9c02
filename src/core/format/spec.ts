/**
 * Network file format v1 (`*.net.json`) after validation: every default filled in,
 * every name checked, every shape consistent. Produced by `parseNetworkText` (parse.ts).
 */

import type { ActivationName } from './activationFacts';

/** An activation with its parameter: `alpha` is leaky_relu's negative slope or elu's scale. */
export interface ActivationSpec {
  readonly type: ActivationName;
  readonly alpha?: number;
}

/**
 * Weight initialisers: he/lecun are normal with std √(2/fan_in) and √(1/fan_in); xavier is uniform
 * ±√(6/(fan_in+fan_out)).
 */
export type InitSpec =
  | { readonly type: 'he' }
  | { readonly type: 'xavier' }
  | { readonly type: 'lecun' }
  | { readonly type: 'zeros' }
  | { readonly type: 'normal'; readonly std: number }
  | { readonly type: 'uniform'; readonly limit: number };
/** Initialiser names, as the schema lists them. */
export const INIT_NAMES = ['he', 'xavier', 'lecun', 'zeros', 'normal', 'uniform'] as const;

/**
 * One dense layer z = W·x + b, a = f(z); `weights` is units × inputs (row j feeds unit j, as torch
 * nn.Linear.weight).
 */
export interface LayerSpec {
  readonly name: string;
  readonly units: number;
  readonly activation: ActivationSpec;
  /** Initialiser used when `weights` is absent (default: he for relu-like, xavier otherwise). */
  readonly init: InitSpec;
  readonly weights?: readonly (readonly number[])[];
  readonly bias?: readonly number[];
}

/** Loss names, as the schema lists them. */
export const LOSS_NAMES = ['mse', 'half_sse', 'cross_entropy', 'binary_cross_entropy'] as const;
/**
 * mse: mean over all elements; half_sse: ½Σ(y−t)² per sample, averaged; cross_entropy: −Σt·log y
 * averaged (softmax output); binary_cross_entropy: torch BCELoss.
 */
export type LossName = (typeof LOSS_NAMES)[number];

/** Built-in 2-feature data sets: XOR quadrants, a circle inside a ring, two spirals, two Gaussians. */
export const GENERATOR_NAMES = ['xor', 'circle', 'spiral', 'gauss'] as const;
/** One of the built-in data generators. */
export type GeneratorName = (typeof GENERATOR_NAMES)[number];

/** Input normalisations (format v1.1), per feature over the training data: see `normalizeInputs`. */
export const NORMALIZE_NAMES = ['standard', 'minmax'] as const;
/** standard: (x − mean)/std (population std); minmax: (x − min)/(max − min), into [0, 1]. */
export type NormalizeKind = (typeof NORMALIZE_NAMES)[number];

/** What every data source may add (format v1.1). */
export interface DataOptions {
  /** Normalise the input features before use (absent: inputs as given). */
  readonly normalize?: NormalizeKind;
  /**
   * The file gives one class index per sample (0 … k−1) for a softmax output of k units; inline targets are
   * already one-hot here, CSV ones become one-hot when loaded.
   */
  readonly classIndexTargets?: boolean;
}

/** Where the samples come from. CSV paths are relative to the network file and stay inside its workspace folder. */
export type DataSpec = DataOptions &
  (
    | {
        readonly kind: 'inline';
        readonly inputs: readonly (readonly number[])[];
        readonly targets: readonly (readonly number[])[];
      }
    | { readonly kind: 'generate'; readonly generator: GeneratorName; readonly samples: number; readonly noise: number }
    | { readonly kind: 'csv'; readonly path: string; readonly targets: readonly string[] }
  );

/** Optimizer names, as the schema lists them. */
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam'] as const;
/** One of the optimizers, each as torch.optim implements it. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Gradient clipping as torch.nn.utils.clip_grad_norm_ (total L2 norm over all parameters) or clip_grad_value_. */
export type ClipSpec = { readonly norm: number } | { readonly value: number };

/** Training settings; one step = forward, loss, backward, clip, update on one minibatch. */
export interface TrainingSpec {
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  /** Momentum coefficient for 'momentum' (default 0.9; dampening 0, as torch.optim.SGD). */
  readonly momentum: number;
  /** Minibatch size; undefined means all samples. */
  readonly batchSize?: number;
  /** Number of steps `train` runs (default 100). */
  readonly steps: number;
  /** Reshuffle (seeded) at each pass over the data; otherwise minibatches are taken in data order, cycling. */
  readonly shuffle: boolean;
  readonly clip?: ClipSpec;
}

/** A validated network file. */
export interface NetworkSpec {
  readonly name: string;
  /** Seed for every random choice (init, generated data, shuffling). */
  readonly seed: number;
  /** Number of input features. */
  readonly input: number;
  readonly layers: readonly LayerSpec[];
  readonly loss: LossName;
  readonly data: DataSpec;
  readonly training: TrainingSpec;
}

/** Documented caps: beyond these a file is rejected with a clear error rather than hanging the editor. */
export const LIMITS = {
  maxLayers: 64,
  maxUnits: 4096,
  maxParameters: 5_000_000,
  maxSamples: 100_000,
  /** samples × widest layer: bounds the memory of one full-batch analysis. */
  maxActivationCells: 20_000_000,
  maxSteps: 1_000_000,
  /** Levels of [ and { in a file: a network file needs 4 (root, layers or data, rows, row). */
  maxNesting: 64,
  /**
   * Largest CSV file read, checked before reading: 256 MB, a sixth of the default 1.5 GB memory budget, since
   * the bytes, their decoded text and the parsed matrix are held together while it loads.
   */
  maxCsvBytes: 256 * 2 ** 20,
} as const;

/** Default number of training steps when `training.steps` is absent. */
export const DEFAULT_STEPS = 100;

/** A 0-based position in the file text (line, UTF-16 character), as vscode.Position. */
export interface TextPosition {
  readonly line: number;
  readonly character: number;
}

/** A problem in a network file, positioned at the offending JSON value. */
export interface SpecProblem {
  /** JSON path to the value, e.g. ["layers", 2, "activation"]. */
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** Character offset and length of the value in the text. */
  readonly offset: number;
  readonly length: number;
  readonly start: TextPosition;
  readonly end: TextPosition;
}

/** Layer parameters as nested arrays (weights units × inputs), the file format's layout. */
export interface LayerParameters {
  readonly layer: string;
  readonly weights: number[][];
  readonly bias: number[];
}

/** Samples as flat row-major matrices: inputs samples × inputSize, targets samples × targetSize. */
export interface Dataset {
  readonly samples: number;
  readonly inputSize: number;
  readonly targetSize: number;
  readonly inputs: Float64Array;
  readonly targets: Float64Array;
}
