/**
 * The worker's own file access, for network files over VS Code's 50 MB limit (the editor never hands
 * them to extensions): reading one from disk, size-checked before reading, and writing the trained
 * network into a new file, never over an existing one.
 */
import * as fs from 'fs';
import { formatBytes } from '../../core/memoryBudget';
import { nonFiniteCount } from '../../core/format/parameterCheck';
import { withParameters } from '../../core/format/fixEdits';
import { LayerParameters } from '../../core/format/spec';

/** The largest network file read from disk: 512 MB of text (a file past the 1.5 GB memory prediction anyway). */
export const MAX_NETWORK_FILE_BYTES = 512 * 2 ** 20;

/** A file the worker could not read, with why (shown as the file's problem). */
export class DiskFileError extends Error {}

/** The text of a network file on disk: a regular file of at most MAX_NETWORK_FILE_BYTES, read as UTF-8. */
export function readNetworkFile(diskPath: string): string {
  const name = diskPath.split(/[\\/]/).pop();
  let fd: number;
  try {
    fd = fs.openSync(diskPath, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new DiskFileError(`cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new DiskFileError(`cannot read ${name}: it is not a regular file`);
    if (stat.size > MAX_NETWORK_FILE_BYTES)
      throw new DiskFileError(
        `${name} is ${formatBytes(stat.size)}, over the ${formatBytes(MAX_NETWORK_FILE_BYTES)} limit for network files`,
      );
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `text` with the trained `parameters` into a new file at `target`; returns why it did not
 * (non-finite values, an existing file, a failed write), or undefined when it wrote.
 */
export function writeTrainedFile(
  target: string,
  text: string,
  parameters: readonly LayerParameters[],
): string | undefined {
  const bad = nonFiniteCount(parameters);
  if (bad) return `${bad} trained values are NaN or infinite (training diverged)`;
  try {
    fs.writeFileSync(target, withParameters(text, parameters), { flag: 'wx' });
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EEXIST' ? `${target.split(/[\\/]/).pop()} already exists` : `the write failed (${code ?? e})`;
  }
}
