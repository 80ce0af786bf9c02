/**
 * A network → a readable PyTorch script: the nn.Sequential, its weights (literals, or a safetensors
 * sidecar read with torch alone), the data and its normalisation, the loss and the optimizer, so that
 * `--gradients` prints the same full-batch gradients as our analysis and a plain run trains as we do.
 */
import { ActivationSpec } from '../format/spec';
import type { LoadedNetwork } from '../load';
import { ExportModel } from './exportModel';
import { ExportDtype } from './onnxExport';
import { encodeSafetensors } from './safetensors';
import {
  ScriptSources,
  dataSection,
  dropsSoftmax,
  lossSection,
  py,
  pyList,
  pyRows,
  trainingSection,
} from './pytorchSections';

/** Above this many parameters the weights go to a `.safetensors` sidecar instead of literals. */
export const LITERAL_PARAMETER_LIMIT = 5000;

/** The Sequential module lines: Linear and activation modules, with each Linear's index (its state-dict key). */
export function sequentialModules(model: ExportModel): { lines: string[]; keys: string[] } {
  const lines: string[] = [];
  const keys: string[] = [];
  model.layers.forEach((l, i) => {
    keys.push(String(lines.length));
    lines.push(`nn.Linear(${l.inputs}, ${l.units}),  # ${lines.length}: ${JSON.stringify(l.name)}`);
    const last = i === model.layers.length - 1;
    const module = torchModule(l.activation);
    if (module && !(last && dropsSoftmax(model))) lines.push(`${module},`);
  });
  return { lines, keys };
}

function torchModule(a: ActivationSpec): string | undefined {
  switch (a.type) {
    case 'linear':
      return undefined;
    case 'leaky_relu':
      return `nn.LeakyReLU(${py(a.alpha ?? 0.01)})`;
    case 'elu':
      return `nn.ELU(${py(a.alpha ?? 1)})`;
    case 'softmax':
      return 'nn.Softmax(dim=1)';
    default:
      return `${{ relu: 'nn.ReLU', sigmoid: 'nn.Sigmoid', tanh: 'nn.Tanh', softplus: 'nn.Softplus', gelu: 'nn.GELU', silu: 'nn.SiLU' }[a.type]}()`;
  }
}

/** The whole script. */
export function pytorchScript(model: ExportModel, sources: ScriptSources): string {
  const { lines, keys } = sequentialModules(model);
  return (
    [
      header(model),
      `model = nn.Sequential(\n${lines.map((l) => `    ${l}`).join('\n')}\n)`,
      weightsSection(model, keys, sources.sidecar),
      dataSection(model, sources),
      lossSection(model),
      trainingSection(model),
    ].join('\n\n\n') + '\n'
  );
}

function header(model: ExportModel): string {
  return `#!/usr/bin/env python3
"""${model.name.replace(/"""/g, "'''")}: exported by Gradient Debugger from a network file (format v1).

Rebuilds the network as torch.nn.Sequential with the file's weights (weight rows are units x inputs,
as nn.Linear.weight), its data, loss and optimizer settings, all in float64.

    python3 ${'<this script>'}              # trains for the file's number of steps
    python3 ${'<this script>'} --gradients  # prints the full-batch loss and gradients as JSON
"""
import argparse
import json
import pathlib

import torch
from torch import nn

torch.set_default_dtype(torch.float64)
torch.manual_seed(${model.seed})
HERE = pathlib.Path(__file__).resolve().parent`;
}

function weightsSection(model: ExportModel, keys: readonly string[], sidecar: string | undefined): string {
  if (sidecar)
    return `def read_safetensors(path):
    """A safetensors file read with torch alone: 8-byte header length, JSON header, raw little-endian data."""
    data = pathlib.Path(path).read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + size])
    dtypes = {"F64": torch.float64, "F32": torch.float32}
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = bytearray(data[8 + size + begin:8 + size + end])
        tensors[name] = torch.frombuffer(raw, dtype=dtypes[entry["dtype"]]).reshape(entry["shape"]).double()
    return tensors


model.load_state_dict(read_safetensors(HERE / ${JSON.stringify(sidecar)}))`;
  const entries = model.layers.flatMap((l, i) => [
    `    "${keys[i]}.weight": ${pyRows(
      Array.from({ length: l.units }, (_, j) => Array.from(l.weights.subarray(j * l.inputs, (j + 1) * l.inputs))),
      '    ',
    )},`,
    `    "${keys[i]}.bias": ${pyList(l.bias)},`,
  ]);
  return `STATE = {\n${entries.join('\n')}\n}\nmodel.load_state_dict({key: torch.tensor(value) for key, value in STATE.items()})`;
}

/**
 * The script and, over LITERAL_PARAMETER_LIMIT parameters, its safetensors sidecar for a loaded network;
 * `csvPath` is the CSV's path relative to the script, `sidecarName` the sidecar's file name beside it.
 */
export function scriptExport(
  model: ExportModel,
  loaded: LoadedNetwork,
  where: { readonly csvPath?: string; readonly sidecarName: string },
  dtype: ExportDtype = 'float64',
): { script: string; sidecar?: Uint8Array } {
  const parameters = model.layers.reduce((n, l) => n + l.weights.length + l.bias.length, 0);
  const large = parameters > LITERAL_PARAMETER_LIMIT;
  const { spec, dataset } = loaded;
  const data: ScriptSources =
    spec.data.kind === 'csv' && where.csvPath !== undefined
      ? {
          csv: {
            path: where.csvPath,
            targets: spec.data.targets,
            ...(spec.data.classIndexTargets ? { classes: dataset.targetSize } : {}),
          },
        }
      : { rows: rawRows(loaded) };
  const script = pytorchScript(model, { ...data, ...(large ? { sidecar: where.sidecarName } : {}) });
  return large ? { script, sidecar: encodeSafetensors(model, sequentialModules(model).keys, dtype) } : { script };
}

/** The samples as written (inline inputs exactly; generated ones with the normalisation undone), targets as loaded. */
function rawRows(loaded: LoadedNetwork): { inputs: number[][]; targets: number[][] } {
  const { spec, dataset } = loaded;
  const rows = (flat: Float64Array, width: number): number[][] =>
    Array.from({ length: dataset.samples }, (_, s) => Array.from(flat.subarray(s * width, (s + 1) * width)));
  const n = loaded.normalization;
  const inputs =
    spec.data.kind === 'inline'
      ? spec.data.inputs.map((r) => [...r])
      : rows(dataset.inputs, dataset.inputSize).map((r) => (n ? r.map((v, i) => v * n.scale[i] + n.shift[i]) : r));
  return { inputs, targets: rows(dataset.targets, dataset.targetSize) };
}
