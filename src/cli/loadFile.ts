/** Reading one network file for a command: its text, its CSV (inside the workspace root only), positioned problems. */
import * as path from 'path';
import { LoadOptions, LoadedNetwork, loadNetwork, resolveCsvPath } from '../core/load';
import { LIMITS } from '../core/format/spec';
import { formatBytes } from '../core/memoryBudget';
import { ParsedArgs } from './args';
import { CliIo } from './io';

/** Reads and loads one file; prints every problem as file:line:column and returns undefined on errors. */
export function loadFile(
  file: string,
  display: string,
  args: Pick<ParsedArgs, 'root' | 'maxMemory'>,
  io: CliIo,
): LoadedFile | undefined {
  const text = io.readFile(file);
  if (text === undefined) {
    const why = `missing, unreadable, not a regular file, or over ${formatBytes(LIMITS.maxCsvBytes)}`;
    io.err(`${display}: cannot read the file (${why})\n`);
    return undefined;
  }
  const dir = path.dirname(file);
  const root = args.root ? path.resolve(io.cwd, args.root) : workspaceRoot(dir, io);
  const options: LoadOptions = {
    readCsv: (rel) => {
      const csv = resolveCsvPath(dir, root, rel);
      return csv === undefined ? undefined : io.readCsv(csv, root);
    },
    ...(args.maxMemory !== undefined ? { maxMemoryMB: args.maxMemory } : {}),
    kernels: io.kernels,
  };
  const { loaded, problems } = loadNetwork(text, options);
  for (const p of problems)
    io.err(`${display}:${p.start.line + 1}:${p.start.character + 1}: ${p.severity}: ${p.message}\n`);
  return loaded && { loaded, text, options };
}

/** A loaded network with the text and options it was loaded from (fixes are verified against them). */
export interface LoadedFile {
  readonly loaded: LoadedNetwork;
  readonly text: string;
  readonly options: LoadOptions;
}

/** Nearest ancestor holding .git or package.json, else the file's own folder: CSV paths may not leave it. */
function workspaceRoot(dir: string, io: CliIo): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (io.exists(path.join(d, '.git')) || io.exists(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return dir;
  }
}
