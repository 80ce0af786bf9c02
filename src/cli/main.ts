/** The CLI: `analyze`, `train` and `check` over network files, with exit codes for scripts and CI. */
import * as path from 'path';
import { analyze } from '../core/analysis';
import { gradientCheck } from '../core/gradcheck';
import { LoadedNetwork, loadNetwork, resolveCsvPath } from '../core/load';
import { WARNING_KINDS, Warning, WarningKind } from '../core/diagnosis/report';
import { TrainingRun } from '../core/trainingRun';
import { formatNumber, toJsonText } from '../shared/numbers';
import { ParsedArgs, USAGE, parseArgs } from './args';
import { STANDALONE_COMMANDS } from './commands';
import { EXIT } from './exitCodes';
import { CliIo } from './io';
import { analysisText, paint, table, warningBlocks } from './output';

export { EXIT } from './exitCodes';

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export function runCli(argv: readonly string[], io: CliIo, version = '0.0.0'): number {
  const standalone = Object.prototype.hasOwnProperty.call(STANDALONE_COMMANDS, argv[0] ?? '')
    ? STANDALONE_COMMANDS[argv[0]]
    : undefined;
  if (standalone) return standalone(argv.slice(1), io);
  const { args, error } = parseArgs(argv);
  if (!args) return usageError(io, error!);
  if (args.version) {
    io.out(`${version}\n`);
    return EXIT.ok;
  }
  if (args.help || !args.command) {
    io.out(USAGE);
    return args.help ? EXIT.ok : EXIT.invalid;
  }
  if (!args.files.length) return usageError(io, `${args.command} needs a FILE or a folder`);
  const failOn = parseFailOn(args.failOn);
  if (failOn === 'invalid')
    return usageError(io, `--fail-on takes "any" or a comma list of: ${WARNING_KINDS.join(', ')}`);

  const files = args.files.flatMap((f) => {
    const abs = path.resolve(io.cwd, f);
    return io.isDirectory(abs) ? io.listNetworks(abs) : [abs];
  });
  if (!files.length) return usageError(io, `no *.net.json files in ${args.files.join(', ')}`);

  let code: number = EXIT.ok;
  const jsonResults: unknown[] = [];
  for (const file of files) {
    const display = path.relative(io.cwd, file) || file;
    const loaded = load(file, display, args, io);
    if (!loaded) {
      code = EXIT.invalid;
      continue;
    }
    const { result, text, failed } = runCommand(args, loaded, failOn, io.color);
    if (failed && code === EXIT.ok) code = EXIT.failed;
    if (args.json) jsonResults.push({ file: display, ...result });
    else io.out(`${files.length > 1 ? '\n' : ''}${paint(io.color, 'bold', display)}\n${text}\n`);
  }
  if (args.json)
    io.out(
      `${toJsonText(files.length === 1 && jsonResults.length === 1 ? jsonResults[0] : { files: jsonResults }, 2)}\n`,
    );
  return code;
}

function usageError(io: CliIo, message: string): number {
  io.err(`gradient-debugger: ${message}\nRun with --help for usage.\n`);
  return EXIT.invalid;
}

/** "any" → every kind; a comma list → those kinds; undefined → none. */
function parseFailOn(value: string | undefined): readonly WarningKind[] | 'invalid' {
  if (value === undefined) return [];
  if (value === 'any') return WARNING_KINDS;
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return kinds.length && kinds.every((k) => (WARNING_KINDS as readonly string[]).includes(k))
    ? (kinds as WarningKind[])
    : 'invalid';
}

/** Reads and loads one file; prints every problem as file:line:column and returns undefined on errors. */
function load(file: string, display: string, args: ParsedArgs, io: CliIo): LoadedNetwork | undefined {
  const text = io.readFile(file);
  if (text === undefined) {
    io.err(`${display}: cannot read the file\n`);
    return undefined;
  }
  const dir = path.dirname(file);
  const root = args.root ? path.resolve(io.cwd, args.root) : workspaceRoot(dir, io);
  const { loaded, problems } = loadNetwork(text, {
    readCsv: (rel) => {
      const csv = resolveCsvPath(dir, root, rel);
      return csv === undefined ? undefined : io.readFile(csv);
    },
  });
  for (const p of problems)
    io.err(`${display}:${p.start.line + 1}:${p.start.character + 1}: ${p.severity}: ${p.message}\n`);
  return loaded;
}

