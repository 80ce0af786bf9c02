/**
 * Network file format v1: text → validated NetworkSpec, or every problem at once, each positioned
 * at the offending value. Never throws on user input.
 */
import { Node } from 'jsonc-parser';
import { FieldReader } from './fieldReader';
import { JsonPath, LineIndex, ProblemList, child, parseStrictJson, shortName } from './json';
import { readData, readTraining } from './parseSections';
import { ACTIVATION_NAMES, activationFacts, defaultInit } from './activationFacts';
import { ActivationSpec, INIT_NAMES, InitSpec, LIMITS, LOSS_NAMES, LayerSpec, NetworkSpec, SpecProblem } from './spec';

/** The validated spec (present only when there is no error; warnings may remain) and every problem found. */
export interface ParseResult {
  readonly spec?: NetworkSpec;
  readonly problems: readonly SpecProblem[];
  /** The syntax tree, for positioning later problems (data loading) and edits. */
  readonly tree?: Node;
  /** Values in the file (numbers, strings, literals, arrays, objects): what its syntax tree costs. */
  readonly values: number;
}

/** How much a file may hold. */
export interface ParseOptions {
  /** Largest number of JSON values to build a syntax tree for (default: no limit). */
  readonly maxValues?: number;
}

const TOP_KEYS = ['$schema', 'name', 'seed', 'input', 'layers', 'loss', 'data', 'training', 'description'] as const;
const LAYER_KEYS = ['name', 'units', 'activation', 'init', 'weights', 'bias', 'description'] as const;

/** Parses and validates a network file. */
export function parseNetworkText(text: string, options: ParseOptions = {}): ParseResult {
  const problems = new ProblemList(new LineIndex(text));
  const { root, values } = parseStrictJson(text, problems, options.maxValues);
  if (!root) return { problems: problems.items, values };
  const r = new FieldReader(problems);
  if (!r.object(root, [], 'A network file')) return { problems: problems.items, tree: root, values };
  r.unknownKeys(root, [], TOP_KEYS);

  const name = r.string(child(root, 'name'), ['name'], '"name"') ?? 'network';
  const seed = child(root, 'seed')
    ? r.integer(child(root, 'seed'), ['seed'], '"seed"', { min: -(2 ** 31), max: 2 ** 32 - 1 })
    : 0;
  const input = r.integer(r.required(root, 'input', [], 'number of input features'), ['input'], '"input"', {
    min: 1,
    max: LIMITS.maxUnits,
  });
  const layers = readLayers(r, root, input);
  const loss = r.name(r.required(root, 'loss', [], 'the loss function'), ['loss'], 'loss', LOSS_NAMES);
  if (loss && layers) checkLossOutput(r, root, loss, layers);
  const outputs = layers?.[layers.length - 1]?.units;
  const softmax = layers?.[layers.length - 1]?.activation.type === 'softmax';
  const data = readData(r, root, { input, outputs, loss, softmax });
  const training = readTraining(r, root, data);

  if (problems.hasErrors || input === undefined || !layers || !loss || !data || !training || seed === undefined) {
    return { problems: problems.items, tree: root, values };
  }
  return { spec: { name, seed, input, layers, loss, data, training }, problems: problems.items, tree: root, values };
}

/** The layers array: shapes chained from `input`, every layer checked, the parameter cap enforced. */
function readLayers(r: FieldReader, root: Node, input: number | undefined): LayerSpec[] | undefined {
  const node = r.required(root, 'layers', [], 'the list of dense layers');
  if (!node) return undefined;
  if (node.type !== 'array' || !node.children?.length) {
    r.problems.add(['layers'], '"layers" must be a non-empty array of layer objects', node);
    return undefined;
  }
  const items = node.children;
  if (items.length > LIMITS.maxLayers) {
    r.problems.add(['layers'], `too many layers: ${items.length} (the limit is ${LIMITS.maxLayers})`, node);
    return undefined;
  }
  const layers: LayerSpec[] = [];
  const names = new Set<string>();
  let fanIn = input;
  let parameters = 0;
  let ok = true;
  items.forEach((item, i) => {
    const layer = readLayer(r, item, ['layers', i], i, i === items.length - 1, fanIn);
    if (layer) {
      if (names.has(layer.name))
        r.problems.add(
          ['layers', i, 'name'],
          `another layer is already named '${shortName(layer.name)}'`,
          child(item, 'name') ?? item,
          'warning',
        );
      names.add(layer.name);
      layers.push(layer);
      if (fanIn !== undefined) parameters += (fanIn + 1) * layer.units;
    } else {
      ok = false;
    }
    const units = child(item, 'units')?.value;
    fanIn = typeof units === 'number' && Number.isInteger(units) && units > 0 ? units : undefined;
  });
  if (parameters > LIMITS.maxParameters) {
    const limit = LIMITS.maxParameters.toLocaleString('en-US');
    r.problems.add(
      ['layers'],
      `the network has ${parameters.toLocaleString('en-US')} parameters, more than the limit of ${limit}`,
      node,
    );
    return undefined;
  }
  return ok ? layers : undefined;
}

