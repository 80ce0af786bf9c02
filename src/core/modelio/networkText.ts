/**
 * An imported dense chain → the text of a `*.net.json` (format v1) with explicit weights, units ×
 * inputs: the loss, data and training from the user's options, else from our own export's metadata,
 * else inferred from the output layer, with a placeholder data set and a note when there is none.
 */
import { ActivationSpec, GENERATOR_NAMES, GeneratorName, LOSS_NAMES, LossName } from '../format/spec';
import { ACTIVATION_NAMES, activationFacts } from '../format/activationFacts';
import { createRng } from '../nn/rng';
import { META } from './exportModel';
import { ModelFormatError } from './protobuf';

/** One layer to write: `weights` is units × inputs, row-major. */
export interface ImportedLayer {
  name: string;
  readonly inputs: number;
  readonly units: number;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  activation: ActivationSpec;
}

/** Where the imported file's samples come from, when the user says. */
export type ImportData =
  | { readonly csv: string; readonly targets: readonly string[] }
  | { readonly generate: GeneratorName }
  | { readonly inputs: readonly (readonly number[])[]; readonly targets: readonly (readonly number[])[] };

/** The user's choices for the imported file; each overrides what the model's metadata says. */
export interface ImportOptions {
  /** The network's name (default: the model's own, else "imported model"). */
  readonly name?: string;
  readonly loss?: LossName;
  readonly data?: ImportData;
  /** The "training" section to write, as JSON. */
  readonly training?: Readonly<Record<string, unknown>>;
  /** Activations of safetensors layers in order, when the file's metadata has none ("relu", "leaky_relu"...). */
  readonly activations?: readonly string[];
}

/** The imported file's text and what the user should know about it. */
export interface ImportResult {
  readonly text: string;
  readonly notes: readonly string[];
}

const PLACEHOLDER_SAMPLES = 8;

/** The file text for `layers` (input width `input`), `metadata` from our own export when present. */
export function networkText(
  input: number,
  layers: ImportedLayer[],
  metadata: ReadonlyMap<string, string>,
  options: ImportOptions,
  notes: string[],
): ImportResult {
  applyLayerMetadata(layers, metadata);
  const loss = chooseLoss(layers, metadata, options, notes);
  const data = options.data ?? parseMeta(metadata, META.data) ?? placeholderData(input, layers, loss, notes);
  const training = options.training ?? parseMeta(metadata, META.training);
  const seed = Number(metadata.get(META.seed) ?? 0);
  const file = {
    name: options.name ?? metadata.get(META.name) ?? 'imported model',
    seed: Number.isInteger(seed) ? seed : 0,
    input,
    layers: layers.map((l) => ({
      name: l.name,
      units: l.units,
      activation: l.activation.alpha === undefined ? l.activation.type : l.activation,
      weights: rows(l.weights, l.units, l.inputs),
      bias: Array.from(l.bias),
    })),
    loss,
    data,
    ...(training !== undefined ? { training } : {}),
  };
  return { text: `${formatJson(file, '')}\n`, notes };
}

/** Layer names, and exact activation parameters, from our export's metadata when its layers match the graph's. */
function applyLayerMetadata(layers: ImportedLayer[], metadata: ReadonlyMap<string, string>): void {
  const meta = parseMeta(metadata, META.layers);
  if (!Array.isArray(meta) || meta.length !== layers.length) return;
  meta.forEach((m: { name?: unknown; activation?: ActivationSpec }, i) => {
    if (typeof m.name === 'string') layers[i].name = m.name;
    const a = m.activation;
    if (a && a.type === layers[i].activation.type && typeof a.alpha === 'number') layers[i].activation = a;
  });
}

/** The loss: the user's, the metadata's, or the output layer's natural one; a softmax or sigmoid is appended to logits. */
function chooseLoss(
  layers: ImportedLayer[],
  metadata: ReadonlyMap<string, string>,
  options: ImportOptions,
  notes: string[],
): LossName {
  const out = layers[layers.length - 1];
  const fromMeta = metadata.get(META.loss) as LossName | undefined;
  const natural: LossName =
    out.activation.type === 'softmax'
      ? 'cross_entropy'
      : out.activation.type === 'sigmoid'
        ? 'binary_cross_entropy'
        : 'mse';
  const loss = options.loss ?? (fromMeta && LOSS_NAMES.includes(fromMeta) ? fromMeta : natural);
  const needs = loss === 'cross_entropy' ? 'softmax' : loss === 'binary_cross_entropy' ? 'sigmoid' : undefined;
  if (needs && out.activation.type === 'linear') {
    out.activation = { type: needs };
    notes.push(`the model ends in logits: a ${needs} is appended to '${out.name}' for ${loss}`);
  } else if (needs && out.activation.type !== needs) {
    throw new ModelFormatError(
      `${loss} needs a ${needs} (or linear) output, but '${out.name}' ends in ${out.activation.type}`,
    );
  }
  if (!options.loss && !fromMeta) notes.push(`loss: ${loss} (chosen from the output layer; set it with --loss)`);
  return loss;
}

/** A small stand-in data set so the file loads at once: 2-D inputs use a generator, others seeded rows. */
function placeholderData(input: number, layers: readonly ImportedLayer[], loss: LossName, notes: string[]): unknown {
  notes.push('the model carries no data: the file has a small placeholder; point "data" at your own samples');
  if (input === 2) return { generate: loss === 'mse' ? 'circle' : 'gauss', samples: 200 };
  const outputs = layers[layers.length - 1].units;
  const rng = createRng(1);
  const inputs = Array.from({ length: PLACEHOLDER_SAMPLES }, () =>
    Array.from({ length: input }, () => round(rng.normal())),
  );
  const targets = Array.from({ length: PLACEHOLDER_SAMPLES }, (_, s) =>
    Array.from({ length: outputs }, (_, k) =>
      loss === 'cross_entropy' ? Number(s % outputs === k) : loss === 'binary_cross_entropy' ? s % 2 : 0,
    ),
  );
  return { inputs, targets };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** A metadata entry holding JSON, parsed; undefined when absent or malformed. */
function parseMeta(metadata: ReadonlyMap<string, string>, key: string): unknown {
  const text = metadata.get(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A flat row-major matrix as nested rows. */
function rows(values: Float64Array, units: number, inputs: number): number[][] {
  return Array.from({ length: units }, (_, j) => Array.from(values.subarray(j * inputs, (j + 1) * inputs)));
}

/** JSON with 2-space indentation where arrays of numbers stay on one line (one weight row a line). */
export function formatJson(value: unknown, indent: string): string {
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' || typeof v === 'string'))
    return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
  const inner = `${indent}  `;
  if (Array.isArray(value))
    return value.length ? `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]` : '[]';
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.every(([, v]) => typeof v !== 'object' || v === null) && entries.length <= 4)
      return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** Whether `name` is an activation the format knows. */
export function isActivationName(name: string): name is ActivationSpec['type'] {
  return (ACTIVATION_NAMES as readonly string[]).includes(name);
}

/** Whether `name` is a generator the format knows. */
export function isGeneratorName(name: string): name is GeneratorName {
  return (GENERATOR_NAMES as readonly string[]).includes(name);
}

/** An activation spec from a name, with the format's default α where f takes one. */
export function activationSpec(name: ActivationSpec['type']): ActivationSpec {
  const alpha = activationFacts(name).defaultAlpha;
  return alpha === undefined ? { type: name } : { type: name, alpha };
}
