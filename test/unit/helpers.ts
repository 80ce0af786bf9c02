/** Shared test helpers: central differences, relative-error assertions, a small test network. */
import { CliIo, nodeIo } from '../../src/cli/io';
import * as assert from 'assert';
import { NetworkSpec, TrainingSpec } from '../../src/core/format/spec';

/** Central difference (f(x+h) − f(x−h)) / 2h. */
export function centralDifference(f: (x: number) => number, x: number, h = 1e-6): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

/** |a − b| / max(|a|, |b|, floor): the CS231n relative error, with a floor so values near zero compare absolutely. */
export function relativeError(a: number, b: number, floor = 1e-12): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), floor);
}

/** Asserts `actual` is within relative tolerance `tol` of `expected` (errors measured against at least `floor`), naming `what` on failure. */
export function assertClose(actual: number, expected: number, tol: number, what: string, floor = 1e-12): void {
  const err = relativeError(actual, expected, floor);
  assert.ok(
    err <= tol,
    `${what}: got ${actual}, expected ${expected} (relative error ${err.toExponential(2)} > ${tol})`,
  );
}

/** A 2-4-1 tanh/sigmoid XOR network under MSE, with `training` over its defaults (full-batch SGD at 0.5). */
export function xorSpec(training: Partial<TrainingSpec> = {}): NetworkSpec {
  return {
    name: 'xor',
    seed: 1,
    input: 2,
    loss: 'mse',
    layers: [
      { name: 'hidden', units: 4, activation: { type: 'tanh' }, init: { type: 'xavier' } },
      { name: 'out', units: 1, activation: { type: 'sigmoid' }, init: { type: 'xavier' } },
    ],
    data: { kind: 'inline', inputs: [], targets: [] },
    training: { optimizer: 'sgd', learningRate: 0.5, momentum: 0.9, steps: 10, shuffle: false, ...training },
  };
}

/** The real CLI IO rooted at `cwd`, with stdout and stderr captured in memory (and counted in pieces). */
export function memoryIo(cwd: string): CliIo & { outText(): string; errText(): string; outChunks(): number } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    ...nodeIo(),
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    cwd,
    color: false,
    outText: () => out.join(''),
    errText: () => err.join(''),
    outChunks: () => out.length,
  };
}
