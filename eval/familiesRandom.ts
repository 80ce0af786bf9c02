/**
 * Random practitioner networks: depth, width, activation per layer, initialiser, biases, optimizer, rate, batches,
 * data and pretraining drawn at random, with no intended label. The corpus's other families are grids of designs
 * built to show one fault; these show what the rules meet when nobody designed the network for them.
 */
import { createRng } from '../src/core/nn/rng';
import { Candidate, classifierHead, gen, layer, net } from './candidate';

/** `count` random networks drawn from `seed`, ids rand-<seed>-<i>. */
export function randomCases(count: number, seed: number): Candidate[] {
  const rng = createRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
  const out: Candidate[] = [];
  for (let i = 0; i < count; i++) {
    const g = pick(['xor', 'circle', 'gauss', 'spiral']);
    const style = Math.floor(rng.next() * 3);
    const classifier = classifierHead(g, style);
    // a bounded output under a squared error, as in older textbooks
    const squaredSigmoid = rng.next() < 0.2 && g !== 'spiral';
    const head = squaredSigmoid ? layer('out', 1, pick(['sigmoid', 'tanh'])) : classifier.out;
    const loss = squaredSigmoid ? 'mse' : classifier.loss;
    const depth = pick([1, 1, 2, 2, 3, 4, 6]);
    const width = pick([4, 8, 16, 32, 64]);
    const activations = Array.from({ length: depth }, () =>
      pick(['tanh', 'sigmoid', 'tanh', 'sigmoid', 'relu', 'elu']),
    );
    const init = pick([
      undefined,
      undefined,
      'xavier',
      'he',
      'lecun',
      { type: 'normal', std: pick([0.5, 1, 2, 3, 5, 10]) },
      { type: 'uniform', limit: pick([1, 3, 6]) },
    ]);
    const bias = rng.next() < 0.15 ? pick([-6, -3, 3, 6]) : undefined;
    const layers = [...activations.map((a, k) => layer(`h${k + 1}`, width, a, init, k === 0 ? bias : undefined)), head];
    const optimizer = pick(['sgd', 'momentum', 'adam']);
    const learningRate =
      optimizer === 'adam' ? pick([0.001, 0.01, 0.03, 0.1, 0.3]) : pick([0.01, 0.05, 0.1, 0.5, 1, 3]);
    const json = net(`random ${i}`, 9000 + seed + i, 2, layers, loss, gen(g, pick([100, 160, 240]), 0.1), {
      optimizer,
      learningRate,
      steps: pick([200, 300, 500]),
      ...(rng.next() < 0.3 ? { batchSize: 32, shuffle: true } : {}),
    });
    out.push({
      id: `rand-${seed}-${i}`,
      json,
      mode: rng.next() < 0.5 ? 'analyze' : 'train',
      pretrain: rng.next() < 0.15 ? 300 : undefined,
      about: 'a random practitioner network',
    });
  }
  return out;
}
