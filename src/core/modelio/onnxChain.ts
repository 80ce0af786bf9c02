/**
 * An ONNX graph → a chain of dense layers z = W·x + b, a = f(z), matching the node patterns exporters
 * emit for each layer and activation. Anything else is refused by name; never a wrong network.
 */
import { ActivationSpec } from '../format/spec';
import { GraphView, nodeLabel, transpose } from './onnxGraph';
import { OnnxNode, OnnxTensor } from './onnxModel';
import { ModelFormatError } from './protobuf';
import { matchActivation } from './onnxActivations';

/** One imported dense layer; `weights` is units × inputs, row-major (the file's layout). */
export interface ChainLayer {
  readonly name: string;
  readonly inputs: number;
  readonly units: number;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  /** False when the model had no bias (the layer then gets zeros). */
  readonly hadBias: boolean;
  activation: ActivationSpec;
  /** The output was LogSoftmax: mapped to softmax under cross-entropy. */
  logSoftmax?: boolean;
}

/** The chain: input width and layers in order. */
export interface DenseChain {
  readonly input: number;
  readonly layers: ChainLayer[];
  readonly notes: string[];
}

const SUPPORTED =
  'Gemm, MatMul(+Add), a leading Flatten/Reshape, Relu, LeakyRelu, Elu, Sigmoid, Tanh, Softplus, Gelu, SiLU, ' +
  'a final Softmax/LogSoftmax, Dropout and Identity';

/** Walks the graph from its input to its output, one layer or activation at a time. */
export function denseChain(g: GraphView): DenseChain {
  const layers: ChainLayer[] = [];
  const used = new Set<OnnxNode>();
  const notes: string[] = [];
  let value = g.input.name;
  let flattened = false;
  /** The layer just matched, until an activation or another layer follows it. */
  let lastDense: ChainLayer | undefined;
  while (value !== g.output || (g.consumers.get(value) ?? []).some((n) => !used.has(n))) {
    const next = (g.consumers.get(value) ?? []).filter((n) => !used.has(n));
    if (!next.length)
      throw new ModelFormatError(`the value '${value}' leads nowhere: the chain does not reach the output`);
    const node = next[0];
    const last = layers[layers.length - 1];
    let step: { nodes: OnnxNode[]; end: string } | undefined;
    if (next.length === 1 && (node.opType === 'Dropout' || node.opType === 'Identity')) {
      step = { nodes: [node], end: node.outputs[0] };
    } else if (
      next.length === 1 &&
      !layers.length &&
      !flattened &&
      (node.opType === 'Flatten' || node.opType === 'Reshape')
    ) {
      flattened = true;
      step = { nodes: [node], end: node.outputs[0] };
    } else if (next.length === 1 && (node.opType === 'Gemm' || node.opType === 'MatMul')) {
      const dense = matchDense(g, node, layers.length, last?.units);
      layers.push(dense.layer);
      lastDense = dense.layer;
      step = dense;
    } else {
      const act = matchActivation(g, next, value);
      if (!act) throw refusal(node);
      if (!last || last.activation.type !== 'linear' || last !== lastDense)
        throw new ModelFormatError(
          `node ${nodeLabel(act.nodes[0])}: an activation must follow a dense layer (Gemm or MatMul), not ${
            last ? 'another activation' : 'the input'
          }`,
        );
      last.activation = act.activation;
      if (act.logSoftmax) last.logSoftmax = true;
      lastDense = undefined;
      step = act;
    }
    step.nodes.forEach((n) => used.add(n));
    value = step.end;
    if (used.size > g.live.length) throw new ModelFormatError('the graph has a cycle');
  }
  const stray = g.live.find((n) => !used.has(n));
  if (stray) throw new ModelFormatError(`node ${nodeLabel(stray)} is not part of a chain of dense layers`);
  if (!layers.length) throw new ModelFormatError('the graph has no dense layer (Gemm or MatMul)');
  checkInputShape(g, layers[0].inputs, flattened);
  for (const l of layers) if (!l.hadBias) notes.push(`layer '${l.name}' had no bias; it gets a zero bias`);
  return { input: layers[0].inputs, layers, notes };
}

