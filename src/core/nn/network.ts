/**
 * A stack of dense layers with a loss: the forward pass, the loss, and backpropagation
 * (the chain rule from ∂E/∂y at the output back to ∂E/∂W in the first layer).
 */
import { getActivation } from './activations';
import { DenseLayer } from './dense';
import { initWeights } from './init';
import { Loss, getLoss } from './losses';
import { LayerParameters } from '../format/spec';
import { createRng } from './rng';
import { NetworkSpec } from '../format/spec';
import { Kernels, Workspace } from '../kernels/workspace';

/** A feed-forward network of dense layers trained on one loss. */
export class Network {
  constructor(
    readonly inputSize: number,
    readonly layers: readonly DenseLayer[],
    readonly loss: Loss,
  ) {}

  /**
   * The network a validated spec describes: explicit weights and biases where given, otherwise
   * the layer's initialiser fed by one seeded stream (createRng(spec.seed)), layer by layer, row by row.
   * Its buffers live in a workspace sharing `kernels` with the caller's other networks (by default, kernels of
   * its own: WebAssembly SIMD where it runs).
   */
  static fromSpec(spec: NetworkSpec, kernels?: Kernels): Network {
    const rng = createRng(spec.seed);
    const workspace = Workspace.create(kernels);
    let fanIn = spec.input;
    const layers = spec.layers.map((ls) => {
      const layer = new DenseLayer(ls.name, fanIn, ls.units, getActivation(ls.activation), workspace);
      if (ls.weights) {
        ls.weights.forEach((row, j) => layer.weights.set(row, j * fanIn));
      } else {
        initWeights(layer.weights, fanIn, ls.units, ls.init, rng);
      }
      if (ls.bias) layer.bias.set(ls.bias);
      fanIn = ls.units;
      return layer;
    });
    return new Network(spec.input, layers, getLoss(spec.loss));
  }

  /** The output layer. */
  get output(): DenseLayer {
    return this.layers[this.layers.length - 1];
  }

  /** Forward pass of `batch` rows of x (batch × inputSize); returns the output layer's a. */
  forward(x: Float64Array, batch: number): Float64Array {
    let a = x;
    // for-of would allocate an iterator per pass
    for (let l = 0; l < this.layers.length; l++) a = this.layers[l].forward(a, batch);
    return a;
  }

  /** Whether the loss is computed from the output layer's logits (softmax + cross-entropy). */
  private get fused(): boolean {
    return this.loss.fused !== undefined && this.loss.fused.activation === this.output.activation.id;
  }

  /** E after a forward pass whose output is in the output layer's caches. */
  private currentLoss(t: Float64Array, batch: number): number {
    const out = this.output;
    return this.loss.fused && this.fused
      ? this.loss.fused.value(out.pre, t, batch, out.units)
      : this.loss.value(out.out, t, batch, out.units);
  }

  /** E(f(x), t) for `batch` samples, without touching the gradients. */
  lossValue(x: Float64Array, t: Float64Array, batch: number): number {
    this.forward(x, batch);
    return this.currentLoss(t, batch);
  }

  /**
   * Forward, loss and the full backward pass: fills every layer's gradOut (∂E/∂a), gradPre (∂E/∂z),
   * gradWeights (∂E/∂W) and gradBias (∂E/∂b), overwriting earlier values. Returns E.
   */
  lossAndGradients(x: Float64Array, t: Float64Array, batch: number): number {
    this.forward(x, batch);
    const loss = this.currentLoss(t, batch);
    const out = this.output;
    // ∂E/∂y at the output: the loss's own gradient (kept for the statistics even when fused).
    this.loss.grad(out.out, t, batch, out.units, out.gradOut);
    if (this.loss.fused && this.fused) {
      this.loss.fused.gradPre(out.out, t, batch, out.units, out.gradPre);
    } else {
      out.backwardActivation(batch);
    }
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l];
      if (l !== this.layers.length - 1) layer.backwardActivation(batch);
      layer.backwardParameters(batch, l > 0 ? this.layers[l - 1].gradOut : undefined);
    }
    return loss;
  }

  /** Total number of trainable parameters. */
  parameterCount(): number {
    return this.layers.reduce((sum, l) => sum + l.parameterCount, 0);
  }

  /** Multiply-adds of a forward/backward pass over `samples`: forward, back to z, back to W (3 per parameter). */
  passWork(samples: number): number {
    return 3 * this.parameterCount() * samples;
  }

  /** Parameters as nested arrays in the file's layout (weights units × inputs). */
  parameters(): LayerParameters[] {
    return this.layers.map((l) => ({
      layer: l.name,
      weights: Array.from({ length: l.units }, (_, j) =>
        Array.from(l.weights.subarray(j * l.inSize, (j + 1) * l.inSize)),
      ),
      bias: Array.from(l.bias),
    }));
  }

  /** The workspace of the network's buffers (the first layer's). */
  get workspace(): Workspace {
    return this.layers[0].workspace;
  }

  /** An independent copy with the same parameters (caches and gradients start empty). */
  clone(): Network {
    const workspace = Workspace.create(this.workspace.kernels);
    const layers = this.layers.map((l) => {
      const copy = new DenseLayer(l.name, l.inSize, l.units, l.activation, workspace);
      copy.weights.set(l.weights);
      copy.bias.set(l.bias);
      return copy;
    });
    return new Network(this.inputSize, layers, this.loss);
  }
}
