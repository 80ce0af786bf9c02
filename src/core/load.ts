/**
 * The one entry point hosts and the CLI use: text → validated spec → data set → network,
 * with every problem positioned in the file.
 */
import { countCsvRows, parseCsv } from './format/csv';
import { generateData } from './nn/generators';
import { LineIndex, ProblemList, nodeAt, shortName } from './format/json';
import { DEFAULT_MAX_MEMORY_MB, TREE_BYTES_PER_VALUE, memoryRefusal, predictRunBytes } from './memoryBudget';
import { Kernels } from './kernels/workspace';
import { Network } from './nn/network';
import { Normalization, normalizeInputs } from './nn/normalize';
import { parseNetworkText } from './format/parse';
import { createRng } from './nn/rng';
import { DataSpec, Dataset, LIMITS, NetworkSpec, SpecProblem } from './format/spec';

/** A network ready to run: its spec, its initial parameters and its samples. */
export interface LoadedNetwork {
  readonly spec: NetworkSpec;
  readonly network: Network;
  readonly dataset: Dataset;
  /** The statistics `data.normalize` applied to the inputs (absent: inputs as given), for exports. */
  readonly normalization?: Normalization;
}

/** Why the I/O layer would not read a CSV (type, size, place); it never quotes the file's contents. */
export interface CsvRefusal {
  readonly refused: string;
}

/** Where CSV text comes from, how many samples to keep, and the memory budget. */
export interface LoadOptions {
  /**
   * Reads a CSV given the path written in the file; undefined when missing, or why it was refused. Callers
   * enforce "inside the workspace" with `resolveCsvPath` on real paths, regular files and LIMITS.maxCsvBytes.
   */
  readonly readCsv?: (relativePath: string) => string | CsvRefusal | undefined;
  /** Use at most this many samples (the first ones), to keep live analysis fast. */
  readonly maxSamples?: number;
  /** The kernels, helper thread and spare memory the network shares with the caller's others (default: its own). */
  readonly kernels?: Kernels;
  /** Refuse files whose predicted memory exceeds this many MB (default DEFAULT_MAX_MEMORY_MB). */
  readonly maxMemoryMB?: number;
}

/** Seed offset of the data-generation stream, so generated data does not change when a layer is added. */
const DATA_STREAM = 0xda7a;

/**
 * Parses, checks the predicted memory, builds the data set (normalised when asked) and the network;
 * `loaded` is present only when there is no error.
 */
export function loadNetwork(
  text: string,
  options: LoadOptions = {},
): { loaded?: LoadedNetwork; problems: readonly SpecProblem[] } {
  const limitBytes = (options.maxMemoryMB ?? DEFAULT_MAX_MEMORY_MB) * 2 ** 20;
  const parsed = parseNetworkText(text, { maxValues: Math.floor(limitBytes / TREE_BYTES_PER_VALUE) });
  if (!parsed.spec) return { problems: parsed.problems };
  const problems = new ProblemList(new LineIndex(text));
  const report: Report = (path, message) =>
    problems.add(path, message, nodeAt(parsed.tree, path) ?? { offset: 0, length: 1 });
  const budget: Budget = { limitBytes, fileValues: parsed.values, report };
  const built = buildDataset(parsed.spec, budget, options);
  if (!built) return { problems: [...parsed.problems, ...problems.items] };
  const { spec } = parsed;
  return { loaded: { spec, network: Network.fromSpec(spec, options.kernels), ...built }, problems: parsed.problems };
}

/** Records a problem at the value at `path` in the file. */
type Report = (path: (string | number)[], message: string) => void;

/** The memory limit, what the file's own syntax tree costs, and where to report. */
interface Budget {
  readonly limitBytes: number;
  readonly fileValues: number;
  readonly report: Report;
}

/** The samples a validated spec describes (normalised when asked), or undefined with a problem at the source. */
function buildDataset(
  spec: NetworkSpec,
  budget: Budget,
  options: LoadOptions,
): { dataset: Dataset; normalization?: Normalization } | undefined {
  const outputs = spec.layers[spec.layers.length - 1].units;
  const data = spec.data;
  let dataset: Dataset | undefined;
  switch (data.kind) {
    case 'inline':
      if (!withinBudget(spec, data.inputs.length, budget, 0)) return undefined;
      dataset = {
        samples: data.inputs.length,
        inputSize: spec.input,
        targetSize: outputs,
        inputs: Float64Array.from(data.inputs.flat()),
        targets: Float64Array.from(data.targets.flat()),
      };
      break;
    case 'generate':
      if (!withinBudget(spec, data.samples, budget, 0)) return undefined;
      dataset = generateData(data.generator, data.samples, data.noise, outputs, createRng(spec.seed ^ DATA_STREAM));
      break;
    case 'csv':
      dataset = csvDataset(spec, data, budget, options);
      break;
  }
  if (!dataset) return undefined;
  // statistics over all the training data, before live analysis keeps its first samples
  const normalization = data.normalize ? normalizeInputs(dataset, data.normalize) : undefined;
  const kept =
    options.maxSamples !== undefined && dataset.samples > options.maxSamples
      ? firstSamples(dataset, options.maxSamples)
      : dataset;
  return normalization ? { dataset: kept, normalization } : { dataset: kept };
}

