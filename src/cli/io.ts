/** Everything the CLI touches outside itself, so it can run in-process under test. */
import * as fs from 'fs';
import * as path from 'path';

/** Everything the CLI does outside itself (files, output, exit), so tests run it in memory. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** File contents, or undefined when missing or unreadable. */
  readFile(file: string): string | undefined;
  isDirectory(file: string): boolean;
  /** Every `*.net.json` below a directory (sorted, node_modules and dot-folders skipped). */
  listNetworks(dir: string): string[];
  exists(file: string): boolean;
  readonly cwd: string;
  /** Whether colours may be used. */
  readonly color: boolean;
}

/** The real process's IO. */
export function nodeIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    readFile: (f) => {
      try {
        return fs.readFileSync(f, 'utf8');
      } catch {
        return undefined;
      }
    },
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
