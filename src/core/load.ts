/**
 * The one entry point hosts and the CLI use: text → validated spec → data set → network,
 * with every problem positioned in the file.
 */
import { Node } from 'jsonc-parser';
import { parseCsv } from './format/csv';
import { generateData } from './nn/generators';
import { LineIndex, ProblemList, nodeAt } from './format/json';
import { Network } from './nn/network';
import { parseNetworkText } from './format/parse';
import { createRng } from './nn/rng';
import { DataSpec, Dataset, LIMITS, NetworkSpec, SpecProblem } from './format/spec';

/** A network ready to run: its spec, its initial parameters and its samples. */
export interface LoadedNetwork {
  readonly spec: NetworkSpec;
  readonly network: Network;
  readonly dataset: Dataset;
}

/** Where CSV text comes from, and how many samples to keep. */
export interface LoadOptions {
  /**
   * Reads a CSV given the path written in the file; undefined when missing or refused. Callers
   * enforce "inside the workspace" with `resolveCsvPath`.
   */
  readonly readCsv?: (relativePath: string) => string | undefined;
  /** Use at most this many samples (the first ones), to keep live analysis fast. */
  readonly maxSamples?: number;
}

/** Seed offset of the data-generation stream, so generated data does not change when a layer is added. */
const DATA_STREAM = 0xda7a;

/** Parses, builds the data set and the network; `loaded` is present only when there is no error. */
export function loadNetwork(
  text: string,
  options: LoadOptions = {},
): { loaded?: LoadedNetwork; problems: readonly SpecProblem[] } {
  const parsed = parseNetworkText(text);
  if (!parsed.spec) return { problems: parsed.problems };
  const problems = new ProblemList(new LineIndex(text));
  const dataset = buildDataset(parsed.spec, parsed.tree, problems, options);
  if (!dataset) return { problems: [...parsed.problems, ...problems.items] };
  return { loaded: { spec: parsed.spec, network: Network.fromSpec(parsed.spec), dataset }, problems: parsed.problems };
}

/** Records a problem at the value at `path` in the file. */
type Report = (path: (string | number)[], message: string) => void;

/** The samples a validated spec describes, or undefined with a problem at the data source. */
function buildDataset(
  spec: NetworkSpec,
  tree: Node | undefined,
  problems: ProblemList,
  options: LoadOptions,
): Dataset | undefined {
  const outputs = spec.layers[spec.layers.length - 1].units;
  const data = spec.data;
  const report: Report = (path, message) => problems.add(path, message, nodeAt(tree, path) ?? { offset: 0, length: 1 });
  let dataset: Dataset | undefined;
  switch (data.kind) {
    case 'inline':
      dataset = {
        samples: data.inputs.length,
        inputSize: spec.input,
        targetSize: outputs,
        inputs: Float64Array.from(data.inputs.flat()),
        targets: Float64Array.from(data.targets.flat()),
      };
      break;
    case 'generate':
      dataset = generateData(data.generator, data.samples, data.noise, outputs, createRng(spec.seed ^ DATA_STREAM));
      break;
    case 'csv':
      dataset = csvDataset(spec, data, report, options);
      break;
  }
  if (!dataset) return undefined;
  return options.maxSamples !== undefined && dataset.samples > options.maxSamples
    ? firstSamples(dataset, options.maxSamples)
    : dataset;
}

/** The samples of a CSV file, checked against the network's shape, the limits and the batch size. */
function csvDataset(
  spec: NetworkSpec,
  data: Extract<DataSpec, { kind: 'csv' }>,
  report: Report,
  options: LoadOptions,
): Dataset | undefined {
  const outputs = spec.layers[spec.layers.length - 1].units;
  const text = options.readCsv?.(data.path);
  if (text === undefined) {
    report(
      ['data', 'csv'],
      `cannot read "${data.path}": the file is missing, unreadable, or outside the workspace folder`,
    );
    return undefined;
  }
  if (data.targets.length !== outputs) {
    const columns = `${data.targets.length} target column${data.targets.length === 1 ? '' : 's'}`;
    report(['data', 'targets'], `${columns} for an output layer of ${outputs} unit${outputs === 1 ? '' : 's'}`);
    return undefined;
  }
  const { dataset: csv, error } = parseCsv(text, data.targets, spec.input);
  if (!csv) {
    report(['data', 'csv'], `${data.path}:${error!.line}: ${error!.message}`);
    return undefined;
  }
  const widest = Math.max(spec.input, ...spec.layers.map((l) => l.units));
  if (csv.samples > LIMITS.maxSamples || csv.samples * widest > LIMITS.maxActivationCells) {
    const limits = `${LIMITS.maxSamples} samples and ${LIMITS.maxActivationCells} values per pass`;
    report(['data', 'csv'], `${data.path} has ${csv.samples} rows, beyond the limits of ${limits}`);
    return undefined;
  }
  if (spec.training.batchSize !== undefined && spec.training.batchSize > csv.samples) {
    const batch = `"batchSize" ${spec.training.batchSize}`;
    report(['training', 'batchSize'], `${batch} is larger than the ${csv.samples} samples in ${data.path}`);
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
 */
export function resolveCsvPath(
  networkFileDir: string,
  workspaceRoot: string,
  relativePath: string,
): string | undefined {
  if (/^([a-zA-Z]:)?[\\/]/.test(relativePath) || /^[a-zA-Z]+:/.test(relativePath)) return undefined;
  const root = normalise(workspaceRoot);
  const joined = normalise(`${networkFileDir}/${relativePath}`);
  if (joined === undefined || root === undefined) return undefined;
  const rootPrefix = root.endsWith('/') ? root : `${root}/`;
  return joined.startsWith(rootPrefix) ? joined : undefined;
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
