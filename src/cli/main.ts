/** The CLI: `analyze`, `train` and `check` over network files, with exit codes for scripts and CI. */
import * as path from 'path';
import { analyze } from '../core/analysis';
import { gradientCheck } from '../core/gradcheck';
import { LoadedNetwork } from '../core/load';
import { verifyFixes } from '../core/fixVerification';
import { runWarnings } from '../core/diagnosis/warningOrder';
import { StepRecord, WARNING_KINDS, Warning, WarningKind } from '../core/diagnosis/report';
import { TrainingRun } from '../core/trainingRun';
import { formatNumber, toJsonText } from '../shared/numbers';
import { ParsedArgs, USAGE, parseArgs } from './args';
import { STANDALONE_COMMANDS } from './commands';
import { EXIT } from './exitCodes';
import { parseFailOn } from './failOn';
import { CliIo } from './io';
import { LoadedFile, loadFile } from './loadFile';
import { JsonOutput } from './jsonOutput';
import { analysisText, paint, table, warningBlocks } from './output';

export { EXIT } from './exitCodes';

/**
 * Runs the CLI on `argv` (without node and the script) and returns the exit code; an unexpected throw is an
 * internal error (EXIT.internal) reported in one line, with its stack only under --debug.
 */
export function runCli(argv: readonly string[], io: CliIo, version = '0.0.0'): number {
  try {
    return runCommandLine(argv, io, version);
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    const message = error.message.split('\n')[0];
    if (argv.includes('--debug')) io.err(`gradient-debugger: internal error: ${message}\n${error.stack ?? ''}\n`);
    else io.err(`gradient-debugger: internal error: ${message} (run with --debug for the stack)\n`);
    return EXIT.internal;
  }
}

/** The command line, unguarded. */
function runCommandLine(argv: readonly string[], io: CliIo, version: string): number {
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
  const json = args.json ? new JsonOutput(io, files.length > 1) : undefined;
  for (const file of files) {
    const display = path.relative(io.cwd, file) || file;
    const input = loadFile(file, display, args, io);
    if (!input) {
      code = EXIT.invalid;
      continue;
    }
    const { failed } = runCommand({ ...input, args, failOn, io, display, json, many: files.length > 1 });
    if (failed && code === EXIT.ok) code = EXIT.failed;
  }
  json?.end();
  return code;
}

function usageError(io: CliIo, message: string): number {
  io.err(`gradient-debugger: ${message}\nRun with --help for usage.\n`);
  return EXIT.invalid;
}

/** One network file and everything a command needs to report on it. */
interface CommandInput extends LoadedFile {
  readonly args: ParsedArgs;
  readonly failOn: readonly WarningKind[];
  readonly io: CliIo;
  readonly display: string;
  readonly json?: JsonOutput;
  readonly many: boolean;
}

/** Runs the command on one network, writing its text or JSON; returns whether it failed. */
function runCommand(input: CommandInput): { failed: boolean } {
  const { args, loaded, failOn, io, display, json } = input;
  const failing = (warnings: readonly Warning[]): boolean => warnings.some((w) => failOn.includes(w.kind));
  const text = (body: string): void =>
    io.out(`${input.many ? '\n' : ''}${paint(io.color, 'bold', display)}\n${body}\n`);
  sayValidWhenSlow(input);
  switch (args.command) {
    case 'analyze': {
      const analysed = analyze(loaded);
      const report = { ...analysed, warnings: verifyFixes(input.text, input.options, analysed.warnings) };
      const gradients = args.gradients ? gradientsOf(loaded) : undefined;
      if (json) json.object({ file: display, ...report, ...(gradients ? { gradients } : {}) });
      else text(analysisText(report, io.color) + (gradients ? `\n\n${toJsonText(gradients, 2)}` : ''));
      return { failed: failing(report.warnings) };
    }
    case 'train':
      return { failed: failing(trainCommand(input)) };
    case 'check': {
      const check = gradientCheck(loaded, args.tolerance !== undefined ? { tolerance: args.tolerance } : {});
      if (json) json.object({ file: display, ...check });
      else text(checkText(check, io.color));
      return { failed: !check.passed };
    }
    default:
      return { failed: false };
  }
}

/** Multiply-adds of one pass over the data beyond which a command says on stderr that the file is valid first. */
const SLOW_PASS_WORK = 1e9;

/** "FILE: valid, P parameters on S samples; analysing…" on stderr before a pass that takes about a second or more. */
function sayValidWhenSlow({ loaded, io, display, args }: CommandInput): void {
  const parameters = loaded.network.parameterCount();
  const { samples } = loaded.dataset;
  if (loaded.network.passWork(samples) < SLOW_PASS_WORK) return;
  const doing = args.command === 'check' ? 'checking gradients' : args.command === 'train' ? 'training' : 'analysing';
  io.err(`${display}: valid, ${parameters} parameters on ${samples} samples; ${doing}…\n`);
}

/** Seconds before a run's first progress line on standard error, and between lines: a long run is never silent. */
const FIRST_PROGRESS_S = 1;
const PROGRESS_EVERY_S = 5;

/** A step observer writing "FILE: step k of N, loss L" to standard error once a run has taken a second. */
function progressLines(io: CliIo, display: string, steps: number): (r: StepRecord) => void {
  let next = Date.now() + FIRST_PROGRESS_S * 1000;
  return (r) => {
    if ((r.step & 63) !== 63 || Date.now() < next) return; // the clock is read every 64 steps
    next = Date.now() + PROGRESS_EVERY_S * 1000;
    io.err(`${display}: step ${r.step + 1} of ${steps}, loss ${formatNumber(r.loss)}\n`);
  };
}

/** Trains the file's steps (or --steps), streaming every step with --json; returns the warnings. */
function trainCommand({ args, loaded, text, options, io, display, json, many }: CommandInput): Warning[] {
  const steps = args.steps ?? loaded.spec.training.steps;
  const atStart = analyze(loaded);
  const run = new TrainingRun(loaded);
  let warnings: Warning[] = [];
  const progress = progressLines(io, display, steps);
  const finish = (): Warning[] =>
    (warnings = verifyFixes(text, options, runWarnings(run.warnings(), atStart, analyze(run.loaded))));
  if (json) {
    json.object(
      { file: display },
      {
        key: 'history',
        run: (emit) => {
          run.advance(steps, undefined, (r) => {
            emit(r);
            progress(r);
          });
        },
        after: () => ({ steps: run.stepsDone, parameters: run.loaded.network.parameters(), warnings: finish() }),
      },
    );
    return warnings;
  }
  run.advance(steps, undefined, progress);
  finish();
  io.out(`${many ? '\n' : ''}${paint(io.color, 'bold', display)}\n${trainingText(run, warnings, io.color)}\n`);
  return warnings;
}

/** The gradient check's table and verdict. */
function checkText(check: ReturnType<typeof gradientCheck>, color: boolean): string {
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
    `(tolerance ${check.tolerance}, central differences with h = ${check.epsilon}, on ${check.samples} of ` +
    `${check.samplesInData} samples, at most ${check.entriesPerLayer} entries per layer)`;
  return `${table(header, rows, [false, true, true, true])}\n\n${summary}`;
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

/** Loss and gradient norms every tenth of the run, then the warnings. */
function trainingText(run: TrainingRun, warnings: readonly Warning[], color: boolean): string {
  const h = run.history;
  // eleven rows evenly spaced over the (thinned) history, the first and the last included
  const picked = h.length <= 11 ? h : Array.from({ length: 11 }, (_, k) => h[Math.round((k * (h.length - 1)) / 10)]);
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
