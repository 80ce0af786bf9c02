/**
 * The header line of a run log (`*.gd.jsonl`, written by the Python probe gdprobe): what was observed and
 * how. Only the fields the readers use are checked; the rest is kept as written.
 */
import { ACTIVATION_NAMES } from '../format/activationFacts';

/** The `format` marker of the header line. */
export const RUN_LOG_FORMAT = 'gradient-debugger-run';
/** The one format version this reader understands. */
export const RUN_LOG_VERSION = 1;

/** Caps that keep a hostile or broken log from exhausting memory. */
export const RUN_LOG_LIMITS = {
  /** Longest line read (characters); a longer one is skipped and reported. */
  maxLineChars: 8 * 2 ** 20,
  /** Problems listed one by one (all are counted). */
  listedProblems: 20,
} as const;

/** One observed layer: a parameterised module and the activation it feeds. */
export interface RunLayer {
  readonly name: string;
  /** The torch class, e.g. "Linear". */
  readonly type: string;
  /** The core's activation id, "linear", or "unknown" when applied as a function (seen through the next input). */
  readonly activation: string;
  readonly units: number;
  readonly inputs?: number;
  readonly parameters?: number;
  readonly observedThrough?: string;
}

/** The header of a run log. */
export interface RunHeader {
  readonly format: typeof RUN_LOG_FORMAT;
  readonly version: number;
  readonly layers: readonly RunLayer[];
  /** Every module, in model order, with its parameter count. */
  readonly modules?: readonly { readonly name: string; readonly type: string; readonly parameters: number }[];
  /** What could not be observed, and why. */
  readonly unobserved?: readonly { readonly module: string; readonly reason: string }[];
  readonly optimizer?: { readonly type: string | null; readonly hyperParameters?: Readonly<Record<string, unknown>> };
  readonly loss?: string | null;
  readonly batchSizePerRank?: number | null;
  readonly worldSize?: number;
  readonly strategy?: string;
  readonly torch?: string;
  /** Steps between logged steps at the start; `everyChanges` records each doubling by the overhead budget. */
  readonly every?: number;
  readonly everyChanges?: readonly { readonly step: number; readonly every: number }[];
}

/** A header, or why the line is not one. */
export type HeaderResult = { readonly header: RunHeader } | { readonly error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a parsed first line: the format marker, the version, and each layer's name, activation and units. */
export function readRunHeader(value: unknown): HeaderResult {
  if (!isObject(value) || value.format !== RUN_LOG_FORMAT)
    return {
      error:
        `the first line is not a run log header: expected {"format": "${RUN_LOG_FORMAT}", "version": ` +
        `${RUN_LOG_VERSION}, ...} as gdprobe writes it`,
    };
  if (value.version !== RUN_LOG_VERSION)
    return {
      error:
        `run log format version ${JSON.stringify(value.version)} is not supported: this Gradient Debugger reads ` +
        `version ${RUN_LOG_VERSION} (update the extension, or write the log with a matching gdprobe)`,
    };
  if (!Array.isArray(value.layers) || value.layers.length === 0)
    return { error: 'the header has no "layers" (a non-empty list of observed layers)' };
  for (const [i, layer] of value.layers.entries()) {
    const problem = layerProblem(layer);
    if (problem) return { error: `header layers[${i}]: ${problem}` };
  }
  return { header: value as unknown as RunHeader };
}

/** What is wrong with one header layer, or undefined. */
function layerProblem(layer: unknown): string | undefined {
  if (!isObject(layer)) return 'not an object';
  if (typeof layer.name !== 'string') return '"name" must be a string';
  if (!Number.isInteger(layer.units) || (layer.units as number) < 1) return '"units" must be a whole number ≥ 1';
  const known = [...ACTIVATION_NAMES, 'unknown'] as readonly string[];
  if (typeof layer.activation !== 'string' || !known.includes(layer.activation))
    return `"activation" must be one of ${known.join(', ')}, got ${JSON.stringify(layer.activation)}`;
  return undefined;
}
