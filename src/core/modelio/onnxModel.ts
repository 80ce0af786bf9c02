/**
 * ONNX ModelProto → the few messages a dense chain needs (graph nodes, initialisers, the input's
 * shape, metadata), decoded from the wire format with the field numbers of onnx/onnx.proto.
 */
import { LIMITS } from '../format/spec';
import { ModelFormatError, WireField, fieldText, readFields, varints } from './protobuf';

/** A tensor constant; `values` holds its elements as float64 (float32 and integers convert exactly). */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly values: Float64Array;
}

/** A node attribute: a float, an int, a string, a tensor or a list of ints. */
export interface OnnxAttribute {
  readonly f?: number;
  readonly i?: number;
  readonly s?: string;
  readonly t?: OnnxTensor;
  readonly ints?: readonly number[];
}

/** One graph node: op type, value names in and out, attributes by name. */
export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxAttribute>;
}

/** A graph input: its name and its dims (numbers, or symbolic names such as "batch"). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dims: readonly (number | string)[];
}

/** The decoded parts of a model. */
export interface OnnxModel {
  readonly opset: number;
  readonly producer: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly string[];
  readonly metadata: ReadonlyMap<string, string>;
}

/** The largest model file read: every parameter allowed as float64, plus room for the graph. */
export const MAX_MODEL_BYTES = LIMITS.maxParameters * 8 + (1 << 20);
/** The most graph nodes a dense chain of LIMITS.maxLayers layers could need (with Erf-GELU, 6 nodes a layer). */
const MAX_NODES = LIMITS.maxLayers * 8 + 16;

/** ONNX TensorProto data types read here: their element size in bytes. */
const ELEMENT_BYTES: Readonly<Record<number, number>> = { 1: 4, 6: 4, 7: 8, 11: 8 };
const TYPE_NAMES: Readonly<Record<number, string>> = {
  10: 'float16',
  16: 'bfloat16',
  2: 'uint8',
  3: 'int8',
  9: 'bool',
};

/** Decodes an ONNX file; throws ModelFormatError with a clear message on anything malformed or refused. */
export function decodeOnnx(bytes: Uint8Array): OnnxModel {
  if (bytes.length > MAX_MODEL_BYTES)
    throw new ModelFormatError(`the file has ${bytes.length} bytes, more than the limit of ${MAX_MODEL_BYTES}`);
  if (bytes.length === 0) throw new ModelFormatError('the file is empty');
  // a ModelProto starts with ir_version (field 1, varint: byte 0x08); zip, HDF5, safetensors and text do not
  if (bytes[0] !== 0x08)
    throw new ModelFormatError(`not an ONNX model: wrong magic byte 0x${hex(bytes[0])} (expected 0x08)`);
  const fields = readFields(bytes);
  const graphField = fields.find((f) => f.field === 7 && f.wire === 2);
  if (!graphField) throw new ModelFormatError('not an ONNX model: no graph');
  const opsets = fields.filter((f) => f.field === 8 && f.wire === 2).map((f) => readFields(f.bytes));
  const defaultOpset = opsets.find((o) => !o.some((f) => f.field === 1 && f.bytes.length > 0));
  const metadata = new Map<string, string>();
  for (const f of fields.filter((g) => g.field === 14 && g.wire === 2)) {
    const entry = readFields(f.bytes);
    metadata.set(text(entry, 1), text(entry, 2));
  }
  return {
    opset: defaultOpset ? (varints(defaultOpset, 2)[0] ?? 0) : 0,
    producer: text(fields, 2),
    ...decodeGraph(graphField.bytes),
    metadata,
  };
}

function decodeGraph(bytes: Uint8Array): Pick<OnnxModel, 'nodes' | 'initializers' | 'inputs' | 'outputs'> {
  const fields = readFields(bytes);
  const nodeFields = fields.filter((f) => f.field === 1 && f.wire === 2);
  if (nodeFields.length > MAX_NODES)
    throw new ModelFormatError(
      `the graph has ${nodeFields.length} nodes, more than a dense chain of ${LIMITS.maxLayers} layers needs`,
    );
  const initializers = new Map<string, OnnxTensor>();
  for (const f of fields.filter((g) => g.field === 5 && g.wire === 2)) {
    const t = decodeTensor(f.bytes);
    initializers.set(t.name, t);
  }
  return {
    nodes: nodeFields.map((f) => decodeNode(f.bytes)),
    initializers,
    inputs: fields.filter((f) => f.field === 11 && f.wire === 2).map((f) => decodeValueInfo(f.bytes)),
    outputs: fields.filter((f) => f.field === 12 && f.wire === 2).map((f) => text(readFields(f.bytes), 1)),
  };
}

