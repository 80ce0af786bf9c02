/** The `data` and `training` sections of a network file. */
import { Node } from 'jsonc-parser';
import { FieldReader } from './fieldReader';
import { child } from './json';
import {
  DEFAULT_STEPS,
  DataSpec,
  GENERATOR_NAMES,
  LIMITS,
  LossName,
  NORMALIZE_NAMES,
  OPTIMIZER_NAMES,
  TrainingSpec,
} from './spec';

const DATA_KEYS = ['inputs', 'targets', 'generate', 'samples', 'noise', 'csv', 'normalize'] as const;
const TRAINING_KEYS = ['optimizer', 'learningRate', 'momentum', 'batchSize', 'steps', 'shuffle', 'clip'] as const;

/** Training defaults when a key is absent. */
export const TRAINING_DEFAULTS = {
  optimizer: 'sgd',
  learningRate: 0.1,
  momentum: 0.9,
  steps: DEFAULT_STEPS,
  shuffle: false,
} as const;
/** Defaults of a generated data set. */
export const GENERATE_DEFAULTS = { samples: 200, noise: 0 } as const;

/** Samples known before loading (inline rows or generated count); undefined for CSV. */
export function knownSamples(data: DataSpec): number | undefined {
  return data.kind === 'inline' ? data.inputs.length : data.kind === 'generate' ? data.samples : undefined;
}

/**
 * What the data section is checked against: the input width, the output layer's width and the loss
 * (undefined when invalid).
 */
export interface DataShape {
  readonly input: number | undefined;
  readonly outputs: number | undefined;
  readonly loss: LossName | undefined;
  /** Whether the last layer is softmax (then one class index per sample may stand for one-hot targets). */
  readonly softmax?: boolean;
}

/** The data section: inline rows, a generator, or a CSV file. */
export function readData(r: FieldReader, root: Node, shape: DataShape): DataSpec | undefined {
  const { input, outputs } = shape;
  const node = r.object(r.required(root, 'data', [], 'inline samples, a generator, or a CSV file'), ['data'], '"data"');
  if (!node) return undefined;
  r.unknownKeys(node, ['data'], DATA_KEYS);
  const forms = ['inputs', 'generate', 'csv'].filter((k) => child(node, k));
  if (forms.length !== 1) {
    r.problems.add(
      ['data'],
      forms.length
        ? `"data" takes one source, not ${forms.map((f) => `"${f}"`).join(' and ')}`
        : '"data" needs "inputs" and "targets", or "generate", or "csv"',
      { offset: node.offset, length: 1 },
    );
    return undefined;
  }
  const source =
    forms[0] === 'inputs'
      ? readInline(r, node, shape)
      : forms[0] === 'generate'
        ? readGenerate(r, node, shape)
        : readCsv(r, node, shape);
  const normalizeNode = child(node, 'normalize');
  const normalize = normalizeNode && r.name(normalizeNode, ['data', 'normalize'], 'normalization', NORMALIZE_NAMES);
  if (normalizeNode && !normalize) return undefined;
  const data: DataSpec | undefined = source && (normalize ? { ...source, normalize } : source);
  const samples = data && knownSamples(data);
  const widest = Math.max(input ?? 0, outputs ?? 0);
  if (samples !== undefined && samples * widest > LIMITS.maxActivationCells) {
    const limit = LIMITS.maxActivationCells.toLocaleString('en-US');
    r.problems.add(
      ['data'],
      `${samples} samples × ${widest} values per layer exceed the limit of ${limit} values in one pass`,
      node,
    );
    return undefined;
  }
  return data;
}