function refusal(node: OnnxNode): ModelFormatError {
  const why =
    node.opType === 'BatchNormalization'
      ? 'batch normalisation is not supported (fold it into the previous layer before exporting)'
      : 'it is not part of a chain of dense layers';
  return new ModelFormatError(`node ${nodeLabel(node)}: ${why}. Supported: ${SUPPORTED}`);
}

/** Gemm, or MatMul with an optional Add of a constant bias, reading `node`'s first input. */
function matchDense(
  g: GraphView,
  node: OnnxNode,
  index: number,
  fanIn: number | undefined,
): { nodes: OnnxNode[]; end: string; layer: ChainLayer } {
  const weight = constant(g, node, 1);
  if (weight.dims.length !== 2) throw new ModelFormatError(`node ${nodeLabel(node)}: the weight must be a matrix`);
  const attr = (k: string, d: number): number => node.attributes.get(k)?.i ?? node.attributes.get(k)?.f ?? d;
  if (node.opType === 'Gemm' && attr('transA', 0) !== 0)
    throw new ModelFormatError(`node ${nodeLabel(node)}: transA = 1 is not a dense layer on the input`);
  const transB = node.opType === 'Gemm' && attr('transB', 0) === 1;
  const [units, inputs] = transB ? weight.dims : [weight.dims[1], weight.dims[0]];
  if (fanIn !== undefined && inputs !== fanIn)
    throw new ModelFormatError(
      `node ${nodeLabel(node)} takes ${inputs} inputs, but the layer before has ${fanIn} units`,
    );
  const alpha = node.opType === 'Gemm' ? attr('alpha', 1) : 1;
  const w = transB ? weight.values : transpose(weight);
  const nodes = [node];
  let bias: OnnxTensor | undefined;
  let beta = 1;
  if (node.opType === 'Gemm' && node.inputs[2]) {
    bias = constant(g, node, 2);
    beta = attr('beta', 1);
  } else if (node.opType === 'MatMul') {
    const add = (g.consumers.get(node.outputs[0]) ?? [])[0];
    const other = add?.opType === 'Add' ? add.inputs.find((v) => v !== node.outputs[0]) : undefined;
    if (add && other && g.constants.has(other) && g.consumers.get(node.outputs[0])!.length === 1) {
      bias = g.constants.get(other)!;
      nodes.push(add);
    }
  }
  const b = new Float64Array(units);
  if (bias) {
    if (bias.values.length !== units && bias.values.length !== 1)
      throw new ModelFormatError(
        `node ${nodeLabel(node)}: the bias has ${bias.values.length} values for ${units} units`,
      );
    for (let j = 0; j < units; j++) b[j] = beta * bias.values[bias.values.length === 1 ? 0 : j];
  }
  const weights = alpha === 1 ? w : w.map((v) => alpha * v);
  const layer = { name: layerName(weight.name, index), inputs, units, weights, bias: b, hadBias: Boolean(bias) };
  return { nodes, end: nodes[nodes.length - 1].outputs[0], layer: { ...layer, activation: { type: 'linear' } } };
}

function constant(g: GraphView, node: OnnxNode, slot: number): OnnxTensor {
  const t = g.constants.get(node.inputs[slot]);
  if (!t)
    throw new ModelFormatError(
      `node ${nodeLabel(node)}: input ${slot + 1} ('${node.inputs[slot]}') is computed, not a stored weight`,
    );
  return t;
}

/** "fc1" from "fc1.weight"; "layer2" for exporter names such as "onnx::MatMul_8" or "0.weight". */
function layerName(weightName: string, index: number): string {
  const m = /^(.*[A-Za-z_].*)\.weight$/.exec(weightName);
  return m && !m[1].includes('::') ? m[1] : `layer${index + 1}`;
}

/** The graph input's feature dims (after the batch dim), when known, must match the first layer. */
function checkInputShape(g: GraphView, inputs: number, flattened: boolean): void {
  const features = flattened ? g.input.dims.slice(1) : g.input.dims.slice(-1);
  if (!features.length || features.some((d) => typeof d !== 'number')) return;
  const width = (features as number[]).reduce((a, b) => a * b, 1);
  if (width !== inputs)
    throw new ModelFormatError(
      `the input '${g.input.name}' has ${width} features (dims [${g.input.dims.join(', ')}]) but the first layer takes ${inputs}`,
    );
}
