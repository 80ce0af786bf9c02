/** A candidate case before measurement: the network file it becomes, what it is meant to show, and its repair. */
import { CaseMode, EvalKind } from './kinds';
import { Table } from './data';

/** A network file as a plain object (written as JSON). */
export type NetJson = Record<string, unknown> & {
  layers: Record<string, unknown>[];
  training: Record<string, unknown>;
};

/** The repair whose loss becomes the case's target: an edit of the file, and/or standardised inputs. */
export interface Repair {
  readonly edit?: (j: NetJson) => NetJson;
  readonly standardise?: boolean;
  /** What the repair does, in words. */
  readonly about: string;
}

/** One candidate; the builder keeps it only when measurement confirms the intent. */
export interface Candidate {
  readonly id: string;
  readonly json: NetJson;
  /** CSV files it reads, by file name under eval/cases/data/. */
  readonly csvs?: Readonly<Record<string, Table>>;
  readonly mode: CaseMode;
  readonly fires?: readonly EvalKind[];
  readonly nearMiss?: readonly EvalKind[];
  /** Look-alike kinds listed as near-misses only when measured clear (never a reason to drop). */
  readonly alsoNear?: readonly EvalKind[];
  readonly healthy?: boolean;
  readonly repair?: Repair;
  /** Train this many steps first and write the trained weights into the file. */
  readonly pretrain?: number;
  /** Why the case exists. */
  readonly about: string;
}

/** A layer object: name, units, activation (with alpha when given), and init unless the default. */
export function layer(
  name: string,
  units: number,
  activation: string | { type: string; alpha: number },
  init?: string | { type: string; std?: number; limit?: number },
  bias?: number,
): Record<string, unknown> {
  return {
    name,
    units,
    activation,
    ...(init !== undefined ? { init } : {}),
    ...(bias !== undefined ? { bias: Array.from({ length: units }, () => bias) } : {}),
  };
}

/** `depth` hidden layers h1… of `width` units. */
export function hidden(
  depth: number,
  width: number,
  activation: string | { type: string; alpha: number },
  init?: string | { type: string; std?: number; limit?: number },
): Record<string, unknown>[] {
  return Array.from({ length: depth }, (_, i) => layer(`h${i + 1}`, width, activation, init));
}

/** A network file object with the usual key order. */
export function net(
  name: string,
  seed: number,
  input: number,
  layers: Record<string, unknown>[],
  loss: string,
  data: Record<string, unknown>,
  training: Record<string, unknown>,
): NetJson {
  return { name, seed, input, layers, loss, data, training };
}

/** Output layer and loss for a generated 2-feature classification set, by style. */
export function classifierHead(gen: string, style: number): { out: Record<string, unknown>; loss: string } {
  if (gen === 'spiral') return { out: layer('out', 3, 'softmax'), loss: 'cross_entropy' };
  if (style % 3 === 0) return { out: layer('out', 2, 'softmax'), loss: 'cross_entropy' };
  if (style % 3 === 1) return { out: layer('out', 1, 'sigmoid'), loss: 'binary_cross_entropy' };
  return { out: layer('out', 1, 'linear'), loss: 'mse' };
}

/** Generated data section. */
export function gen(name: string, samples: number, noise = 0.05): Record<string, unknown> {
  return { generate: name, samples, noise };
}

/** A copy of a network file with `edit` applied to a deep clone. */
export function edited(j: NetJson, edit: (c: NetJson) => void): NetJson {
  const copy = JSON.parse(JSON.stringify(j)) as NetJson;
  edit(copy);
  return copy;
}

/** Repair: every hidden layer to `activation` with its recommended init (explicit weights kept). */
export function hiddenTo(activation: string, init: string): Repair {
  return {
    about: `hidden layers → ${activation} with ${init} init`,
    edit: (j) => edited(j, (c) => c.layers.slice(0, -1).forEach((l) => Object.assign(l, { activation, init }))),
  };
}

/** Repair: recommended init in every layer (explicit weights and biases dropped). */
export const recommendedInit: Repair = {
  about: 'recommended init (He for ReLU-like, Xavier otherwise) in every layer',
  edit: (j) =>
    edited(j, (c) =>
      c.layers.forEach((l) => {
        const act = typeof l.activation === 'string' ? l.activation : (l.activation as { type: string }).type;
        l.init = ['relu', 'leaky_relu', 'elu'].includes(act) ? 'he' : 'xavier';
        delete l.weights;
        delete l.bias;
      }),
    ),
};

/** Repair: the learning rate divided by `factor`. */
export function lrDivided(factor: number): Repair {
  return {
    about: `learning rate ÷ ${factor}`,
    edit: (j) => edited(j, (c) => (c.training.learningRate = (c.training.learningRate as number) / factor)),
  };
}

/** Repair: inputs standardised (mean 0, std 1 per feature over the training data). */
export const standardise: Repair = { about: 'inputs standardised per feature', standardise: true };

/** Repair: a linear output layer. */
export const linearOutput: Repair = {
  about: 'linear output layer',
  edit: (j) => edited(j, (c) => Object.assign(c.layers[c.layers.length - 1], { activation: 'linear', init: 'xavier' })),
};

/** Repair: biases back to zero (the explicit bias arrays removed). */
export const zeroBias: Repair = {
  about: 'explicit biases removed (zero)',
  edit: (j) => edited(j, (c) => c.layers.forEach((l) => delete l.bias)),
};
