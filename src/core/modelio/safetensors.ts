/**
 * The safetensors format, read and written directly: an 8-byte little-endian header length, a JSON
 * header (dtype, shape, data_offsets per tensor, optional string `__metadata__`), then raw bytes.
 * Read as a PyTorch state dict of an nn.Sequential of Linear layers.
 */
import { LIMITS } from '../format/spec';
import { ExportDtype, littleEndian } from './onnxExport';
import { ExportModel, META, exportMetadata } from './exportModel';
import { ImportedLayer, activationSpec, isActivationName } from './networkText';
import { ModelFormatError } from './protobuf';

/** The largest header read: names and offsets of LIMITS.maxLayers layers fit in far less. */
const MAX_HEADER_BYTES = 1 << 20;
const DTYPE_BYTES: Readonly<Record<string, number>> = { F32: 4, F64: 8 };

/** One tensor of the file, its values as float64. */
interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float64Array;
}

/** The tensors and string metadata of a safetensors file; throws ModelFormatError when malformed. */
export function readSafetensors(bytes: Uint8Array): { tensors: NamedTensor[]; metadata: Map<string, string> } {
  if (bytes.length < 8) throw new ModelFormatError(`the file is truncated: ${bytes.length} bytes, no header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_HEADER_BYTES || headerLength > bytes.length - 8)
    throw new ModelFormatError(
      `not a safetensors file, or truncated: the header declares ${headerLength} bytes, ${bytes.length - 8} follow`,
    );
  if (bytes[8] !== 0x7b)
    throw new ModelFormatError('not a safetensors file: wrong magic (the header is not a JSON object)');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch {
    throw new ModelFormatError('not a safetensors file: the header is not valid JSON');
  }
  const data = bytes.subarray(8 + headerLength);
  const metadata = new Map<string, string>();
  const meta = header.__metadata__;
  if (meta && typeof meta === 'object')
    for (const [k, v] of Object.entries(meta)) if (typeof v === 'string') metadata.set(k, v);
  const tensors = Object.entries(header)
    .filter(([k]) => k !== '__metadata__')
    .map(([name, entry]) => readTensor(name, entry, data));
  return { tensors, metadata };
}

function readTensor(name: string, entry: unknown, data: Uint8Array): NamedTensor {
  const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const size = typeof e.dtype === 'string' ? DTYPE_BYTES[e.dtype] : undefined;
  if (!size) throw new ModelFormatError(`tensor '${name}' has dtype ${String(e.dtype)}; only F32 and F64 are read`);
  const shape = e.shape;
  const offsets = e.data_offsets;
  const ints = (a: unknown): a is number[] => Array.isArray(a) && a.every((d) => Number.isSafeInteger(d) && d >= 0);
  if (!ints(shape) || !ints(offsets) || offsets.length !== 2)
    throw new ModelFormatError(`tensor '${name}' has a malformed shape or data_offsets`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > LIMITS.maxParameters)
    throw new ModelFormatError(
      `tensor '${name}' declares ${count} elements, more than the limit of ${LIMITS.maxParameters}`,
    );
  const [begin, end] = offsets;
  if (end > data.length || begin > end)
    throw new ModelFormatError(`the file is truncated: tensor '${name}' ends at byte ${end} of ${data.length}`);
  if (end - begin !== count * size)
    throw new ModelFormatError(`tensor '${name}' has ${end - begin} bytes for ${count} elements of ${size} bytes`);
  const view = new DataView(data.buffer, data.byteOffset + begin, end - begin);
  const values = new Float64Array(count);
  for (let k = 0; k < count; k++) values[k] = size === 8 ? view.getFloat64(8 * k, true) : view.getFloat32(4 * k, true);
  return { name, shape, values };
}

/** The Linear layers of a state dict, in module order, with activations from metadata or `activations`. */
export function safetensorsLayers(
  bytes: Uint8Array,
  activations: readonly string[] | undefined,
): { layers: ImportedLayer[]; metadata: Map<string, string>; notes: string[] } {
  const { tensors, metadata } = readSafetensors(bytes);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const stray = tensors.find((t) => !/\.(weight|bias)$/.test(t.name) || !byName.has(t.name.replace(/bias$/, 'weight')));
  if (stray) throw new ModelFormatError(`tensor '${stray.name}' is not the weight or bias of a Linear layer`);
  const prefixes = tensors.filter((t) => t.name.endsWith('.weight')).map((t) => t.name.slice(0, -'.weight'.length));
  prefixes.sort(naturalOrder);
  if (!prefixes.length) throw new ModelFormatError('the file holds no Linear layer weights');
  const names = activationNames(prefixes.length, metadata, activations);
  let fanIn: number | undefined;
  const layers = prefixes.map((prefix, i) => {
    const w = byName.get(`${prefix}.weight`)!;
    const b = byName.get(`${prefix}.bias`);
    if (w.shape.length !== 2) throw new ModelFormatError(`tensor '${w.name}' is not a matrix`);
    const [units, inputs] = w.shape;
    if (fanIn !== undefined && inputs !== fanIn)
      throw new ModelFormatError(`tensor '${w.name}' takes ${inputs} inputs, but the layer before has ${fanIn} units`);
    if (b && b.values.length !== units)
      throw new ModelFormatError(`tensor '${b.name}' has ${b.values.length} values for ${units} units`);
    fanIn = units;
    const name = /[A-Za-z]/.test(prefix) ? prefix : `layer${i + 1}`;
    return {
      name,
      inputs,
      units,
      weights: w.values,
      bias: b?.values ?? new Float64Array(units),
      activation: activationSpec(names[i]),
    };
  });
  const notes = prefixes
    .filter((p) => !byName.has(`${p}.bias`))
    .map((p) => `layer '${p}' had no bias; it gets a zero bias`);
  return { layers, metadata, notes };
}

/** Activation names: from our metadata, else the user's list; their count must match the layers'. */
function activationNames(
  count: number,
  metadata: ReadonlyMap<string, string>,
  given: readonly string[] | undefined,
): ReturnType<typeof activationSpec>['type'][] {
  let names = given;
  if (!names && metadata.has(META.layers)) {
    try {
      names = (JSON.parse(metadata.get(META.layers)!) as { activation: { type: string } }[]).map(
        (l) => l.activation.type,
      );
    } catch {
      names = undefined;
    }
  }
  if (!names)
    throw new ModelFormatError(
      `the file does not say its activations: pass them, one per layer (${count}), e.g. --activations relu,relu,softmax`,
    );
  if (names.length !== count)
    throw new ModelFormatError(`${names.length} activations given for ${count} Linear layers`);
  const bad = names.find((n) => !isActivationName(n));
  if (bad !== undefined) throw new ModelFormatError(`unknown activation '${bad}'`);
  return names as ReturnType<typeof activationSpec>['type'][];
}

/** "2" before "10", "layers.2" before "layers.10". */
function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** A safetensors file holding `tensors` in order, with `metadata`; the header padded to 8 bytes. */
export function writeSafetensors(
  tensors: readonly { name: string; shape: readonly number[]; values: ArrayLike<number> }[],
  metadata: readonly [string, string][],
  dtype: ExportDtype = 'float64',
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: Object.fromEntries(metadata) };
  const chunks = tensors.map((t) => littleEndian(t.values, dtype));
  let at = 0;
  tensors.forEach((t, k) => {
    header[t.name] = {
      dtype: dtype === 'float64' ? 'F64' : 'F32',
      shape: t.shape,
      data_offsets: [at, at + chunks[k].length],
    };
    at += chunks[k].length;
  });
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + at);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 8);
  let pos = 8 + head.length;
  for (const c of chunks) (out.set(c, pos), (pos += c.length));
  return out;
}

/** The state dict of `model` under the given module-index keys, with our metadata. */
export function encodeSafetensors(
  model: ExportModel,
  keys: readonly string[],
  dtype: ExportDtype = 'float64',
): Uint8Array {
  const tensors = model.layers.flatMap((l, i) => [
    { name: `${keys[i]}.weight`, shape: [l.units, l.inputs], values: l.weights },
    { name: `${keys[i]}.bias`, shape: [l.units], values: l.bias },
  ]);
  return writeSafetensors(tensors, exportMetadata(model), dtype);
}
