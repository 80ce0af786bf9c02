/**
 * What every exporter needs from a network file: its layers with their current parameters, and the
 * file's other sections verbatim, so that importing the exported model gives the same file back.
 */
import { ActivationSpec, LossName, TrainingSpec } from '../format/spec';
import type { LoadedNetwork } from '../load';

/** One dense layer with its parameters: `weights` is units × inputs, row-major. */
export interface ExportLayer {
  readonly name: string;
  readonly inputs: number;
  readonly units: number;
  readonly activation: ActivationSpec;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/** A network ready to export. */
export interface ExportModel {
  readonly name: string;
  readonly seed: number;
  readonly input: number;
  readonly loss: LossName;
  readonly layers: readonly ExportLayer[];
  /** The file's "data" section as written (JSON value), including any "normalize". */
  readonly data: unknown;
  /** The file's "training" section as written, when present. */
  readonly training?: unknown;
  /** The data normalisation the file asks for ("standard" or "minmax"), when any. */
  readonly normalize?: string;
  /** The validated training settings (defaults filled in). */
  readonly settings: TrainingSpec;
}

/** The model of a loaded network file: parameters from the network (explicit or initialised), sections from the text. */
export function exportModel(text: string, loaded: LoadedNetwork): ExportModel {
  const { spec, network } = loaded;
  let raw: { data?: unknown; training?: unknown } = {};
  try {
    raw = JSON.parse(text) as typeof raw;
  } catch {
    // the file parsed (it loaded), so this only fails on syntax JSON.parse does not share; sections then come from the spec
  }
  const data = raw.data ?? dataSection(loaded);
  const normalize = (data as { normalize?: unknown } | undefined)?.normalize;
  return {
    name: spec.name,
    seed: spec.seed,
    input: spec.input,
    loss: spec.loss,
    layers: network.layers.map((layer, i) => ({
      name: spec.layers[i].name,
      inputs: layer.inSize,
      units: spec.layers[i].units,
      activation: spec.layers[i].activation,
      weights: Float64Array.from(layer.weights),
      bias: Float64Array.from(layer.bias),
    })),
    data,
    settings: spec.training,
    ...(raw.training !== undefined ? { training: raw.training } : {}),
    ...(typeof normalize === 'string' ? { normalize } : {}),
  };
}

/** The data section rebuilt from the spec (when the text could not be re-read). */
function dataSection({ spec }: LoadedNetwork): unknown {
  const d = spec.data;
  if (d.kind === 'inline') return { inputs: d.inputs, targets: d.targets };
  if (d.kind === 'csv') return { csv: d.path, targets: d.targets };
  return { generate: d.generator, samples: d.samples, noise: d.noise };
}

/** The keys of ONNX metadata_props and safetensors __metadata__ that carry the file's other sections. */
export const META = {
  format: 'gradient_debugger.format',
  name: 'gradient_debugger.name',
  seed: 'gradient_debugger.seed',
  loss: 'gradient_debugger.loss',
  data: 'gradient_debugger.data',
  training: 'gradient_debugger.training',
  normalize: 'gradient_debugger.normalize',
  layers: 'gradient_debugger.layers',
} as const;

/** The metadata entries of a model: every section the graph itself cannot hold, as JSON text. */
export function exportMetadata(model: ExportModel): [string, string][] {
  return [
    [META.format, '1'],
    [META.name, model.name],
    [META.seed, String(model.seed)],
    [META.loss, model.loss],
    [META.data, JSON.stringify(model.data)],
    ...(model.training !== undefined ? [[META.training, JSON.stringify(model.training)] as [string, string]] : []),
    ...(model.normalize ? [[META.normalize, model.normalize] as [string, string]] : []),
    [META.layers, JSON.stringify(model.layers.map((l) => ({ name: l.name, activation: l.activation })))],
  ];
}
