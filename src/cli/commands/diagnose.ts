/**
 * `gradient-debugger diagnose RUN.gd.jsonl [--json] [--fail-on KINDS|any]`: the over-time rules on a run
 * logged by the PyTorch probe (gdprobe), streamed line by line in bounded memory, so CI can stop a bad run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { StepRecord, WARNING_KINDS, Warning } from '../../core/diagnosis/report';
import { RunDigest, runSummary } from '../../core/runLog/digest';
import { RunHeader } from '../../core/runLog/header';
import { RunLogProblem, RunLogReader } from '../../core/runLog/reader';
import { formatNumber, toJsonText } from '../../shared/numbers';
import { EXIT } from '../exitCodes';
import { parseFailOn } from '../failOn';
import { CliIo } from '../io';
import { paint, table, warningBlocks } from '../output';

const USAGE = `Usage: gradient-debugger diagnose RUN.gd.jsonl [--json] [--fail-on KINDS|any]

Runs the over-time rules on a training run logged by the PyTorch probe (gdprobe).
  --json               print { "steps", "history", "layers", "warnings", "skippedLines", "run" }
  --fail-on KINDS|any  exit 1 when a warning of these kinds is present
Exit codes: 0 fine · 1 a --fail-on warning · 2 invalid input or usage · 3 no logged step
`;

/** Bytes read per chunk: the file is never held whole. */
const CHUNK_BYTES = 1 << 20;

interface DiagnoseArgs {
  readonly file: string;
  readonly json: boolean;
  readonly failOn?: string;
}

/** The command's own arguments, or a usage error. */
function parseDiagnoseArgs(argv: readonly string[]): DiagnoseArgs | { error: string } | 'help' {
  const files: string[] = [];
  let json = false;
  let failOn: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--json') json = true;
    else if (a === '--fail-on' || a.startsWith('--fail-on=')) {
      failOn = a === '--fail-on' ? argv[++i] : a.slice('--fail-on='.length);
      if (failOn === undefined) return { error: '--fail-on needs a value' };
    } else if (a.startsWith('-') && a !== '-') return { error: `unknown option ${a}` };
    else files.push(a);
  }
  if (files.length !== 1) return { error: 'diagnose needs exactly one RUN.gd.jsonl file' };
  return { file: files[0], json, failOn };
}

/** Streams `file` into `digest` chunk by chunk (UTF-8 split safely); why not when it cannot be read. */
function streamFile(file: string, digest: RunDigest): string | undefined {
  let fd: number;
  try {
    if (fs.statSync(file).isDirectory()) return 'is a folder, not a run log';
    fd = fs.openSync(file, 'r');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read the file';
  }
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    const decoder = new TextDecoder('utf-8');
    for (let n = fs.readSync(fd, buffer); n > 0 && !digest.reader.fatal; n = fs.readSync(fd, buffer))
      digest.push(decoder.decode(buffer.subarray(0, n), { stream: true }));
    digest.push(decoder.decode());
    digest.end();
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs the command; returns its exit code. */
export function diagnoseCommand(argv: readonly string[], io: CliIo): number {
  const args = parseDiagnoseArgs(argv);
  if (args === 'help') {
    io.out(USAGE);
    return EXIT.ok;
  }
  const failOn = 'error' in args ? [] : parseFailOn(args.failOn);
  if ('error' in args || failOn === 'invalid') {
    const message =
      'error' in args ? args.error : `--fail-on takes "any" or a comma list of: ${WARNING_KINDS.join(', ')}`;
    io.err(`gradient-debugger: ${message}\nRun with diagnose --help for usage.\n`);
    return EXIT.invalid;
  }
  const file = path.resolve(io.cwd, args.file);
  const display = path.relative(io.cwd, file) || file;
  const digest = new RunDigest(path.basename(file));
  const reader = digest.reader;
  const unreadable = streamFile(file, digest);
  if (unreadable) return invalid(io, `${display}: ${unreadable}`);
  if (reader.fatal) return invalid(io, `${position(display, reader.fatal)}: error: ${reader.fatal.message}`);
  if (!reader.header)
    return invalid(io, `${display}:1:1: error: the file is empty: a run log starts with a header line`);
  for (const p of reader.problems) io.err(`${position(display, p)}: warning: skipped: ${p.message}\n`);
  if (reader.skipped > reader.problems.length)
    io.err(`${display}: warning: ${reader.skipped - reader.problems.length} more lines skipped\n`);
  const thinned = digest.records();
  const warnings = digest.warnings();
  if (args.json) io.out(`${toJsonText(jsonResult(display, reader, thinned, warnings), 2)}\n`);
  else io.out(`${paint(io.color, 'bold', display)}\n${runText(reader, thinned, warnings, io.color)}\n`);
  if (reader.records === 0) {
    io.err(`${display}: no logged step (only the header)\n`);
    return EXIT.nothing;
  }
  return warnings.some((w) => failOn.includes(w.kind)) ? EXIT.failed : EXIT.ok;
}

function invalid(io: CliIo, message: string): number {
  io.err(`${message}\n`);
  return EXIT.invalid;
}

function position(display: string, p: RunLogProblem): string {
  return `${display}:${p.line}:${p.column ?? 1}`;
}

/** What `--json` prints: train --json's history and warnings, with the layers from the header. */
function jsonResult(file: string, reader: RunLogReader, history: readonly StepRecord[], warnings: readonly Warning[]) {
  const h = reader.header!;
  return {
    file,
    steps: reader.records,
    history,
    layers: h.layers,
    warnings,
    skippedLines: { count: reader.skipped, listed: reader.problems },
    run: runFacts(h),
  };
}

/** The header's facts about how the run was made. */
function runFacts(h: RunHeader) {
  const { strategy, worldSize, optimizer, loss, batchSizePerRank, every, everyChanges, torch, unobserved } = h;
  return { strategy, worldSize, optimizer, loss, batchSizePerRank, every, everyChanges, torch, unobserved };
}

/** Run facts, the loss and ‖∇W‖ at about ten logged steps, then the warnings. */
function runText(reader: RunLogReader, history: readonly StepRecord[], warnings: readonly Warning[], color: boolean) {
  const h = reader.header!;
  const every = Math.max(1, Math.ceil(history.length / 10));
  const picked = history.filter((_, i) => i % every === 0 || i === history.length - 1);
  const names = h.layers.map((l) => `‖∇W‖ ${l.name}`);
  const rows = picked.map((r) => [String(r.step), formatNumber(r.loss, 5), ...r.gradNorms.map((g) => formatNumber(g))]);
  const facts =
    `${runSummary(h)} · ${reader.records} logged steps` + (reader.skipped ? ` · ${reader.skipped} lines skipped` : '');
  const unseen = (h.unobserved ?? []).map((u) => paint(color, 'dim', `not observed: ${u.module}: ${u.reason}`));
  const lossTable = table(['step', 'loss', ...names], rows, [true, true, ...names.map(() => true)]);
  return [facts, ...unseen, '', lossTable, '', warningBlocks(warnings, color)].join('\n');
}
