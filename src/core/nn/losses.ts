/**
 * Loss functions E(y, t) paired with their gradients ∂E/∂y, resolved by name.
 * Reductions follow PyTorch so numbers can be cross-checked: see each entry.
 */
import { ActivationName } from '../format/activationFacts';
import { LossName } from '../format/spec';
import { rowMax } from './special';

/** A loss over a batch × units block of outputs y and targets t. */
export interface Loss {
  readonly id: LossName;
  readonly formula: string;
  /** E(y, t), reduced to one number. */
  value(y: Float64Array, t: Float64Array, batch: number, units: number): number;
  /** ∂E/∂y into `out`. */
  grad(y: Float64Array, t: Float64Array, batch: number, units: number, out: Float64Array): void;
  /** When the output layer uses `activation`, E and ∂E/∂z come straight from the logits z (stable, exact). */
  readonly fused?: {
    readonly activation: ActivationName;
    value(z: Float64Array, t: Float64Array, batch: number, units: number): number;
    /** ∂E/∂z given y = f(z). */
    gradPre(y: Float64Array, t: Float64Array, batch: number, units: number, out: Float64Array): void;
  };
}

/** PyTorch clamps log terms of BCELoss at −100 so that log(0) stays finite. */
const BCE_LOG_FLOOR = -100;
/**
 * PyTorch's BCELoss backward divides by max(y(1−y), ε) with ε the float32 value of 1e-12 (ATen
 * Loss.cpp `constexpr float EPSILON`).
 */
const BCE_EPSILON = Math.fround(1e-12);

/** Σ (y − t)² over the first n entries. */
function sumSquaredError(y: Float64Array, t: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i] - t[i];
    sum += e * e;
  }
  return sum;
}

/** E = (1/(N·K)) Σ (y−t)², torch MSELoss: mean over every element; ∂E/∂y = 2(y−t)/(N·K). */
const mse: Loss = {
  id: 'mse',
  formula: 'E = (1/(N·K)) Σ (y − t)²',
  value: (y, t, batch, units) => sumSquaredError(y, t, batch * units) / (batch * units),
  grad(y, t, batch, units, out) {
    const n = batch * units;
    for (let i = 0; i < n; i++) out[i] = (2 * (y[i] - t[i])) / n;
  },
};

/** E = (1/N) Σ ½(y−t)², the textbook squared error averaged over samples; ∂E/∂y = (y−t)/N. */
const halfSse: Loss = {
  id: 'half_sse',
  formula: 'E = (1/N) Σₙ ½ Σₖ (y − t)²',
  value: (y, t, batch, units) => (0.5 * sumSquaredError(y, t, batch * units)) / batch,
  grad(y, t, batch, units, out) {
    const n = batch * units;
    for (let i = 0; i < n; i++) out[i] = (y[i] - t[i]) / batch;
  },
};

/**
 * E = −(1/N) Σ t·log y over a softmax output, computed from the logits as torch
 * cross_entropy does (log-softmax); fused ∂E/∂z = (y·Σt − t)/N, i.e. y − t for one-hot targets.
 */
const crossEntropy: Loss = {
  id: 'cross_entropy',
  formula: 'E = −(1/N) Σ t·log y',
  value(y, t, batch, units) {
    let sum = 0;
    for (let i = 0; i < batch * units; i++) if (t[i] !== 0) sum += t[i] * Math.log(y[i]);
    return -sum / batch;
  },
  grad(y, t, batch, units, out) {
    for (let i = 0; i < batch * units; i++) out[i] = -t[i] / (y[i] * batch);
  },
  fused: {
    activation: 'softmax',
    value(z, t, batch, units) {
      let sum = 0;
      for (let s = 0; s < batch; s++) {
        const row = s * units;
        const max = rowMax(z, row, units);
        let exps = 0;
        for (let j = 0; j < units; j++) exps += Math.exp(z[row + j] - max);
        const logSum = max + Math.log(exps);
        for (let j = 0; j < units; j++) if (t[row + j] !== 0) sum += t[row + j] * (z[row + j] - logSum);
      }
      return -sum / batch;
    },
    gradPre(y, t, batch, units, out) {
      for (let s = 0; s < batch; s++) {
        const row = s * units;
        let total = 0;
        for (let j = 0; j < units; j++) total += t[row + j];
        for (let j = 0; j < units; j++) out[row + j] = (y[row + j] * total - t[row + j]) / batch;
      }
    },
  },
};

/**
 * E = −(1/(N·K)) Σ [t·log y + (1−t)·log(1−y)], torch BCELoss (logs clamped at −100);
 * ∂E/∂y = (y − t) / max(y(1−y), 1e-12) / (N·K), exactly as torch's backward.
 */
const binaryCrossEntropy: Loss = {
  id: 'binary_cross_entropy',
  formula: 'E = −(1/(N·K)) Σ [t·log y + (1 − t)·log(1 − y)]',
  value(y, t, batch, units) {
    const n = batch * units;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const logY = Math.max(Math.log(y[i]), BCE_LOG_FLOOR);
      const log1mY = Math.max(Math.log1p(-y[i]), BCE_LOG_FLOOR);
      sum += t[i] * logY + (1 - t[i]) * log1mY;
    }
    return -sum / n;
  },
  grad(y, t, batch, units, out) {
    const n = batch * units;
    for (let i = 0; i < n; i++) out[i] = (y[i] - t[i]) / Math.max((1 - y[i]) * y[i], BCE_EPSILON) / n;
  },
};

/** Every loss keyed by name (the registry the schema is tested against). */
export const LOSSES: Readonly<Record<LossName, Loss>> = {
  mse,
  half_sse: halfSse,
  cross_entropy: crossEntropy,
  binary_cross_entropy: binaryCrossEntropy,
};

/** The loss named `name`. */
export function getLoss(name: LossName): Loss {
  return LOSSES[name];
}
