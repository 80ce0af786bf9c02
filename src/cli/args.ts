/** Command-line arguments: `<command> FILE... [options]`. */

export const COMMANDS = ['analyze', 'train', 'check'] as const;
/** The CLI subcommands. */
export type Command = (typeof COMMANDS)[number];

/** The command line, parsed and checked. */
export interface ParsedArgs {
  readonly command?: Command;
  readonly files: string[];
  readonly json: boolean;
  readonly gradients: boolean;
  readonly failOn?: string;
  readonly steps?: number;
  readonly tolerance?: number;
  readonly root?: string;
  readonly help: boolean;
  readonly version: boolean;
}

/** Options that take a value, and whether they take a number. */
const VALUE_OPTIONS: Record<string, 'string' | 'number'> = {
  '--fail-on': 'string',
  '--steps': 'number',
  '--tolerance': 'number',
  '--root': 'string',
};
const FLAGS = ['--json', '--gradients', '--help', '-h', '--version', '-v'];

/** Parses argv (without node and the script); returns a usage error message on bad input. */
export function parseArgs(argv: readonly string[]): { args?: ParsedArgs; error?: string } {
  const files: string[] = [];
  const values: Record<string, string | number> = {};
  const flags = new Set<string>();
  let command: Command | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    if (name in VALUE_OPTIONS) {
      const raw = inline ?? argv[++i];
      if (raw === undefined) return { error: `${name} needs a value` };
      if (VALUE_OPTIONS[name] === 'number') {
        const v = Number(raw);
        if (
          !Number.isFinite(v) ||
          (name === '--steps' && (!Number.isInteger(v) || v < 0)) ||
          (name === '--tolerance' && v <= 0)
        )
          return {
            error: `${name} needs ${name === '--steps' ? 'a whole number ≥ 0' : 'a positive number'}, got "${raw}"`,
          };
        values[name] = v;
      } else values[name] = raw;
    } else if (FLAGS.includes(name)) {
      flags.add(name);
    } else if (name.startsWith('-') && name !== '-') {
      return { error: `unknown option ${name}` };
    } else if (!command && files.length === 0) {
      if (!(COMMANDS as readonly string[]).includes(a))
        return { error: `unknown command "${a}" (commands: ${COMMANDS.join(', ')})` };
      command = a as Command;
    } else files.push(a);
  }
  return {
    args: {
      command,
      files,
      json: flags.has('--json'),
      gradients: flags.has('--gradients'),
      help: flags.has('--help') || flags.has('-h'),
      version: flags.has('--version') || flags.has('-v'),
      failOn: values['--fail-on'] as string | undefined,
      steps: values['--steps'] as number | undefined,
      tolerance: values['--tolerance'] as number | undefined,
      root: values['--root'] as string | undefined,
    },
  };
}

/** The help text `--help` and usage errors print. */
export const USAGE = `Usage: gradient-debugger <command> FILE|DIR... [options]

Commands:
  analyze   one full-batch forward/backward pass: per-layer table and warnings
  train     run the file's training settings, then diagnose the run
  check     compare analytic gradients with central differences

Options:
  --json               print JSON instead of text (one object per run)
  --gradients          analyze: include ∂loss/∂W and ∂loss/∂b of every layer
  --fail-on KINDS|any  analyze/train: exit 1 when a warning of these kinds is present
                       (comma list of: vanishing_gradient, exploding_gradient, dead_relu,
                        saturated_activation, non_finite, bad_init, output_mismatch, loss_diverging)
  --steps N            train: number of steps (default: the file's training.steps)
  --tolerance X        check: largest relative error that passes (default 1e-4)
  --root DIR           folder CSV files must stay inside (default: nearest folder with .git or package.json)
  -h, --help           this help
  -v, --version        the version

Exit codes: 0 fine · 1 a --fail-on warning or a failed check · 2 invalid input or usage
`;