function decodeNode(bytes: Uint8Array): OnnxNode {
  const fields = readFields(bytes);
  const attributes = new Map<string, OnnxAttribute>();
  for (const f of fields.filter((g) => g.field === 5 && g.wire === 2)) {
    const a = readFields(f.bytes);
    const t = a.find((g) => g.field === 5 && g.wire === 2);
    const fl = a.find((g) => g.field === 2 && g.wire === 5);
    attributes.set(text(a, 1), {
      ...(fl ? { f: new DataView(fl.bytes.buffer, fl.bytes.byteOffset, 4).getFloat32(0, true) } : {}),
      ...(a.some((g) => g.field === 3) ? { i: varints(a, 3)[0] } : {}),
      ...(a.some((g) => g.field === 4) ? { s: text(a, 4) } : {}),
      ...(t ? { t: decodeTensor(t.bytes) } : {}),
      ...(a.some((g) => g.field === 8) ? { ints: varints(a, 8) } : {}),
    });
  }
  return {
    name: text(fields, 3),
    opType: text(fields, 4),
    inputs: fields.filter((f) => f.field === 1 && f.wire === 2).map(fieldText),
    outputs: fields.filter((f) => f.field === 2 && f.wire === 2).map(fieldText),
    attributes,
  };
}

function decodeValueInfo(bytes: Uint8Array): OnnxValueInfo {
  const fields = readFields(bytes);
  const type = fields.find((f) => f.field === 2 && f.wire === 2);
  const tensorType = type && readFields(type.bytes).find((f) => f.field === 1 && f.wire === 2);
  const shape = tensorType && readFields(tensorType.bytes).find((f) => f.field === 2 && f.wire === 2);
  const dims = shape
    ? readFields(shape.bytes)
        .filter((f) => f.field === 1 && f.wire === 2)
        .map((f) => {
          const d = readFields(f.bytes);
          return d.some((g) => g.field === 1) ? varints(d, 1)[0] : text(d, 2) || '?';
        })
    : [];
  return { name: text(fields, 1), dims };
}

/** A TensorProto: dims, type and data, with the element count checked against the limits before allocating. */
export function decodeTensor(bytes: Uint8Array): OnnxTensor {
  const fields = readFields(bytes);
  const name = text(fields, 8);
  const dims = varints(fields, 1);
  const type = varints(fields, 2)[0] ?? 0;
  const label = `tensor '${name}'`;
  if (fields.some((f) => f.field === 13) || varints(fields, 14)[0] === 1)
    throw new ModelFormatError(
      `${label} keeps its data in an external file, which is not read: save the model with its weights inside it`,
    );
  const size = ELEMENT_BYTES[type];
  if (!size)
    throw new ModelFormatError(`${label} has type ${TYPE_NAMES[type] ?? type}; only float32 and float64 are read`);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new ModelFormatError(`${label} has invalid dims [${dims.join(', ')}]`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > LIMITS.maxParameters)
    throw new ModelFormatError(`${label} declares ${count} elements, more than the limit of ${LIMITS.maxParameters}`);
  return { name, dims, values: tensorValues(fields, type, count, label) };
}

/** The elements from raw_data (little-endian) or the typed field of `type`. */
function tensorValues(fields: readonly WireField[], type: number, count: number, label: string): Float64Array {
  const raw = fields.find((f) => f.field === 9 && f.wire === 2);
  const size = ELEMENT_BYTES[type];
  if (raw) {
    if (raw.bytes.length !== count * size)
      throw new ModelFormatError(
        `${label} has ${raw.bytes.length} bytes of data for ${count} elements of ${size} bytes`,
      );
    return readLittleEndian(raw.bytes, type, count);
  }
  if (type === 7 || type === 6) return checkCount(Float64Array.from(varints(fields, type === 7 ? 7 : 5)), count, label);
  const typed = fields.filter((f) => f.field === (type === 11 ? 10 : 4));
  const packed = new Uint8Array(typed.reduce((n, f) => n + f.bytes.length, 0));
  typed.reduce((at, f) => (packed.set(f.bytes, at), at + f.bytes.length), 0);
  if (packed.length !== count * size)
    throw new ModelFormatError(`${label} has ${packed.length / size} values for ${count} elements`);
  return readLittleEndian(packed, type, count);
}

function readLittleEndian(bytes: Uint8Array, type: number, count: number): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++)
    out[k] =
      type === 11
        ? view.getFloat64(8 * k, true)
        : type === 1
          ? view.getFloat32(4 * k, true)
          : type === 6
            ? view.getInt32(4 * k, true)
            : Number(view.getBigInt64(8 * k, true));
  return out;
}

function checkCount(values: Float64Array, count: number, label: string): Float64Array {
  if (values.length !== count) throw new ModelFormatError(`${label} has ${values.length} values for ${count} elements`);
  return values;
}

/** The last string field `field` (proto3 semantics), or "". */
function text(fields: readonly WireField[], field: number): string {
  const f = fields.filter((g) => g.field === field && g.wire === 2).pop();
  return f ? fieldText(f) : '';
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
