/** The benchmark's workloads (issue 6): each step = forward + backward + SGD update on one batch. */
import { NetworkSpec } from '../src/core/format/spec';

export interface Workload {
  readonly id: string;
  readonly title: string;
  readonly input: number;
  readonly layers: readonly { units: number; activation: 'tanh' | 'sigmoid' | 'relu' | 'softmax' }[];
  readonly loss: 'mse' | 'cross_entropy';
  readonly batch: number;
  /** Timed steps per repetition (full / quick). */
  readonly steps: readonly [number, number];
}

export const WORKLOADS: readonly Workload[] = [
  {
    id: 'W1',
    title: '2-8-8-1 tanh/sigmoid, MSE, batch 10',
    input: 2,
    layers: [
      { units: 8, activation: 'tanh' },
      { units: 8, activation: 'tanh' },
      { units: 1, activation: 'sigmoid' },
    ],
    loss: 'mse',
    batch: 10,
    steps: [2000, 500],
  },
  {
    id: 'W2',
    title: '784-256-128-10 ReLU, softmax+CE, batch 32',
    input: 784,
    layers: [
      { units: 256, activation: 'relu' },
      { units: 128, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ],
    loss: 'cross_entropy',
    batch: 32,
    steps: [30, 10],
  },
  {
    id: 'W3',
    title: '32-(32 sigmoid)×20-1, MSE, batch 16',
    input: 32,
    layers: [
      ...Array.from({ length: 20 }, () => ({ units: 32, activation: 'sigmoid' as const })),
      { units: 1, activation: 'sigmoid' },
    ],
    loss: 'mse',
    batch: 16,
    steps: [200, 50],
  },
  {
    id: 'W4',
    title: '1024-1024-1024-10 ReLU, softmax+CE, batch 64',
    input: 1024,
    layers: [
      { units: 1024, activation: 'relu' },
      { units: 1024, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ],
    loss: 'cross_entropy',
    batch: 64,
    steps: [4, 2],
  },
];

/** The workload as a network file spec (seeded init: He for ReLU, Xavier otherwise). */
export function specOf(w: Workload): NetworkSpec {
  return {
    name: w.id,
    seed: 42,
    input: w.input,
    loss: w.loss,
    layers: w.layers.map((l, i) => ({
      name: `l${i}`,
      units: l.units,
      activation: { type: l.activation },
      init: l.activation === 'relu' ? { type: 'he' } : { type: 'xavier' },
    })),
    data: { kind: 'inline', inputs: [], targets: [] },
    training: { optimizer: 'sgd', learningRate: 0.01, momentum: 0.9, steps: 1, shuffle: false },
  };
}
