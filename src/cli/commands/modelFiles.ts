/** Binary file access and flag parsing shared by the `import` and `export` commands. */
import * as fs from 'fs';

/** The binary I/O the model commands need beyond CliIo (tests pass an in-memory one). */
export interface ModelFiles {
  /** Size in bytes of a regular file, or undefined when missing or not a file. */
  size(file: string): number | undefined;
  readBytes(file: string): Uint8Array | undefined;
  /** Writes a new file; false when it exists (and `overwrite` is not set) or cannot be written. */
  write(file: string, data: string | Uint8Array, overwrite: boolean): boolean;
}

/** The real file system's. */
export function nodeModelFiles(): ModelFiles {
  return {
    size: (f) => {
      try {
        const s = fs.statSync(f);
        return s.isFile() ? s.size : undefined;
      } catch {
        return undefined;
      }
    },
    readBytes: (f) => {
      try {
        return new Uint8Array(fs.readFileSync(f));
      } catch {
        return undefined;
      }
    },
    write: (f, data, overwrite) => {
      try {
        fs.writeFileSync(f, data, { flag: overwrite ? 'w' : 'wx' });
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Parsed `--name value` flags and `--switch`es, and the positional arguments. */
export interface Flags {
  readonly positional: string[];
  readonly values: Map<string, string>;
  readonly switches: Set<string>;
}

/** Parses argv against the flags a command knows; a message for anything unknown or missing its value. */
export function parseFlags(
  argv: readonly string[],
  valued: readonly string[],
  switches: readonly string[],
): Flags | string {
  const flags: Flags = { positional: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] = a.startsWith('--') ? a.slice(2).split(/=(.*)/s, 2) : [undefined, undefined];
    if (name === undefined) flags.positional.push(a);
    else if (switches.includes(name) && inline === undefined) flags.switches.add(name);
    else if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) return `--${name} needs a value`;
      flags.values.set(name, value);
    } else return `unknown option ${a}`;
  }
  return flags;
}
