/**
 * `gradient-debugger export FILE --onnx OUT.onnx | --pytorch OUT.py [--dtype float64|float32] [--force]`:
 * a network file → an ONNX model, or a PyTorch script (with a .safetensors sidecar for large networks).
 */
import * as path from 'path';
import { LoadedNetwork } from '../../core/load';
import { ExportModel, exportModel } from '../../core/modelio/exportModel';
import { ExportDtype, encodeOnnx } from '../../core/modelio/onnxExport';
import { scriptExport } from '../../core/modelio/pytorchScript';
import { EXIT } from '../exitCodes';
import { CliIo } from '../io';
import { loadFile } from '../loadFile';
import { ModelFiles, nodeModelFiles, parseFlags } from './modelFiles';

/** Usage of the export command. */
export const EXPORT_USAGE = `Usage: gradient-debugger export FILE (--onnx OUT.onnx | --pytorch OUT.py) [options]
  --onnx OUT.onnx       an ONNX model (opset 13, Gemm + activations); loss, data and training in its metadata
  --pytorch OUT.py      a PyTorch script: nn.Sequential, weights, data, loss and optimizer
  --dtype T             float64 (default: the round trip is exact) or float32
  --root DIR            the folder CSV paths may not leave (default: the nearest with .git or package.json)
  --force               overwrite existing files
`;

/** Runs the export command; exit 2 with a message on any bad input. */
export function exportCommand(argv: readonly string[], io: CliIo, files: ModelFiles = nodeModelFiles()): number {
  const flags = parseFlags(argv, ['onnx', 'pytorch', 'dtype', 'root'], ['force', 'help']);
  if (typeof flags !== 'string' && flags.switches.has('help')) {
    io.out(EXPORT_USAGE);
    return EXIT.ok;
  }
  const fail = (message: string): number => {
    io.err(`gradient-debugger export: ${message}\n`);
    return EXIT.invalid;
  };
  if (typeof flags === 'string') return fail(flags);
  const onnx = flags.values.get('onnx');
  const script = flags.values.get('pytorch');
  const dtype = flags.values.get('dtype') ?? 'float64';
  if (flags.positional.length !== 1) return fail('give one network FILE (*.net.json)');
  if ((onnx === undefined) === (script === undefined)) return fail('give one of --onnx OUT.onnx or --pytorch OUT.py');
  if (dtype !== 'float64' && dtype !== 'float32') return fail('--dtype takes float64 or float32');
  const file = path.resolve(io.cwd, flags.positional[0]);
  const read = loadFile(file, flags.positional[0], { root: flags.values.get('root'), maxMemory: undefined }, io);
  if (!read) return EXIT.invalid;
  const { loaded, text } = read;
  const model = exportModel(text, loaded);
  const force = flags.switches.has('force');
  const outputs: [string, string | Uint8Array][] = onnx
    ? [[path.resolve(io.cwd, onnx), encodeOnnx(model, dtype)]]
    : scriptFiles(model, loaded, path.resolve(io.cwd, script!), file, dtype);
  for (const [out, data] of outputs) {
    if (!files.write(out, data, force))
      return fail(`cannot write ${path.relative(io.cwd, out)}${force ? '' : ' (it exists? pass --force)'}`);
    io.out(`wrote ${path.relative(io.cwd, out) || out}\n`);
  }
  return EXIT.ok;
}

/** The script, and its safetensors sidecar for a large network, as files to write. */
function scriptFiles(
  model: ExportModel,
  loaded: LoadedNetwork,
  out: string,
  networkFile: string,
  dtype: ExportDtype,
): [string, string | Uint8Array][] {
  const sidecar = out.replace(/\.py$/, '') + '.safetensors';
  const csvPath =
    loaded.spec.data.kind === 'csv'
      ? path
          .relative(path.dirname(out), path.resolve(path.dirname(networkFile), loaded.spec.data.path))
          .split(path.sep)
          .join('/')
      : undefined;
  const result = scriptExport(model, loaded, { csvPath, sidecarName: path.basename(sidecar) }, dtype);
  return result.sidecar
    ? [
        [out, result.script],
        [sidecar, result.sidecar],
      ]
    : [[out, result.script]];
}
