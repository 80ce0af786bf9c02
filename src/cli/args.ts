/** Command-line arguments: `<command> FILE... [options]`. */
import { shortName } from '../core/format/json';
import { LIMITS } from '../core/format/spec';

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
  /** Memory budget in MB (default: DEFAULT_MAX_MEMORY_MB). */
  readonly maxMemory?: number;
  /** Print the stack of an internal error. */
  readonly debug: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

/** Options that take a value, and whether they take a number. */
const VALUE_OPTIONS: Record<string, 'string' | 'number'> = {
  '--fail-on': 'string',
  '--steps': 'number',
  '--tolerance': 'number',
  '--root': 'string',
  '--max-memory': 'number',
};
const FLAGS = ['--json', '--gradients', '--debug', '--help', '-h', '--version', '-v'];

/** The rule each numeric option's value must meet, as words for the usage error. */
const NUMBER_RULES: Record<string, { ok: (v: number) => boolean; words: string }> = {
  '--steps': {
    ok: (v) => Number.isInteger(v) && v >= 0 && v <= LIMITS.maxSteps,
    words: `a whole number from 0 to ${LIMITS.maxSteps.toLocaleString('en-US')}`,
  },
  '--tolerance': { ok: (v) => v > 0, words: 'a positive number' },
  '--max-memory': { ok: (v) => v > 0, words: 'a positive number of megabytes' },
};

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
        const rule = NUMBER_RULES[name];
        if (!Number.isFinite(v) || !rule.ok(v))
          return { error: `${name} needs ${rule.words}, got "${shortName(raw)}"` };
        values[name] = v;
      } else values[name] = raw;
    } else if (FLAGS.includes(name)) {
      flags.add(name);
    } else if (name.startsWith('-') && name !== '-') {
      return { error: `unknown option ${shortName(name)}` };
    } else if (!command && files.length === 0) {
      if (!(COMMANDS as readonly string[]).includes(a))
        return { error: `unknown command "${shortName(a)}" (commands: ${COMMANDS.join(', ')})` };
      command = a as Command;
    } else files.push(a);
  }
  return {
    args: {
      command,
      files,
      json: flags.has('--json'),
      gradients: flags.has('--gradients'),
      debug: flags.has('--debug'),
      help: flags.has('--help') || flags.has('-h'),
      version: flags.has('--version') || flags.has('-v'),
      failOn: values['--fail-on'] as string | undefined,
      steps: values['--steps'] as number | undefined,
      tolerance: values['--tolerance'] as number | undefined,
      root: values['--root'] as string | undefined,
      maxMemory: values['--max-memory'] as number | undefined,
    },
  };
}

/** The help text `--help` and usage errors print. */
export const USAGE = `Usage: gradient-debugger <command> FILE|DIR... [options]

Commands:
  analyze   one full-batch forward/backward pass: per-layer table and warnings
  train     run the file's training settings, then diagnose the run
  check     compare analytic gradients with central differences
  fix       FILE [--fix N] [--out FILE]: apply the N-th verified fix (default 1, the recommended one)
  diagnose  RUN.gd.jsonl [--json] [--fail-on KINDS|any]: the over-time rules on a logged PyTorch run
  import    MODEL [--out FILE] ...: an ONNX or safetensors model as a network file (see import --help)
  export    FILE --onnx OUT | --pytorch OUT: the network as ONNX or a PyTorch script

Options:
  --json               print JSON instead of text (one object per run)
  --gradients          analyze: include ∂loss/∂W and ∂loss/∂b of every layer
  --fail-on KINDS|any  analyze/train: exit 1 when a warning of these kinds is present
                       (comma list of: vanishing_gradient, exploding_gradient, dead_relu,
                        saturated_activation, non_finite, bad_init, output_mismatch, data_scale,
                        learning_rate_too_high, loss_diverging, not_learning)
  --steps N            train: number of steps (default: the file's training.steps)
  --tolerance X        check: largest relative error that passes (default 1e-4)
  --root DIR           folder CSV files must stay inside (default: nearest folder with .git or package.json)
  --max-memory MB      refuse files whose predicted memory exceeds this (default 1536)
  --debug              print the stack of an internal error
  -h, --help           this help
  -v, --version        the version

Exit codes:
  0   fine
  1   a --fail-on warning fired, or a check failed
  2   invalid input or usage
  3   nothing to do, e.g. no fix to apply
  70  internal error (one line; the stack with --debug)
`;
