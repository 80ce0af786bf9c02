/**
 * How much training a fix's copy gets: steps and samples sized to the network, so that verifying every
 * candidate stays within about a second, and the kernels its buffers use.
 */
import { Thresholds } from './diagnosis/thresholds';
import { LoadedNetwork } from './load';
import { NetworkSpec } from './format/spec';
import { Kernels } from './kernels/workspace';
import { Network } from './nn/network';

/** How much each candidate is trained and on how many samples. */
export interface VerificationBudget {
  /**
   * Steps per copy: min(the file's steps, this); by default 200, or more for a small network, as many as
   * `WORK_PER_COPY` multiply-adds allow (up to 1,000), so a fix that needs a few hundred steps shows it.
   */
  readonly steps?: number;
  /** Samples per copy, a seeded subsample beyond it (default 256, fewer for a large network: see copySamples). */
  readonly samples?: number;
  /**
   * Steps a copy trains at least, within LATE_WORK multiply-adds: past the step where the latest over-time warning
   * began, so that a fix is judged on what it must prevent (a loss that climbs back at step 488 of 500).
   */
  readonly coverSteps?: number;
  readonly thresholds?: Partial<Thresholds>;
}

/** Buffers of a copy above this many bytes go in TypeScript arrays rather than a WebAssembly memory. */
const WASM_COPY_BYTES = 8 * 2 ** 20;

/**
 * The kernels of the copies of `spec`: large copies use TypeScript kernels of their own, whose buffers are
 * reclaimed as soon as they are dropped (a WebAssembly memory only when a garbage collection happens to run,
 * which a small JS heap rarely asks for); small ones the caller's `shared` kernels (WebAssembly, its helper
 * thread and spare memory). The size counts a batch's z, f(z), f'(z) and gradients, and W four times.
 */
export function kernelsFor(spec: NetworkSpec, samples: number, shared: Kernels = new Kernels()): Kernels {
  let bytes = 0;
  let fanIn = spec.input;
  for (const l of spec.layers) {
    bytes += 8 * (5 * samples * l.units + 4 * l.units * (fanIn + 1));
    fanIn = l.units;
  }
  return bytes > WASM_COPY_BYTES ? new Kernels('typescript') : shared;
}

/** Multiply-adds one copy's training may take by default (about 0.3 s here). */
const WORK_PER_COPY = 3e8;

/** Samples per copy by default, and the fewest a large network's copies are trained on. */
export const COPY_SAMPLES = 256;
const MIN_COPY_SAMPLES = 32;
/** Steps every copy trains at least, and at most (a small network's). */
const MIN_COPY_STEPS = 200;
const MAX_COPY_STEPS = 1000;

/**
 * 256 samples, or fewer (down to 32) for a network so large that MIN_COPY_STEPS steps on 256 would cost over
 * twice WORK_PER_COPY: a 30,000-parameter layer stack would otherwise take seconds per candidate.
 */
export function copySamples(network: Network): number {
  const affordable = Math.floor((2 * WORK_PER_COPY) / (network.passWork(1) * MIN_COPY_STEPS));
  return Math.min(COPY_SAMPLES, Math.max(MIN_COPY_SAMPLES, affordable));
}

/** 200 steps, or up to 1,000 for a network small enough that they cost at most WORK_PER_COPY multiply-adds. */
export function defaultSteps({ network, dataset }: LoadedNetwork): number {
  const affordable = Math.floor(WORK_PER_COPY / network.passWork(dataset.samples));
  return Math.max(MIN_COPY_STEPS, Math.min(MAX_COPY_STEPS, affordable));
}

/** Multiply-adds a copy may take to reach a late warning's step (a few seconds here). */
const LATE_WORK = 10 * WORK_PER_COPY;

/** Steps of a copy of `loaded` (a subsample): the budget's or the default, or more to cover a late warning. */
export function copySteps(loaded: LoadedNetwork, budget: VerificationBudget): number {
  const planned = budget.steps ?? defaultSteps(loaded);
  const affordable = Math.floor(LATE_WORK / loaded.network.passWork(loaded.dataset.samples));
  const cover = Math.min(budget.coverSteps ?? 0, affordable);
  return Math.min(loaded.spec.training.steps, Math.max(planned, cover));
}

/** Steps that reach past the latest step where one of `firstSteps` began (an over-time warning's first step). */
export function stepsCovering(firstSteps: readonly (number | undefined)[]): number {
  const latest = Math.max(-1, ...firstSteps.map((s) => s ?? -1));
  return latest < 0 ? 0 : Math.ceil(1.1 * (latest + 1));
}
