/**
 * A network → ONNX ModelProto bytes at opset 13: one Gemm (transB = 1, weights units × inputs as
 * nn.Linear) per layer and its activation's ops; float64 by default, so import gives every weight back
 * bit for bit. The file's other sections travel in metadata_props.
 */
import { ActivationSpec } from '../format/spec';
import { ExportLayer, ExportModel, exportMetadata } from './exportModel';
import { ProtoWriter } from './protobuf';

/** Element type of the exported tensors. */
export type ExportDtype = 'float64' | 'float32';

/** The opset the exporter targets: Softmax over the last axis and every op used exist there unchanged. */
export const EXPORT_OPSET = 13;
const IR_VERSION = 7;
const TENSOR_TYPE: Record<ExportDtype, number> = { float32: 1, float64: 11 };
const ATTR_FLOAT = 1;
const ATTR_INT = 2;

/** A node before encoding. */
interface NodeDraft {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly floats?: Readonly<Record<string, number>>;
  readonly ints?: Readonly<Record<string, number>>;
}

/** A named constant before encoding. */
interface TensorDraft {
  readonly name: string;
  readonly dims: readonly number[];
  readonly values: ArrayLike<number>;
}

/** The ONNX bytes of `model`, graph input "input" (batch × input), output "output". */
export function encodeOnnx(model: ExportModel, dtype: ExportDtype = 'float64'): Uint8Array {
  const nodes: NodeDraft[] = [];
  const tensors: TensorDraft[] = [];
  let value = 'input';
  model.layers.forEach((layer, i) => {
    const last = i === model.layers.length - 1;
    value = denseNodes(layer, value, last, nodes, tensors);
  });
  const w = new ProtoWriter();
  w.varint(1, IR_VERSION).string(2, 'gradient-debugger').string(3, '1');
  w.message(7, (g) => {
    for (const n of nodes) g.message(1, (b) => writeNode(b, n));
    g.string(2, model.name);
    for (const t of tensors) g.message(5, (b) => writeTensor(b, t, dtype));
    g.message(11, (b) => writeValueInfo(b, 'input', model.input, dtype));
    g.message(12, (b) => writeValueInfo(b, 'output', model.layers[model.layers.length - 1].units, dtype));
  });
  w.message(8, (o) => o.string(1, '').varint(2, EXPORT_OPSET));
  for (const [key, text] of exportMetadata(model)) w.message(14, (e) => e.string(1, key).string(2, text));
  return w.finish();
}

/** Gemm then the activation; returns the name of the layer's output value. */
function denseNodes(
  layer: ExportLayer,
  input: string,
  last: boolean,
  nodes: NodeDraft[],
  tensors: TensorDraft[],
): string {
  const z = last && layer.activation.type === 'linear' ? 'output' : `${layer.name}.z`;
  tensors.push({ name: `${layer.name}.weight`, dims: [layer.units, layer.inputs], values: layer.weights });
  tensors.push({ name: `${layer.name}.bias`, dims: [layer.units], values: layer.bias });
  nodes.push({
    op: 'Gemm',
    inputs: [input, `${layer.name}.weight`, `${layer.name}.bias`],
    output: z,
    ints: { transB: 1 },
  });
  if (layer.activation.type === 'linear') return z;
  const a = last ? 'output' : `${layer.name}.a`;
  activationNodes(layer.name, layer.activation, z, a, nodes, tensors);
  return a;
}

/** The ops computing f(z) into `a`: one op, or the exporter patterns for GELU (Erf) and SiLU (Sigmoid·x). */
function activationNodes(
  name: string,
  f: ActivationSpec,
  z: string,
  a: string,
  nodes: NodeDraft[],
  tensors: TensorDraft[],
): void {
  const one = (op: string, floats?: Record<string, number>, ints?: Record<string, number>): void => {
    nodes.push({ op, inputs: [z], output: a, floats, ints });
  };
  switch (f.type) {
    case 'linear':
      return;
    case 'relu':
      return one('Relu');
    case 'sigmoid':
      return one('Sigmoid');
    case 'tanh':
      return one('Tanh');
    case 'softplus':
      return one('Softplus');
    case 'leaky_relu':
      return one('LeakyRelu', { alpha: f.alpha ?? 0.01 });
    case 'elu':
      return one('Elu', { alpha: f.alpha ?? 1 });
    case 'softmax':
      return one('Softmax', undefined, { axis: -1 });
    case 'silu':
      nodes.push({ op: 'Sigmoid', inputs: [z], output: `${name}.sigmoid` });
      nodes.push({ op: 'Mul', inputs: [z, `${name}.sigmoid`], output: a });
      return;
    case 'gelu':
      return geluNodes(name, z, a, nodes, tensors);
  }
}

/** ½·z·(1 + erf(z/√2)), in the node order torch.onnx.export emits. */
function geluNodes(name: string, z: string, a: string, nodes: NodeDraft[], tensors: TensorDraft[]): void {
  const c = (suffix: string, v: number): string => {
    tensors.push({ name: `${name}.${suffix}`, dims: [], values: [v] });
    return `${name}.${suffix}`;
  };
  nodes.push({ op: 'Div', inputs: [z, c('sqrt2', Math.SQRT2)], output: `${name}.scaled` });
  nodes.push({ op: 'Erf', inputs: [`${name}.scaled`], output: `${name}.erf` });
  nodes.push({ op: 'Add', inputs: [`${name}.erf`, c('one', 1)], output: `${name}.erf1` });
  nodes.push({ op: 'Mul', inputs: [z, `${name}.erf1`], output: `${name}.zerf` });
  nodes.push({ op: 'Mul', inputs: [`${name}.zerf`, c('half', 0.5)], output: a });
}

function writeNode(w: ProtoWriter, n: NodeDraft): void {
  for (const i of n.inputs) w.string(1, i);
  w.string(2, n.output).string(3, n.output).string(4, n.op);
  for (const [k, v] of Object.entries(n.floats ?? {}))
    w.message(5, (a) => a.string(1, k).float(2, v).varint(20, ATTR_FLOAT));
  for (const [k, v] of Object.entries(n.ints ?? {}))
    w.message(5, (a) => a.string(1, k).varint(3, v).varint(20, ATTR_INT));
}

function writeTensor(w: ProtoWriter, t: TensorDraft, dtype: ExportDtype): void {
  for (const d of t.dims) w.varint(1, d);
  w.varint(2, TENSOR_TYPE[dtype]).string(8, t.name);
  w.bytes(9, littleEndian(t.values, dtype));
}

/** Values as little-endian float64 or float32 (rounded to nearest) bytes. */
export function littleEndian(values: ArrayLike<number>, dtype: ExportDtype): Uint8Array {
  const out = dtype === 'float64' ? new Float64Array(values.length) : new Float32Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = values[k];
  const bytes = new Uint8Array(out.buffer);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) return bytes;
  const size = out.BYTES_PER_ELEMENT;
  for (let k = 0; k < bytes.length; k += size) bytes.subarray(k, k + size).reverse();
  return bytes;
}

/** A tensor value info: element type and shape ["N", width]. */
function writeValueInfo(w: ProtoWriter, name: string, width: number, dtype: ExportDtype): void {
  w.string(1, name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.varint(1, TENSOR_TYPE[dtype]).message(2, (shape) => {
        shape.message(1, (d) => d.string(2, 'N'));
        shape.message(1, (d) => d.varint(1, width));
      }),
    ),
  );
}
