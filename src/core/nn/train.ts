/**
 * Training: one step = forward, loss, backward, clip, update on one minibatch.
 * Minibatches follow torch's DataLoader: each pass over the data is cut into ⌈N/B⌉ batches in
 * data order (the last may be smaller), reshuffled with a seeded permutation per pass when `shuffle`.
 */
import { clipGradients } from './clip';
import { Network } from './network';
import { Optimizer } from './optimizers';
import { Rng, createRng } from './rng';
import { Dataset, NetworkSpec } from '../format/spec';

/** Seed offset of the shuffling stream, so shuffling never correlates with initialisation. */
const SHUFFLE_STREAM = 0x51f15e;

/** Runs training steps on one network, keeping optimizer state and the position in the data. */
export class Trainer {
  /** Steps taken so far. */
  stepsDone = 0;
  readonly batchSize: number;
  private readonly optimizer: Optimizer;
  private readonly order: Int32Array;
  private readonly shuffleRng: Rng | undefined;
  private readonly batchInputs: Float64Array;
  private readonly batchTargets: Float64Array;
  /** ‖ΔW‖² of each layer's weights at the last update. */
  readonly updateSquares: Float64Array;
  /** Rows in the minibatch of the last `gradients()` call. */
  batchRows = 0;
  private position = 0;

  constructor(
    readonly spec: NetworkSpec,
    readonly network: Network,
    readonly dataset: Dataset,
  ) {
    const n = dataset.samples;
    this.batchSize = Math.min(n, spec.training.batchSize ?? n);
    this.optimizer = Optimizer.create(spec.training, network.layers);
    this.order = Int32Array.from({ length: n }, (_, i) => i);
    this.shuffleRng = spec.training.shuffle ? createRng(spec.seed ^ SHUFFLE_STREAM) : undefined;
    // where the first layer reads it in place
    this.batchInputs = network.workspace.alloc(this.batchSize * dataset.inputSize);
    this.batchTargets = new Float64Array(this.batchSize * dataset.targetSize);
    this.updateSquares = new Float64Array(network.layers.length);
    if (this.batchSize === n && !this.shuffleRng) {
      this.batchInputs.set(dataset.inputs);
      this.batchTargets.set(dataset.targets);
    }
  }

  /**
   * Copies the next minibatch into the batch buffers (already there for an unshuffled full batch);
   * returns its size.
   */
  private nextBatch(): number {
    const { dataset, order } = this;
    const n = dataset.samples;
    if (this.position === 0 && this.shuffleRng) shuffle(order, this.shuffleRng);
    const size = Math.min(this.batchSize, n - this.position);
    if (size === n && !this.shuffleRng) return size; // the whole data set in order: copied once, in the constructor
    copyRows(dataset.inputs, dataset.inputSize, order, this.position, size, this.batchInputs);
    copyRows(dataset.targets, dataset.targetSize, order, this.position, size, this.batchTargets);
    this.position = (this.position + size) % n;
    return size;
  }

  /**
   * Forward, loss and backward on the next minibatch: fills every layer's ∂E/∂W and ∂E/∂b (and the
   * forward caches) for `batchRows` samples. Returns E, measured before any update.
   */
  gradients(): number {
    this.batchRows = this.nextBatch();
    return this.network.lossAndGradients(this.batchInputs, this.batchTargets, this.batchRows);
  }

  /**
   * Clips the gradients `gradients()` left and applies one optimizer step; ‖ΔW‖² per layer goes to
   * `updateSquares`.
   */
  update(): void {
    clipGradients(this.network.layers, this.spec.training.clip);
    this.optimizer.step(this.network.layers, this.updateSquares);
    this.stepsDone++;
  }
}

/** Euclidean (Frobenius) norm √(Σ v²). */
export function norm(v: Float64Array): number {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i] * v[i];
  if ((sq > 1e-280 && sq < 1e280) || Number.isNaN(sq)) return Math.sqrt(sq);
  // the squares under- or overflowed: scale by the largest |v| first (as hypot does)
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  if (max === 0 || max === Infinity) return max;
  let scaled = 0;
  for (let i = 0; i < v.length; i++) scaled += (v[i] / max) * (v[i] / max);
  return max * Math.sqrt(scaled);
}

/**
 * Copies rows order[from], …, order[from + count − 1] of `src` (rows of `width`) into the first
 * `count` rows of `dst`.
 */
function copyRows(
  src: Float64Array,
  width: number,
  order: Int32Array,
  from: number,
  count: number,
  dst: Float64Array,
): void {
  for (let b = 0; b < count; b++) {
    const s = order[from + b] * width,
      d = b * width;
    for (let i = 0; i < width; i++) dst[d + i] = src[s + i];
  }
}

/** Fisher–Yates shuffle in place. */
function shuffle(order: Int32Array, rng: Rng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
}
