/**
 * Seeded 2-feature data sets after TensorFlow Playground's (xor, circle, spiral, gauss), scaled so
 * features lie roughly in [−1, 1]. `noise` is the standard deviation of Gaussian noise added to
 * each coordinate. Classes are balanced: sample i belongs to class i mod K.
 */
import { Rng } from './rng';
import { Dataset, GeneratorName } from '../format/spec';

/** One point and its class. */
type Point = [x: number, y: number, label: number];

/**
 * Number of classes a generator produces for a network with `outputs` units (1 output: two classes
 * as a 0/1 target).
 */
export function classCount(name: GeneratorName, outputs: number): number {
  return name === 'xor' || name === 'circle' || outputs === 1 ? 2 : outputs;
}

/** The point generator for each data set: sample i of n with class i mod k. */
const POINTS: Record<GeneratorName, (i: number, n: number, k: number, rng: Rng) => Point> = {
  // quadrants: the class is whether x and y share a sign; points keep a margin from the axes
  xor: (i, _n, _k, rng) => {
    const label = i % 2;
    const sx = rng.next() < 0.5 ? -1 : 1;
    const sy = label === 1 ? -sx : sx;
    return [sx * (0.05 + 0.95 * rng.next()), sy * (0.05 + 0.95 * rng.next()), label];
  },
  // class 1 inside radius 0.5, class 0 in the ring 0.7–1
  circle: (i, _n, _k, rng) => {
    const label = i % 2;
    const r = label === 1 ? 0.5 * Math.sqrt(rng.next()) : 0.7 + 0.3 * rng.next();
    const t = 2 * Math.PI * rng.next();
    return [r * Math.sin(t), r * Math.cos(t), label];
  },
  // k interleaved arms winding 1.75 turns outwards
  spiral: (i, n, k) => {
    const label = i % k;
    const j = Math.floor(i / k);
    const perArm = Math.ceil(n / k);
    const r = j / perArm;
    const t = 1.75 * r * 2 * Math.PI + (2 * Math.PI * label) / k;
    return [r * Math.sin(t), r * Math.cos(t), label];
  },
  // k Gaussian blobs (std 0.2) centred on a circle of radius 0.6
  gauss: (i, _n, k, rng) => {
    const label = i % k;
    const angle = k === 2 ? (label === 0 ? Math.PI / 4 : (5 * Math.PI) / 4) : (2 * Math.PI * label) / k;
    return [0.6 * Math.cos(angle) + 0.2 * rng.normal(), 0.6 * Math.sin(angle) + 0.2 * rng.normal(), label];
  },
};

/**
 * `samples` points of data set `name` with Gaussian noise of std `noise`; targets 0/1 for one
 * output, one-hot otherwise.
 */
export function generateData(name: GeneratorName, samples: number, noise: number, outputs: number, rng: Rng): Dataset {
  const k = classCount(name, outputs);
  const inputs = new Float64Array(samples * 2);
  const targets = new Float64Array(samples * outputs);
  for (let i = 0; i < samples; i++) {
    const [x, y, label] = POINTS[name](i, samples, k, rng);
    inputs[2 * i] = x + (noise > 0 ? noise * rng.normal() : 0);
    inputs[2 * i + 1] = y + (noise > 0 ? noise * rng.normal() : 0);
    if (outputs === 1) targets[i] = label;
    else targets[i * outputs + label] = 1;
  }
  return { samples, inputSize: 2, targetSize: outputs, inputs, targets };
}