/** Nearest ancestor holding .git or package.json, else the file's own folder: CSV paths may not leave it. */
function workspaceRoot(dir: string, io: CliIo): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (io.exists(path.join(d, '.git')) || io.exists(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return dir;
  }
}

/** Runs the command on one network: JSON-ready result, text, and whether it failed. */
function runCommand(
  args: ParsedArgs,
  loaded: LoadedNetwork,
  failOn: readonly WarningKind[],
  color: boolean,
): { result: object; text: string; failed: boolean } {
  const failing = (warnings: readonly Warning[]): boolean => warnings.some((w) => failOn.includes(w.kind));
  switch (args.command) {
    case 'analyze': {
      const report = analyze(loaded);
      const gradients = args.gradients ? gradientsOf(loaded) : undefined;
      const text = analysisText(report, color) + (gradients ? `\n\n${toJsonText(gradients, 2)}` : '');
      return { result: { ...report, ...(gradients ? { gradients } : {}) }, text, failed: failing(report.warnings) };
    }
    case 'train': {
      const steps = args.steps ?? loaded.spec.training.steps;
      const run = new TrainingRun(loaded);
      run.advance(steps);
      const warnings = mergeWarnings(run.warnings(), analyze(run.loaded).warnings);
      const result = {
        steps: run.stepsDone,
        history: run.history,
        parameters: run.loaded.network.parameters(),
        warnings,
      };
      return { result, text: trainingText(run, steps, warnings, color), failed: failing(warnings) };
    }
    case 'check': {
      const check = gradientCheck(loaded, args.tolerance !== undefined ? { tolerance: args.tolerance } : {});
      const rows = check.layers.map((l) => [
        l.layer,
        formatNumber(l.maxRelativeError),
        String(l.checked),
        String(l.skipped),
      ]);
      const header = ['layer', 'max rel. error', 'checked', 'skipped (kinks)'];
      const verdict = check.passed ? 'passed' : paint(color, 'red', 'FAILED');
      const summary =
        `${verdict}: max relative error ${formatNumber(check.maxRelativeError)} ` +
        `(tolerance ${check.tolerance}, central differences with h = ${check.epsilon})`;
      const text = `${table(header, rows, [false, true, true, true])}\n\n${summary}`;
      return { result: check, text, failed: !check.passed };
    }
    default:
      return { result: {}, text: '', failed: false };
  }
}

/** ∂loss/∂W and ∂loss/∂b per layer, in the file's layout (units × inputs). */
function gradientsOf(loaded: LoadedNetwork): { layer: string; weights: number[][]; bias: number[] }[] {
  return loaded.network.layers.map((l) => ({
    layer: l.name,
    weights: Array.from({ length: l.units }, (_, j) =>
      Array.from(l.gradWeights.subarray(j * l.inSize, (j + 1) * l.inSize)),
    ),
    bias: Array.from(l.gradBias),
  }));
}

/** Over-time warnings first (they carry the step it began); then final-state warnings of kinds not already reported. */
function mergeWarnings(overTime: readonly Warning[], final: readonly Warning[]): Warning[] {
  const seen = new Set(overTime.map((w) => w.kind));
  return [...overTime, ...final.filter((w) => !seen.has(w.kind))];
}

/** Loss and gradient norms every tenth of the run, then the warnings. */
function trainingText(run: TrainingRun, steps: number, warnings: readonly Warning[], color: boolean): string {
  const h = run.history;
  const every = Math.max(1, Math.ceil(steps / 10));
  const picked = h.filter((_, i) => i % every === 0 || i === h.length - 1);
  const names = run.loaded.network.layers.map((l) => `‖∇W‖ ${l.name}`);
  const rows = picked.map((r) => [String(r.step), formatNumber(r.loss, 5), ...r.gradNorms.map((g) => formatNumber(g))]);
  const last = h[h.length - 1];
  const final = last
    ? `trained ${run.stepsDone} steps; loss ${formatNumber(h[0].loss, 5)} → ${formatNumber(last.loss, 5)} ` +
      '(before the last update)'
    : 'no steps run';
  const lossTable = table(['step', 'loss', ...names], rows, [true, true, ...names.map(() => true)]);
  return `${lossTable}\n\n${final}\n\n${warningBlocks(warnings, color)}`;
}