/**
 * Whether a run of `samples` samples fits the memory budget (with `csvBytes` of CSV text held while loading);
 * otherwise reports the prediction at the data source, or at the layers when the parameters dominate.
 */
function withinBudget(spec: NetworkSpec, samples: number, budget: Budget, csvBytes: number): boolean {
  const units = spec.layers.map((l) => l.units);
  const shape = { input: spec.input, units, samples, optimizer: spec.training.optimizer };
  const prediction = predictRunBytes({
    ...shape,
    batchSize: spec.training.batchSize,
    fileValues: budget.fileValues,
    csvBytes,
  });
  if (prediction.bytes <= budget.limitBytes) return true;
  const widest = spec.layers.reduce((a, b) => (b.units > a.units ? b : a));
  const { parts } = prediction;
  const byParameters = parts.parameters + parts.optimizer > parts.data + parts.layerBuffers + parts.scratch;
  const source = spec.data.kind === 'inline' ? 'inputs' : spec.data.kind === 'csv' ? 'csv' : 'generate';
  budget.report(
    byParameters ? ['layers'] : ['data', source],
    memoryRefusal(prediction, budget.limitBytes, samples, widest),
  );
  return false;
}

/** The samples of a CSV file, checked against the network's shape, the limits, the memory budget and the batch. */
function csvDataset(
  spec: NetworkSpec,
  data: Extract<DataSpec, { kind: 'csv' }>,
  budget: Budget,
  options: LoadOptions,
): Dataset | undefined {
  const { report } = budget;
  const outputs = spec.layers[spec.layers.length - 1].units;
  const text = options.readCsv?.(data.path);
  if (typeof text !== 'string') {
    const why = text?.refused ?? 'the file is missing, unreadable, or outside the workspace folder';
    report(['data', 'csv'], `cannot read "${shortName(data.path)}": ${why}`);
    return undefined;
  }
  const classes = data.classIndexTargets ? outputs : undefined;
  if (data.targets.length !== outputs && classes === undefined) {
    const columns = `${data.targets.length} target column${data.targets.length === 1 ? '' : 's'}`;
    report(['data', 'targets'], `${columns} for an output layer of ${outputs} unit${outputs === 1 ? '' : 's'}`);
    return undefined;
  }
  const rows = countCsvRows(text);
  const where = shortName(data.path);
  if (typeof rows === 'number' && rows > LIMITS.maxSamples) {
    report(['data', 'csv'], `${where} has ${rows} rows, beyond the limit of ${LIMITS.maxSamples} samples`);
    return undefined;
  }
  // the text is held twice at worst while it loads (the bytes read and the decoded string)
  if (typeof rows === 'number' && !withinBudget(spec, rows, budget, 3 * text.length)) return undefined;
  const { dataset: csv, error } = parseCsv(text, data.targets, spec.input, classes);
  if (!csv) {
    report(['data', 'csv'], `${where}:${error!.line}: ${error!.message}`);
    return undefined;
  }
  if (spec.training.batchSize !== undefined && spec.training.batchSize > csv.samples) {
    const batch = `"batchSize" ${spec.training.batchSize}`;
    report(['training', 'batchSize'], `${batch} is larger than the ${csv.samples} samples in ${where}`);
    return undefined;
  }
  return csv;
}

/** The first `n` samples of a data set. */
function firstSamples(d: Dataset, n: number): Dataset {
  return {
    ...d,
    samples: n,
    inputs: d.inputs.slice(0, n * d.inputSize),
    targets: d.targets.slice(0, n * d.targetSize),
  };
}

/**
 * Absolute path of a CSV written as `relativePath` in a network file in `networkFileDir`, or undefined
 * when it is absolute or leaves `workspaceRoot` (pure string logic; `/` and `\\` separators both accepted).
 * The I/O layers then resolve links (real paths) and check `isInsideFolder` again before reading.
 */
export function resolveCsvPath(
  networkFileDir: string,
  workspaceRoot: string,
  relativePath: string,
): string | undefined {
  if (/^([a-zA-Z]:)?[\\/]/.test(relativePath) || /^[a-zA-Z]+:/.test(relativePath)) return undefined;
  const joined = normalise(`${networkFileDir}/${relativePath}`);
  return joined !== undefined && isInsideFolder(workspaceRoot, joined) ? joined : undefined;
}

/** Whether `path` lies strictly inside the folder `root` (both absolute; `.` and `..` collapsed first). */
export function isInsideFolder(root: string, path: string): boolean {
  const folder = normalise(root);
  const inner = normalise(path);
  if (folder === undefined || inner === undefined) return false;
  return inner.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
}

/** Collapses `.` and `..` segments with `/` separators; undefined when `..` climbs above the start. */
function normalise(path: string): string | undefined {
  const unified = path.replace(/\\/g, '/');
  const lead = unified.match(/^([a-zA-Z]:)?\//)?.[0] ?? '';
  const out: string[] = [];
  for (const seg of unified.slice(lead.length).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return lead + out.join('/');
}
