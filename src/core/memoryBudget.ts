/**
 * A run's memory, predicted before anything is allocated: every buffer the loader, the network, the
 * trainer, the optimizer, the kernels and the final full-batch analysis will hold, counted the way
 * those modules allocate them (the heaviest command, `train`, does all of it). Files whose prediction
 * exceeds the budget are refused with the figure and what to reduce.
 */
import { OptimizerName } from './format/spec';
import { IN_PLACE_MAX_B } from './kernels/workspace';

const DOUBLE = 8;
/** The memory budget when none is given: 1.5 GB. */
export const DEFAULT_MAX_MEMORY_MB = 1536;
/** Heap bytes of one value of the file's syntax tree and its copy in the validated spec (measured, rounded up). */
export const TREE_BYTES_PER_VALUE = 160;
/** Bytes per parameter of a result printed as JSON: the nested arrays plus their text (measured, rounded up). */
const OUTPUT_BYTES_PER_PARAMETER = 48;
/** The batch-sized buffers of a dense layer per row and unit: z, a, f'(z), ∂E/∂a, ∂E/∂z (see DenseLayer). */
const BUFFERS_PER_UNIT = 5;

/** What a run's memory depends on. */
export interface RunShape {
  readonly input: number;
  /** Units of each layer, first to last. */
  readonly units: readonly number[];
  readonly samples: number;
  /** Minibatch rows (undefined: all samples). */
  readonly batchSize?: number;
  readonly optimizer: OptimizerName;
  /** Values in the file's syntax tree (inline data and weights), see countJsonValues. */
  readonly fileValues?: number;
  /** Bytes of the CSV text held while it is parsed (the file's bytes and its decoded string). */
  readonly csvBytes?: number;
}

/** Predicted bytes, by what holds them. */
export interface MemoryPrediction {
  readonly bytes: number;
  readonly parts: {
    /** The syntax tree, the CSV text, the data matrix and the trainer's batch copy. */
    readonly data: number;
    /** The batch-sized buffers of every layer, at the minibatch and at the full batch of the analysis. */
    readonly layerBuffers: number;
    /** Weights, biases and their gradients (twice: the trained network and the initial copy), and the output. */
    readonly parameters: number;
    /** Optimizer state: Adam m and v (2 per parameter), momentum's velocity (1). */
    readonly optimizer: number;
    /** The kernels' transposed copies of large products (grown, never shrunk). */
    readonly scratch: number;
  };
}

/** Predicts the bytes a run of this shape holds at its peak. */
export function predictRunBytes(shape: RunShape): MemoryPrediction {
  const { input, units, samples: n, optimizer } = shape;
  const b = Math.min(n, shape.batchSize ?? n);
  const outputs = units[units.length - 1];
  let parameters = 0;
  let fanIn = input;
  for (const u of units) {
    parameters += (fanIn + 1) * u;
    fanIn = u;
  }
  const unitSum = units.reduce((s, u) => s + u, 0);
  const batches = b < n ? [b, n] : [n];
  const data =
    (shape.fileValues ?? 0) * TREE_BYTES_PER_VALUE +
    (shape.csvBytes ?? 0) +
    DOUBLE * (n * (input + outputs) + b * (input + outputs) + n / 2);
  // every batch size gets fresh buffers; the analysis copies the data's inputs next to its first layer
  const layerBuffers = DOUBLE * (batches.reduce((s, rows) => s + BUFFERS_PER_UNIT * rows * unitSum, 0) + n * input);
  const parts = {
    data,
    layerBuffers,
    parameters: parameters * (4 * DOUBLE + OUTPUT_BYTES_PER_PARAMETER),
    optimizer: DOUBLE * parameters * (optimizer === 'adam' ? 2 : optimizer === 'momentum' ? 1 : 0),
    scratch: DOUBLE * scratchDoubles(input, units, batches),
  };
  return { bytes: Object.values(parts).reduce((s, v) => s + v, 0), parts };
}

/**
 * Doubles the kernels allocate as scratch over backward passes at each batch size in turn, replaying
 * Workspace.timesB: Aᵀ·B with k·n > IN_PLACE_MAX_B transposes both operands (slots A and B), A·B only B;
 * a slot that is too small gets a fresh buffer and the old one stays allocated.
 */
function scratchDoubles(input: number, units: readonly number[], batches: readonly number[]): number {
  const slot = { A: 0, B: 0 };
  let total = 0;
  const need = (which: 'A' | 'B', length: number): void => {
    if (slot[which] >= length) return;
    slot[which] = length;
    total += length;
  };
  for (const rows of batches) {
    for (let l = units.length - 1; l >= 0; l--) {
      const inSize = l === 0 ? input : units[l - 1];
      // ∂E/∂W = (∂E/∂z)ᵀ·x: m = units, n = inSize, k = rows
      if (rows * inSize > IN_PLACE_MAX_B) {
        need('A', rows * units[l]);
        need('B', rows * inSize);
      }
      // ∂E/∂x = ∂E/∂z·W: m = rows, n = inSize, k = units
      if (l > 0 && units[l] * inSize > IN_PLACE_MAX_B) need('B', units[l] * inSize);
    }
  }
  return total;
}

/** Bytes as people read them: "1.5 GB", "640 MB". */
export function formatBytes(bytes: number): string {
  const mb = bytes / 2 ** 20;
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.max(1, Math.round(mb))} MB`;
}

/**
 * Why a prediction over `limitBytes` is refused, naming its largest part and what to reduce;
 * `widest` names the layer with the most units.
 */
export function memoryRefusal(
  prediction: MemoryPrediction,
  limitBytes: number,
  samples: number,
  widest: { name: string; units: number },
): string {
  const { parts } = prediction;
  const [largest] = (Object.keys(parts) as (keyof MemoryPrediction['parts'])[]).sort((a, b) => parts[b] - parts[a]);
  const count = (v: number): string => v.toLocaleString('en-US');
  const advice: Record<typeof largest, string> = {
    data: `the data (${count(samples)} samples) takes ${formatBytes(parts.data)}: use fewer samples`,
    layerBuffers:
      `the layers' batch-sized buffers take ${formatBytes(parts.layerBuffers)} at ${count(samples)} samples: ` +
      `use fewer samples, or fewer units ('${widest.name}' has ${count(widest.units)})`,
    parameters: `the parameters take ${formatBytes(parts.parameters)}: use fewer or narrower layers`,
    optimizer: `the optimizer state takes ${formatBytes(parts.optimizer)}: use fewer or narrower layers, or sgd`,
    scratch: `the kernels' scratch takes ${formatBytes(parts.scratch)}: use fewer samples or narrower layers`,
  };
  return (
    `this network needs about ${formatBytes(prediction.bytes)} of memory to run, over the limit of ` +
    `${formatBytes(limitBytes)} (setting gradientDebugger.limits.maxMemoryMB, CLI --max-memory): ${advice[largest]}`
  );
}
