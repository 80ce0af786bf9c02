/** The decision surface of a 2-input network: its output over a grid of the input plane. */
import { Network } from './nn/network';
import { Dataset } from './format/spec';

/** Outputs on a res × res grid over the data's bounding box (10% margin), with the data points and their labels. */
export interface DecisionSurface {
  readonly res: number;
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
  /**
   * Row-major from (xMin, yMax) at the top-left: the probability of class 1 (one output) or the
   * index of the winning class (softmax).
   */
  readonly values: number[];
  readonly points: { x: number; y: number; label: number }[];
}

/** At most this many data points are sent with a surface. */
const MAX_POINTS = 500;

/** Class label of sample s: the target for one output, else the index of the largest target. */
function labelOf(dataset: Dataset, s: number): number {
  const k = dataset.targetSize;
  if (k === 1) return dataset.targets[s];
  let best = 0;
  for (let j = 1; j < k; j++) if (dataset.targets[s * k + j] > dataset.targets[s * k + best]) best = j;
  return best;
}

/**
 * Evaluates the network over the input plane; undefined unless it has exactly 2 inputs. Overwrites
 * the layers' forward caches.
 */
export function decisionSurface(network: Network, dataset: Dataset, res = 48): DecisionSurface | undefined {
  if (network.inputSize !== 2 || dataset.samples === 0) return undefined;
  let xMin = Infinity,
    xMax = -Infinity,
    yMin = Infinity,
    yMax = -Infinity;
  for (let s = 0; s < dataset.samples; s++) {
    const x = dataset.inputs[2 * s],
      y = dataset.inputs[2 * s + 1];
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  const padX = 0.1 * (xMax - xMin || 1),
    padY = 0.1 * (yMax - yMin || 1);
  xMin -= padX;
  xMax += padX;
  yMin -= padY;
  yMax += padY;
  const grid = new Float64Array(res * res * 2);
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      const i = r * res + c;
      grid[2 * i] = xMin + ((c + 0.5) / res) * (xMax - xMin);
      grid[2 * i + 1] = yMax - ((r + 0.5) / res) * (yMax - yMin);
    }
  }
  const out = network.forward(grid, res * res);
  const k = network.output.units;
  const values: number[] = new Array(res * res);
  for (let i = 0; i < res * res; i++) {
    if (k === 1) {
      values[i] = out[i];
    } else {
      let best = 0;
      for (let j = 1; j < k; j++) if (out[i * k + j] > out[i * k + best]) best = j;
      values[i] = best;
    }
  }
  const stride = Math.max(1, Math.ceil(dataset.samples / MAX_POINTS));
  const points: DecisionSurface['points'] = [];
  for (let s = 0; s < dataset.samples; s += stride) {
    points.push({ x: dataset.inputs[2 * s], y: dataset.inputs[2 * s + 1], label: labelOf(dataset, s) });
  }
  return { res, xMin, xMax, yMin, yMax, values, points };
}