/** Inline rows: inputs samples × input, targets samples × outputs (probabilities for the cross-entropies). */
function readInline(r: FieldReader, node: Node, shape: DataShape): DataSpec | undefined {
  const { input, outputs, loss } = shape;
  const inputsNode = child(node, 'inputs')!;
  const targetsNode = r.required(node, 'targets', ['data'], 'one row of targets per sample');
  const rows = inputsNode.type === 'array' ? (inputsNode.children?.length ?? 0) : undefined;
  if (rows === 0) {
    r.problems.add(['data', 'inputs'], '"inputs" needs at least one sample', inputsNode);
    return undefined;
  }
  if (rows !== undefined && rows > LIMITS.maxSamples) {
    r.problems.add(
      ['data', 'inputs'],
      `${rows} samples exceed the limit of ${LIMITS.maxSamples.toLocaleString('en-US')}`,
      inputsNode,
    );
    return undefined;
  }
  const inputs =
    input === undefined
      ? undefined
      : r.matrix(
          inputsNode,
          ['data', 'inputs'],
          'data.inputs',
          undefined,
          input,
          `one row of ${input} input value${input === 1 ? '' : 's'} per sample`,
        );
  if (targetsNode && isClassIndexForm(targetsNode, shape)) {
    const oneHot = readClassIndices(r, targetsNode, rows, outputs!);
    return inputs && oneHot ? { kind: 'inline', inputs, targets: oneHot, classIndexTargets: true } : undefined;
  }
  const targets =
    outputs === undefined || !targetsNode
      ? undefined
      : r.matrix(
          targetsNode,
          ['data', 'targets'],
          'data.targets',
          rows,
          outputs,
          `${rows ?? 'one'} row${rows === 1 ? '' : 's'} (one per sample) ` +
            `of ${outputs} target${outputs === 1 ? '' : 's'} (the output layer's units)`,
        );
  if (!inputs || !targets) return undefined;
  if (loss === 'binary_cross_entropy' || loss === 'cross_entropy') {
    const bad = targets.findIndex((row) => row.some((t) => t < 0 || t > 1));
    if (bad >= 0) {
      r.problems.add(
        ['data', 'targets', bad],
        `${loss} needs targets between 0 and 1 (probabilities); row ${bad} has ${JSON.stringify(targets[bad])}`,
        targetsNode!.children![bad],
      );
      return undefined;
    }
  }
  return { kind: 'inline', inputs, targets };
}

/** Whether inline targets are class indices: one column per row, for a softmax output of 2 or more units. */
function isClassIndexForm(targets: Node, { outputs, softmax }: DataShape): boolean {
  if (!softmax || outputs === undefined || outputs < 2 || targets.type !== 'array' || !targets.children?.length)
    return false;
  return targets.children.every((row) => row.type === 'array' && row.children?.length === 1);
}

/** Class indices 0 … k−1, one per sample, as one-hot rows of k; each bad index is reported where it stands. */
function readClassIndices(r: FieldReader, node: Node, rows: number | undefined, k: number): number[][] | undefined {
  const column = r.matrix(node, ['data', 'targets'], 'data.targets', rows, 1, `${rows} rows of one class index`);
  if (!column) return undefined;
  let ok = true;
  column.forEach(([c], i) => {
    if (Number.isInteger(c) && c >= 0 && c < k) return;
    const what = Number.isInteger(c) ? 'out of range' : 'not a whole number';
    r.problems.add(
      ['data', 'targets', i, 0],
      `data.targets[${i}]: class index ${c} is ${what}: the softmax output has ${k} classes, 0 to ${k - 1}`,
      node.children![i].children![0],
    );
    ok = false;
  });
  return ok ? column.map(([c]) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0))) : undefined;
}

/** A generated 2-feature data set with its sample count and noise. */
function readGenerate(r: FieldReader, node: Node, { input, outputs }: DataShape): DataSpec | undefined {
  const genNode = child(node, 'generate')!;
  const generator = r.name(genNode, ['data', 'generate'], 'generator', GENERATOR_NAMES);
  const samples = child(node, 'samples')
    ? r.integer(child(node, 'samples'), ['data', 'samples'], '"samples"', { min: 1, max: LIMITS.maxSamples })
    : GENERATE_DEFAULTS.samples;
  const noise = child(node, 'noise')
    ? r.number(child(node, 'noise'), ['data', 'noise'], '"noise"', { min: 0, max: 10 })
    : GENERATE_DEFAULTS.noise;
  if (input !== undefined && input !== 2) {
    r.problems.add(['data', 'generate'], `generated data sets have 2 input features, but "input" is ${input}`, genNode);
    return undefined;
  }
  if (generator && outputs !== undefined && (generator === 'xor' || generator === 'circle') && outputs > 2) {
    r.problems.add(
      ['data', 'generate'],
      `'${generator}' has 2 classes: use 1 output unit (0/1 target) or 2 (one-hot), not ${outputs}`,
      genNode,
    );
    return undefined;
  }
  if (!generator || samples === undefined || noise === undefined) return undefined;
  return { kind: 'generate', generator, samples, noise };
}

/**
 * A CSV path relative to the network file, and the names of its target columns (one column of class indices
 * for a softmax output of 2 or more units).
 */
