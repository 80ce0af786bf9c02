/** Everything the CLI touches outside itself, so it can run in-process under test. */
import * as fs from 'fs';
import * as path from 'path';
import { LIMITS } from '../core/format/spec';
import { CsvRefusal, isInsideFolder } from '../core/load';
import { formatBytes } from '../core/memoryBudget';
import { Kernels } from '../core/kernels/workspace';

/** Everything the CLI does outside itself (files, output, exit), so tests run it in memory. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** File contents, or undefined when missing, unreadable, not a regular file or over LIMITS.maxCsvBytes. */
  readFile(file: string): string | undefined;
  /**
   * A CSV file's text once its real path (links resolved) is inside the real `root`, it is a regular file of
   * at most LIMITS.maxCsvBytes and it has at most LIMITS.maxSamples rows and a header; undefined when missing.
   */
  readCsv(file: string, root: string): string | CsvRefusal | undefined;
  isDirectory(file: string): boolean;
  /** Every `*.net.json` below a directory (sorted, node_modules and dot-folders skipped). */
  listNetworks(dir: string): string[];
  exists(file: string): boolean;
  /** Writes a whole file; the error message when it could not. */
  writeFile(file: string, text: string): string | undefined;
  readonly cwd: string;
  /** Whether colours may be used. */
  readonly color: boolean;
  /** The kernels every network of the run shares (a helper thread, reused memory); each its own when absent. */
  readonly kernels?: Kernels;
}

/** The real process's IO. */
export function nodeIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    writeFile: (f, text) => {
      try {
        fs.writeFileSync(f, text);
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
    readFile: (f) => {
      try {
        // a FIFO would block and a device never end: regular files only, of a size the limits allow
        const stat = fs.statSync(f);
        return stat.isFile() && stat.size <= LIMITS.maxCsvBytes ? fs.readFileSync(f, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
    readCsv: (f, root) => readCsvSafely(f, root),
    isDirectory: (f) => {
      try {
        return fs.statSync(f).isDirectory();
      } catch {
        return false;
      }
    },
    listNetworks: (dir) => listNetworks(dir),
    exists: (f) => fs.existsSync(f),
    cwd: process.cwd(),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}

function listNetworks(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.net.json')) found.push(p);
    }
  };
  walk(dir);
  return found;
}

/** Bytes read at a time while a CSV is streamed in. */
const CHUNK_BYTES = 1 << 20;

/** See CliIo.readCsv: real paths, regular files, a size checked before reading, lines counted while reading. */
export function readCsvSafely(file: string, root: string): string | CsvRefusal | undefined {
  let real: string;
  let realRoot: string;
  try {
    real = fs.realpathSync(file);
    realRoot = fs.realpathSync(root);
  } catch {
    return undefined;
  }
  if (!isInsideFolder(realRoot, real)) return { refused: 'it leads (through a link) outside the workspace folder' };
  const stat = fs.statSync(real);
  if (!stat.isFile()) return { refused: 'it is not a regular file' };
  if (stat.size > LIMITS.maxCsvBytes)
    return {
      refused: `it is ${formatBytes(stat.size)}, over the ${formatBytes(LIMITS.maxCsvBytes)} limit for CSV files`,
    };
  const fd = fs.openSync(real, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    if (!fs.fstatSync(fd).isFile()) return { refused: 'it is not a regular file' };
    return streamLines(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The text of an open file, read in chunks, refused as soon as it passes the size or row limits. */
function streamLines(fd: number): string | CsvRefusal {
  const decoder = new TextDecoder('utf-8');
  const buffer = Buffer.alloc(CHUNK_BYTES);
  const parts: string[] = [];
  const maxLines = LIMITS.maxSamples + 1;
  let lines = 0;
  let total = 0;
  for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer)) {
    total += n;
    if (total > LIMITS.maxCsvBytes) return { refused: `it grew past the ${formatBytes(LIMITS.maxCsvBytes)} limit` };
    for (let i = buffer.indexOf(10); i >= 0 && i < n; i = buffer.indexOf(10, i + 1)) lines++;
    if (lines > maxLines) {
      const limit = LIMITS.maxSamples.toLocaleString('en-US');
      return { refused: `it has more than ${maxLines.toLocaleString('en-US')} lines (the limit is ${limit} rows)` };
    }
    parts.push(decoder.decode(buffer.subarray(0, n), { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}