/** One dense layer; `fanIn` is undefined when an earlier size was invalid (shape checks are then skipped). */
function readLayer(
  r: FieldReader,
  item: Node,
  path: JsonPath,
  index: number,
  isLast: boolean,
  fanIn: number | undefined,
): LayerSpec | undefined {
  if (!r.object(item, path, `layers[${index}]`)) return undefined;
  r.unknownKeys(item, path, LAYER_KEYS);
  const name = child(item, 'name')
    ? r.string(child(item, 'name'), [...path, 'name'], 'layer "name"')
    : `layer${index + 1}`;
  const label = `layer '${name === undefined ? index + 1 : shortName(name)}'`;
  const units = r.integer(r.required(item, 'units', path, 'number of units'), [...path, 'units'], `${label}: "units"`, {
    min: 1,
    max: LIMITS.maxUnits,
  });
  const activation = readActivation(
    r,
    r.required(item, 'activation', path, 'activation function'),
    [...path, 'activation'],
    label,
    isLast,
  );
  const init = child(item, 'init')
    ? readInit(r, child(item, 'init'), [...path, 'init'], label)
    : activation && defaultInit(activation.type);
  const weightsNode = child(item, 'weights');
  if (weightsNode && child(item, 'init')) {
    r.problems.addOnKey(
      [...path, 'init'],
      `${label}: "init" is ignored because explicit "weights" are given`,
      child(item, 'init')!,
      'warning',
    );
  }
  const weights =
    weightsNode && units !== undefined && fanIn !== undefined
      ? r.matrix(
          weightsNode,
          [...path, 'weights'],
          `${label}: weights`,
          units,
          fanIn,
          `${units} × ${fanIn} (units × inputs: row j holds the weights into unit j)`,
        )
      : undefined;
  const biasNode = child(item, 'bias');
  const bias =
    biasNode && units !== undefined ? r.numbers(biasNode, [...path, 'bias'], `${label}: bias`, units) : undefined;
  if (name === undefined || units === undefined || !activation || !init) return undefined;
  if ((weightsNode && !weights) || (biasNode && !bias)) return undefined;
  return { name, units, activation, init, ...(weights ? { weights } : {}), ...(bias ? { bias } : {}) };
}

/** "relu" or { "type": "leaky_relu", "alpha": 0.1 }; softmax only on the last layer. */
function readActivation(
  r: FieldReader,
  node: Node | undefined,
  path: JsonPath,
  label: string,
  isLast: boolean,
): ActivationSpec | undefined {
  if (!node) return undefined;
  let spec: ActivationSpec | undefined;
  if (node.type === 'object') {
    r.unknownKeys(node, path, ['type', 'alpha']);
    const type = r.name(
      r.required(node, 'type', path, 'activation name'),
      [...path, 'type'],
      'activation',
      ACTIVATION_NAMES,
    );
    const alphaNode = child(node, 'alpha');
    if (type && alphaNode && activationFacts(type).defaultAlpha === undefined) {
      const parametrised = ACTIVATION_NAMES.filter((a) => activationFacts(a).defaultAlpha !== undefined);
      r.problems.add(
        [...path, 'alpha'],
        `${label}: "alpha" only applies to ${parametrised.join(' and ')}, not ${type}`,
        alphaNode,
      );
      return undefined;
    }
    const alpha = alphaNode
      ? r.number(alphaNode, [...path, 'alpha'], `${label}: "alpha"`, { min: 0, max: 100 })
      : type && activationFacts(type).defaultAlpha;
    if (!type || (alphaNode && alpha === undefined)) return undefined;
    spec = alpha !== undefined ? { type, alpha } : { type };
  } else {
    const type = r.name(node, path, 'activation', ACTIVATION_NAMES);
    if (!type) return undefined;
    const alpha = activationFacts(type).defaultAlpha;
    spec = alpha !== undefined ? { type, alpha } : { type };
  }
  if (spec.type === 'softmax' && !isLast) {
    r.problems.add(
      path,
      `${label}: softmax is only allowed on the last layer (it normalises the outputs into probabilities)`,
      node,
    );
    return undefined;
  }
  return spec;
}

/** "he" | "xavier" | "lecun" | "zeros" | { "type": "normal", "std" } | { "type": "uniform", "limit" }. */
function readInit(r: FieldReader, node: Node | undefined, path: JsonPath, label: string): InitSpec | undefined {
  if (!node) return undefined;
  if (node.type === 'object') {
    r.unknownKeys(node, path, ['type', 'std', 'limit']);
    const type = r.name(r.required(node, 'type', path, 'initialiser name'), [...path, 'type'], 'init', INIT_NAMES);
    if (type === 'normal' || type === 'uniform') {
      const key = type === 'normal' ? 'std' : 'limit';
      const meaning = type === 'normal' ? 'standard deviation' : 'half-width of the range';
      const bounds = { min: 0, max: 1e6 };
      const v = r.number(r.required(node, key, path, meaning), [...path, key], `${label}: init "${key}"`, bounds);
      return v === undefined ? undefined : type === 'normal' ? { type, std: v } : { type, limit: v };
    }
    return type ? { type } : undefined;
  }
  const type = r.name(node, path, 'init', INIT_NAMES);
  if (type === 'normal' || type === 'uniform') {
    r.problems.add(
      path,
      `${label}: "${type}" needs a parameter: { "type": "${type}", "${type === 'normal' ? 'std' : 'limit'}": … }`,
      node,
    );
    return undefined;
  }
  return type ? { type } : undefined;
}

/** cross_entropy needs a softmax output and binary_cross_entropy a sigmoid one. */
function checkLossOutput(r: FieldReader, root: Node, loss: string, layers: readonly LayerSpec[]): void {
  const out = layers[layers.length - 1].activation.type;
  const need = loss === 'cross_entropy' ? 'softmax' : loss === 'binary_cross_entropy' ? 'sigmoid' : undefined;
  if (need && out !== need) {
    const lastName = shortName(layers[layers.length - 1].name);
    r.problems.add(
      ['loss'],
      `${loss} needs a ${need} output layer, but the last layer '${lastName}' uses ${out}`,
      child(root, 'loss')!,
    );
  }
}
