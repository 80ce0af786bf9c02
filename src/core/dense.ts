/**
 * A dense layer z = x·Wᵀ + b, a = f(z) over a whole batch at once. Forward caches what the
 * chain rule needs (x, z, a, f'(z)); backward turns ∂E/∂z into ∂E/∂W, ∂E/∂b and ∂E/∂x.
 * Every buffer is a flat row-major Float64Array, grown only when a larger batch arrives.
 */
import { Activation, activationBackward, applyActivation } from './activations';
import { matmulABt, transpose } from './matmul';

const EMPTY = new Float64Array(0);

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

  /** x of the last forward pass (batch × inSize); a view of the caller's array. */
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
  private inputT = EMPTY;
  private gradPreT = EMPTY;
  private weightsT: Float64Array;

  constructor(readonly name: string, readonly inSize: number, readonly units: number, readonly activation: Activation) {
    this.weights = new Float64Array(units * inSize);
    this.bias = new Float64Array(units);
    this.gradWeights = new Float64Array(units * inSize);
    this.gradBias = new Float64Array(units);
    this.weightsT = new Float64Array(units * inSize);
  }

  /** Makes every per-batch buffer hold at least `batch` rows. */
  private ensureCapacity(batch: number): void {
    if (batch <= this.capacity) return;
    const n = batch * this.units;
    this.pre = new Float64Array(n);
    this.out = new Float64Array(n);
    this.der = new Float64Array(n);
    this.gradOut = new Float64Array(n);
    this.gradPre = new Float64Array(n);
    this.inputT = new Float64Array(batch * this.inSize);
    this.gradPreT = new Float64Array(n);
    this.capacity = batch;
  }

  /** a = f(x·Wᵀ + b) for `batch` rows of x; returns a (valid for batch × units entries). */
  forward(x: Float64Array, batch: number): Float64Array {
    this.ensureCapacity(batch);
    this.input = x;
    const { units, pre, bias } = this;
    matmulABt(x, this.weights, pre, batch, units, this.inSize);
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
    const { units, inSize, gradPre, gradBias } = this;
    transpose(gradPre, batch, units, this.gradPreT);
    transpose(this.input, batch, inSize, this.inputT);
    matmulABt(this.gradPreT, this.inputT, this.gradWeights, units, inSize, batch);
    for (let j = 0; j < units; j++) {
      let sum = 0;
      for (let s = 0; s < batch; s++) sum += gradPre[s * units + j];
      gradBias[j] = sum;
    }
    if (gradInput) {
      transpose(this.weights, units, inSize, this.weightsT);
      matmulABt(gradPre, this.weightsT, gradInput, batch, inSize, units);
    }
  }

  /** Number of trainable parameters (weights and biases). */
  get parameterCount(): number {
    return this.weights.length + this.bias.length;
  }
}
