/**
 * Parameter updates w ← w − lr·(step direction), written as torch.optim writes them so that
 * trajectories can be cross-checked: SGD, SGD with momentum (dampening 0), Adam (bias-corrected).
 */
import { DenseLayer } from './dense';
import { TrainingSpec } from '../format/spec';

/** Adam's defaults, as torch.optim.Adam. */
export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/**
 * Updates one parameter tensor p from its gradient g; `slot` numbers the tensor (2 per layer). Σ Δp² goes into
 * squares[slot] rather than a return value, which V8 would box on the heap at every call it does not inline.
 */
type TensorUpdate = (p: Float64Array, g: Float64Array, slot: number, squares: Float64Array) => void;

/** Applies one update to every layer's weights and biases from their gradients. */
export class Optimizer {
  private constructor(
    private readonly update: TensorUpdate,
    private readonly beforeStep: () => void = () => {},
  ) {}

  /** The optimizer `training` names, with state sized for `layers`. */
  static create(training: TrainingSpec, layers: readonly DenseLayer[]): Optimizer {
    const lr = training.learningRate;
    const slots = layers.flatMap((l) => [l.weights.length, l.bias.length]);
    switch (training.optimizer) {
      case 'sgd':
        return new Optimizer((p, g, s, squares) => {
          squares[s] = sgdUpdate(p, g, lr);
        });
      case 'momentum': {
        const velocity = slots.map((n) => new Float64Array(n));
        let first = true;
        const opt = new Optimizer((p, g, s, squares) => {
          squares[s] = momentumUpdate(p, g, velocity[s], lr, training.momentum, first);
        });
        opt.afterStep = () => {
          first = false;
        };
        return opt;
      }
      case 'adam': {
        const m = slots.map((n) => new Float64Array(n));
        const v = slots.map((n) => new Float64Array(n));
        let t = 0;
        const state = { stepSize: 0, bc2Sqrt: 0 };
        return new Optimizer(
          (p, g, s, squares) => {
            squares[s] = adamUpdate(p, g, m[s], v[s], state.stepSize, state.bc2Sqrt);
          },
          () => {
            t++;
            state.stepSize = lr / (1 - ADAM.beta1 ** t);
            state.bc2Sqrt = Math.sqrt(1 - ADAM.beta2 ** t);
          },
        );
      }
    }
  }

  private afterStep: () => void = () => {};
  /** Σ Δp² of each tensor at the last step. */
  private squares = new Float64Array(0);

  /** Updates every layer in place; writes ‖Δw‖² of each layer's weights into `updateSquares`. */
  step(layers: readonly DenseLayer[], updateSquares: Float64Array): void {
    this.beforeStep();
    if (this.squares.length < 2 * layers.length) this.squares = new Float64Array(2 * layers.length);
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l];
      this.update(layer.weights, layer.gradWeights, 2 * l, this.squares);
      this.update(layer.bias, layer.gradBias, 2 * l + 1, this.squares);
      updateSquares[l] = this.squares[2 * l];
    }
    this.afterStep();
  }
}

/** Plain SGD: w ← w − lr·g. */
function sgdUpdate(p: Float64Array, g: Float64Array, lr: number): number {
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    const d = lr * g[i];
    p[i] -= d;
    sq += d * d;
  }
  return sq;
}

/** Momentum (torch, dampening 0): v ← μ·v + g (v = g at the first step); w ← w − lr·v. */
function momentumUpdate(
  p: Float64Array,
  g: Float64Array,
  v: Float64Array,
  lr: number,
  mu: number,
  first: boolean,
): number {
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    v[i] = first ? g[i] : mu * v[i] + g[i];
    const d = lr * v[i];
    p[i] -= d;
    sq += d * d;
  }
  return sq;
}

/**
 * Adam (torch): m ← m + (1−β₁)(g − m); v ← β₂·v + (1−β₂)·g²;
 * w ← w − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).
 */
function adamUpdate(
  p: Float64Array,
  g: Float64Array,
  m: Float64Array,
  v: Float64Array,
  stepSize: number,
  bc2Sqrt: number,
): number {
  const { beta1, beta2, eps } = ADAM;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    m[i] += (1 - beta1) * (gi - m[i]);
    v[i] = v[i] * beta2 + (1 - beta2) * gi * gi;
    const d = (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + eps);
    p[i] -= d;
    sq += d * d;
  }
  return sq;
}
