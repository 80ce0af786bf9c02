/**
 * A decoded ONNX graph made ready for pattern matching: constants gathered (initialisers, Constant
 * nodes, Identity and Transpose of constants folded), the remaining nodes indexed by the values they
 * read, the order checked free of cycles.
 */
import { OnnxModel, OnnxNode, OnnxTensor } from './onnxModel';
import { ModelFormatError } from './protobuf';

/** The graph as the chain matcher reads it. */
export interface GraphView {
  readonly constants: ReadonlyMap<string, OnnxTensor>;
  /** Nodes that compute on the input (not folded into constants). */
  readonly live: readonly OnnxNode[];
  /** For each value name, the live nodes reading it. */
  readonly consumers: ReadonlyMap<string, readonly OnnxNode[]>;
  /** The one non-constant graph input and its dims. */
  readonly input: { readonly name: string; readonly dims: readonly (number | string)[] };
  /** The one graph output. */
  readonly output: string;
}

/** Builds the view; refuses graphs with several inputs or outputs, and cycles. */
export function graphView(model: OnnxModel): GraphView {
  const constants = new Map<string, OnnxTensor>(model.initializers);
  const live = foldConstants(model.nodes, constants);
  const inputs = model.inputs.filter((i) => !constants.has(i.name));
  if (inputs.length !== 1)
    throw new ModelFormatError(
      `the graph has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); a dense chain has one`,
    );
  if (model.outputs.length !== 1)
    throw new ModelFormatError(`the graph has ${model.outputs.length} outputs; a dense chain has one`);
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of live) for (const v of new Set(n.inputs)) consumers.set(v, [...(consumers.get(v) ?? []), n]);
  checkAcyclic(live, inputs[0].name, constants);
  return { constants, live, consumers, input: inputs[0], output: model.outputs[0] };
}

/** Moves Constant nodes, and Identity/Transpose of constants, into `constants`; returns the other nodes. */
function foldConstants(nodes: readonly OnnxNode[], constants: Map<string, OnnxTensor>): OnnxNode[] {
  let rest = [...nodes];
  for (let changed = true; changed;) {
    changed = false;
    rest = rest.filter((n) => {
      const folded = foldedValue(n, constants);
      if (!folded) return true;
      constants.set(n.outputs[0], folded);
      changed = true;
      return false;
    });
  }
  return rest;
}

function foldedValue(n: OnnxNode, constants: ReadonlyMap<string, OnnxTensor>): OnnxTensor | undefined {
  if (n.opType === 'Constant') {
    const t = n.attributes.get('value')?.t;
    if (!t) throw new ModelFormatError(`Constant node '${n.name}' has no tensor "value" (only tensors are read)`);
    return { ...t, name: n.outputs[0] };
  }
  const source = constants.get(n.inputs[0]);
  if (!source || n.inputs.length !== 1) return undefined;
  if (n.opType === 'Identity') return { ...source, name: n.outputs[0] };
  if (n.opType !== 'Transpose' || source.dims.length !== 2) return undefined;
  const perm = n.attributes.get('perm')?.ints ?? [1, 0];
  if (perm[0] !== 1 || perm[1] !== 0) return { ...source, name: n.outputs[0] };
  return { name: n.outputs[0], dims: [source.dims[1], source.dims[0]], values: transpose(source) };
}

/** The transpose of a 2-D tensor's values (rows × cols → cols × rows). */
export function transpose(t: OnnxTensor): Float64Array {
  const [rows, cols] = t.dims;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = t.values[i * cols + j];
  return out;
}

/** Kahn's algorithm over value dependencies: a node left over lies on a cycle (or reads a value nobody makes). */
function checkAcyclic(live: readonly OnnxNode[], input: string, constants: ReadonlyMap<string, OnnxTensor>): void {
  const ready = new Set<string>([input, '', ...constants.keys()]);
  let pending = [...live];
  for (let progress = true; progress && pending.length;) {
    const before = pending.length;
    pending = pending.filter((n) => {
      if (!n.inputs.every((v) => ready.has(v))) return true;
      n.outputs.forEach((v) => ready.add(v));
      return false;
    });
    progress = pending.length < before;
  }
  if (!pending.length) return;
  const n = pending[0];
  const missing = n.inputs.find((v) => !ready.has(v))!;
  const madeBy = live.some((m) => m.outputs.includes(missing));
  throw new ModelFormatError(
    madeBy
      ? `the graph has a cycle: node ${nodeLabel(n)} depends on its own output through '${missing}'`
      : `node ${nodeLabel(n)} reads '${missing}', which no node, input or initialiser provides`,
  );
}

/** "'name' (OpType)" for messages. */
export function nodeLabel(n: OnnxNode): string {
  return `'${n.name || n.outputs[0]}' (${n.opType})`;
}