function readCsv(r: FieldReader, node: Node, { outputs, softmax }: DataShape): DataSpec | undefined {
  const pathNode = child(node, 'csv')!;
  const path = r.string(pathNode, ['data', 'csv'], '"csv"');
  if (path !== undefined && (path.trim() === '' || /^([a-zA-Z]:)?[\\/]/.test(path) || /^[a-zA-Z]+:\/\//.test(path))) {
    r.problems.add(
      ['data', 'csv'],
      `"csv" must be a path relative to this file, inside its workspace folder (got "${path}")`,
      pathNode,
    );
    return undefined;
  }
  const targetsNode = r.required(node, 'targets', ['data'], 'the names of the target columns');
  let targets: string[] | undefined;
  if (targetsNode) {
    const items = targetsNode.type === 'array' ? (targetsNode.children ?? []) : undefined;
    if (!items || items.length === 0 || items.some((i) => i.type !== 'string')) {
      r.problems.add(
        ['data', 'targets'],
        'with "csv", "targets" must be a non-empty array of column names',
        targetsNode,
      );
    } else {
      targets = items.map((i) => i.value as string);
    }
  }
  if (path === undefined || !targets) return undefined;
  const classIndex = softmax === true && outputs !== undefined && outputs >= 2 && targets.length === 1;
  return classIndex ? { kind: 'csv', path, targets, classIndexTargets: true } : { kind: 'csv', path, targets };
}

/** The optional training section, with defaults. */
export function readTraining(r: FieldReader, root: Node, data: DataSpec | undefined): TrainingSpec | undefined {
  const present = child(root, 'training');
  const node = present ? r.object(present, ['training'], '"training"') : undefined;
  if (present && !node) return undefined;
  if (node) r.unknownKeys(node, ['training'], TRAINING_KEYS);
  const at = (k: string): Node | undefined => child(node, k);
  const p = (k: string): (string | number)[] => ['training', k];
  const optimizer = at('optimizer')
    ? r.name(at('optimizer'), p('optimizer'), 'optimizer', OPTIMIZER_NAMES)
    : TRAINING_DEFAULTS.optimizer;
  const learningRate = at('learningRate')
    ? r.number(at('learningRate'), p('learningRate'), '"learningRate"', { above: 0, max: 1e6 })
    : TRAINING_DEFAULTS.learningRate;
  const momentum = at('momentum')
    ? r.number(at('momentum'), p('momentum'), '"momentum"', { min: 0, max: 0.999999 })
    : TRAINING_DEFAULTS.momentum;
  const steps = at('steps')
    ? r.integer(at('steps'), p('steps'), '"steps"', { min: 0, max: LIMITS.maxSteps })
    : TRAINING_DEFAULTS.steps;
  const shuffle = at('shuffle') ? r.boolean(at('shuffle'), p('shuffle'), '"shuffle"') : TRAINING_DEFAULTS.shuffle;
  const samples = data && knownSamples(data);
  const batchSize = at('batchSize')
    ? r.integer(at('batchSize'), p('batchSize'), '"batchSize"', { min: 1, max: samples ?? LIMITS.maxSamples })
    : undefined;
  const clip = readClip(r, at('clip'));
  if (
    !optimizer ||
    learningRate === undefined ||
    momentum === undefined ||
    steps === undefined ||
    shuffle === undefined
  )
    return undefined;
  if ((at('batchSize') && batchSize === undefined) || (at('clip') && !clip)) return undefined;
  return {
    optimizer,
    learningRate,
    momentum,
    steps,
    shuffle,
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(clip ? { clip } : {}),
  };
}

function readClip(r: FieldReader, node: Node | undefined): TrainingSpec['clip'] {
  const obj = node && r.object(node, ['training', 'clip'], '"clip"');
  if (!obj) return undefined;
  const norm = child(obj, 'norm');
  const value = child(obj, 'value');
  if ((norm ? 1 : 0) + (value ? 1 : 0) !== 1 || (obj.children?.length ?? 0) !== 1) {
    r.problems.add(['training', 'clip'], '"clip" takes exactly one of { "norm": c } or { "value": c }', obj);
    return undefined;
  }
  const c = r.number(
    norm ?? value,
    ['training', 'clip', norm ? 'norm' : 'value'],
    `clip "${norm ? 'norm' : 'value'}"`,
    { above: 0 },
  );
  if (c === undefined) return undefined;
  return norm ? { norm: c } : { value: c };
}
