/**
 * A dense layer z = x·Wᵀ + b, a = f(z) over a whole batch at once. Forward caches what the
 * chain rule needs (x, z, a, f'(z)); backward turns ∂E/∂z into ∂E/∂W, ∂E/∂b and ∂E/∂x.
 * Every buffer is a flat row-major Float64Array from the network's Workspace (where the SIMD kernels multiply
 * in place), grown only when a larger batch arrives.
 */
import { Activation, activationBackward, applyActivation } from './activations';
import { Workspace } from '../kernels/workspace';

const EMPTY: Float64Array = new Float64Array(0);

/** One fully connected layer with its parameters, gradients and per-batch caches. */
export class DenseLayer {
  /** W, units × inSize: weights[j·inSize + i] is the weight from input i into unit j. */
  readonly weights: Float64Array;
  /** b, one per unit. */
  readonly bias: Float64Array;
  /** ∂E/∂W, same layout as `weights`; overwritten by each backward pass. */
  readonly gradWeights: Float64Array;
  /** ∂E/∂b. */
  readonly gradBias: Float64Array;

  /** x of the last forward pass (batch × inSize): the caller's array, or a copy of it in the workspace. */
  input: Float64Array = EMPTY;
  /** z = x·Wᵀ + b (batch × units). */
  pre: Float64Array = EMPTY;
  /** a = f(z). */
  out: Float64Array = EMPTY;
  /** f'(z) (softmax: the Jacobian diagonal a(1−a)). */
  der: Float64Array = EMPTY;
  /** ∂E/∂a from the last backward pass. */
  gradOut: Float64Array = EMPTY;
  /** ∂E/∂z = ∂E/∂a · f'(z). */
  gradPre: Float64Array = EMPTY;

  private capacity = 0;
  /** Where x is copied when it lives outside the workspace's memory (a caller's data). */
  private staged = EMPTY;
  /**
   * Byte addresses of the buffers in the workspace's memory (−1: not there, multiplied in TypeScript), kept
   * because reading a typed array's offset is a builtin call: the products of a small network are that cheap.
   */
  private readonly at = { weights: -1, gradWeights: -1, pre: -1, gradPre: -1, input: -1, gradInput: -1 };
  /** The ∂E/∂x buffer `at.gradInput` was read from. */
  private gradInputSeen = EMPTY;

  /** `workspace` holds every buffer; layers that feed each other should share one (Network.fromSpec does). */
  constructor(
    readonly name: string,
    readonly inSize: number,
    readonly units: number,
    readonly activation: Activation,
    readonly workspace: Workspace = Workspace.create(),
  ) {
    this.weights = workspace.alloc(units * inSize);
    this.bias = workspace.alloc(units);
    this.gradWeights = workspace.alloc(units * inSize);
    this.gradBias = workspace.alloc(units);
    this.at.weights = workspace.address(this.weights);
    this.at.gradWeights = workspace.address(this.gradWeights);
  }

  /** Makes every per-batch buffer hold at least `batch` rows. */
  private ensureCapacity(batch: number): void {
    if (batch <= this.capacity) return;
    const n = batch * this.units;
    const ws = this.workspace;
    // each pass writes these before reading them: a reused memory need not be cleared under them
    this.pre = ws.alloc(n, false);
    this.out = ws.alloc(n, false);
    this.der = ws.alloc(n, false);
    this.gradOut = ws.alloc(n, false);
    this.gradPre = ws.alloc(n, false);
    this.at.pre = ws.address(this.pre);
    this.at.gradPre = ws.address(this.gradPre);
    this.capacity = batch;
  }

  /** x as the products read it: x itself when it is in the workspace's memory, else a copy there. */
  private placeInput(x: Float64Array, batch: number): void {
    const ws = this.workspace;
    let at = ws.address(x);
    if (at < 0 && ws.simd) {
      const n = batch * this.inSize;
      if (this.staged.length < n) this.staged = ws.alloc(this.capacity * this.inSize, false);
      this.staged.set(x.length === n ? x : x.subarray(0, n));
      x = this.staged;
      at = ws.address(x);
    }
    this.input = x;
    this.at.input = at;
  }

  /** a = f(x·Wᵀ + b) for `batch` rows of x; returns a (valid for batch × units entries). */
  forward(x: Float64Array, batch: number): Float64Array {
    this.ensureCapacity(batch);
    // a staged copy is refreshed every pass
    if (x !== this.input || this.input === this.staged) this.placeInput(x, batch);
    const { units, inSize, pre, bias, at } = this;
    this.workspace.abt(this.input, this.weights, pre, batch, units, inSize, at.input, at.weights, at.pre);
    for (let s = 0; s < batch; s++) {
      const row = s * units;
      for (let j = 0; j < units; j++) pre[row + j] += bias[j];
    }
    applyActivation(this.activation, pre, this.out, this.der, batch, units);
    return this.out;
  }

  /** Chain rule through f: ∂E/∂z = ∂E/∂a ⊙ f'(z) (softmax: its Jacobian), from `gradOut` already filled. */
  backwardActivation(batch: number): void {
    activationBackward(this.activation, this.out, this.der, this.gradOut, this.gradPre, batch, this.units);
  }

  /**
   * From ∂E/∂z (in `gradPre`): ∂E/∂W = (∂E/∂z)ᵀ·x, ∂E/∂b = Σ over samples of ∂E/∂z,
   * and, when `gradInput` is given, ∂E/∂x = ∂E/∂z·W into it.
   */
  backwardParameters(batch: number, gradInput?: Float64Array): void {
    const { units, inSize, gradPre, gradBias, workspace, at } = this;
    workspace.atb(gradPre, this.input, this.gradWeights, units, inSize, batch, at.gradPre, at.input, at.gradWeights);
    // summed sample by sample (rows are contiguous): each unit's sum still adds its samples in order
    gradBias.fill(0);
    for (let s = 0, i = 0; s < batch; s++) for (let j = 0; j < units; j++, i++) gradBias[j] += gradPre[i];
    if (!gradInput) return;
    if (gradInput !== this.gradInputSeen) {
      this.gradInputSeen = gradInput;
      at.gradInput = workspace.address(gradInput);
    }
    workspace.ab(gradPre, this.weights, gradInput, batch, inSize, units, at.gradPre, at.weights, at.gradInput);
  }

  /** Number of trainable parameters (weights and biases). */
  get parameterCount(): number {
    return this.weights.length + this.bias.length;
  }
}
