/**
 * `gradient-debugger import MODEL [--out FILE] [--data CSV --targets COLS | --generate NAME] [--loss L]
 * [--activations a,b,c] [--force]`: an ONNX or safetensors dense network → a `*.net.json`.
 */
import * as path from 'path';
import { LOSS_NAMES, LossName } from '../../core/format/spec';
import { ImportOutcome, importOnnx, importSafetensors } from '../../core/modelio/importModel';
import { ImportData, ImportOptions, isGeneratorName } from '../../core/modelio/networkText';
import { MAX_MODEL_BYTES } from '../../core/modelio/onnxModel';
import { EXIT } from '../exitCodes';
import { CliIo } from '../io';
import { ModelFiles, nodeModelFiles, parseFlags } from './modelFiles';

/** Usage of the import command. */
export const IMPORT_USAGE = `Usage: gradient-debugger import MODEL [options]
  MODEL                 an .onnx file (a chain of dense layers) or a .safetensors state dict of Linear layers
  --out FILE            the network file to write (default: MODEL's name with .net.json)
  --data CSV --targets COLS   samples from a CSV file, COLS the comma-separated target columns
  --generate NAME       a built-in 2-feature data set: xor, circle, spiral, gauss
  --loss L              ${LOSS_NAMES.join(', ')} (default: from the output layer)
  --activations LIST    safetensors without our metadata: one activation per layer, e.g. relu,relu,softmax
  --force               overwrite FILE if it exists
`;

/** Runs the import command; exit 2 with a message on any bad input. */
export function importCommand(argv: readonly string[], io: CliIo, files: ModelFiles = nodeModelFiles()): number {
  const flags = parseFlags(argv, ['out', 'data', 'targets', 'generate', 'loss', 'activations'], ['force', 'help']);
  if (typeof flags !== 'string' && flags.switches.has('help')) {
    io.out(IMPORT_USAGE);
    return EXIT.ok;
  }
  const fail = (message: string): number => {
    io.err(`gradient-debugger import: ${message}\n`);
    return EXIT.invalid;
  };
  if (typeof flags === 'string') return fail(flags);
  if (flags.positional.length !== 1) return fail('give one MODEL file (.onnx or .safetensors)');
  const model = path.resolve(io.cwd, flags.positional[0]);
  const out = path.resolve(
    io.cwd,
    flags.values.get('out') ?? model.replace(/\.(onnx|safetensors)$/i, '') + '.net.json',
  );
  const options = importOptions(flags.values, path.dirname(out), io.cwd);
  if (typeof options === 'string') return fail(options);
  const size = files.size(model);
  if (size === undefined) return fail(`cannot read ${flags.positional[0]}`);
  if (size > MAX_MODEL_BYTES)
    return fail(`${flags.positional[0]} has ${size} bytes, more than the limit of ${MAX_MODEL_BYTES}`);
  const bytes = files.readBytes(model);
  if (!bytes) return fail(`cannot read ${flags.positional[0]}`);
  const result: ImportOutcome = /\.safetensors$/i.test(model)
    ? importSafetensors(bytes, options)
    : importOnnx(bytes, options);
  if (result.error !== undefined) return fail(`${flags.positional[0]}: ${result.error}`);
  if (!files.write(out, result.text!, flags.switches.has('force')))
    return fail(
      `cannot write ${path.relative(io.cwd, out)}${flags.switches.has('force') ? '' : ' (it exists? pass --force)'}`,
    );
  for (const note of result.notes ?? []) io.err(`note: ${note}\n`);
  io.out(`wrote ${path.relative(io.cwd, out) || out}\n`);
  return EXIT.ok;
}

/** The import options from the flags; CSV paths become relative to the output file's folder. */
function importOptions(values: ReadonlyMap<string, string>, outDir: string, cwd: string): ImportOptions | string {
  const loss = values.get('loss');
  if (loss !== undefined && !(LOSS_NAMES as readonly string[]).includes(loss))
    return `--loss takes one of ${LOSS_NAMES.join(', ')}`;
  const csv = values.get('data');
  const generate = values.get('generate');
  if (csv !== undefined && generate !== undefined) return '--data and --generate exclude each other';
  if (csv !== undefined && !values.get('targets')) return '--data needs --targets COLS (the target column names)';
  if (values.has('targets') && csv === undefined) return '--targets goes with --data';
  if (generate !== undefined && !isGeneratorName(generate)) return '--generate takes xor, circle, spiral or gauss';
  let data: ImportData | undefined;
  if (csv !== undefined) {
    const relative = path.relative(outDir, path.resolve(cwd, csv)).split(path.sep).join('/');
    data = {
      csv: relative,
      targets: values
        .get('targets')!
        .split(',')
        .map((t) => t.trim()),
    };
  } else if (generate !== undefined && isGeneratorName(generate)) data = { generate };
  const activations = values
    .get('activations')
    ?.split(',')
    .map((a) => a.trim());
  return {
    ...(loss !== undefined ? { loss: loss as LossName } : {}),
    ...(data ? { data } : {}),
    ...(activations ? { activations } : {}),
  };
}
