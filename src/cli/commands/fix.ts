/**
 * `gradient-debugger fix FILE [--fix N] [--out FILE]`: applies the N-th verified fix (1, the
 * default, is the recommended one) as the same edit the editor's quick fix makes, and writes the
 * patched network to --out or standard output. Exit 3 when there is nothing to fix.
 */
import * as path from 'path';
import { analyze } from '../../core/analysis';
import { verifyFixes } from '../../core/fixVerification';
import { Fix, applyFix, editKey } from '../../core/format/fixEdits';
import { shortName } from '../../core/format/json';
import { Warning } from '../../core/diagnosis/report';
import { EXIT } from '../exitCodes';
import { CliIo } from '../io';
import { loadFile } from '../loadFile';

/** The verified fixes of every warning in reading order (causes first), each once, with the warning it repairs. */
export function rankedFixes(warnings: readonly Warning[]): { fix: Fix; warning: Warning }[] {
  const seen = new Set<string>();
  return warnings.flatMap((warning) =>
    warning.fixes.filter((fix) => !seen.has(editKey(fix)) && seen.add(editKey(fix))).map((fix) => ({ fix, warning })),
  );
}

/** Parses `FILE [--fix N] [--out FILE] [--root DIR]`; a string is a usage error. */
function parse(argv: readonly string[]): { file: string; n: number; out?: string; root?: string } | string {
  const files: string[] = [];
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--fix' || a === '--out' || a === '--root') {
      if (argv[i + 1] === undefined) return `${a} needs a value`;
      values[a] = argv[++i];
    } else if (a.startsWith('-')) return `unknown option ${shortName(a)} (fix takes --fix N, --out FILE, --root DIR)`;
    else files.push(a);
  }
  if (files.length !== 1) return 'fix needs exactly one FILE';
  const n = values['--fix'] === undefined ? 1 : Number(values['--fix']);
  if (!Number.isInteger(n) || n < 1) return `--fix needs a whole number ≥ 1, got "${shortName(values['--fix'])}"`;
  return { file: files[0], n, out: values['--out'], root: values['--root'] };
}

/** Runs `fix`; returns the exit code. */
export function fixCommand(argv: readonly string[], io: CliIo): number {
  const args = parse(argv);
  if (typeof args === 'string') {
    io.err(`gradient-debugger: ${args}\nRun with --help for usage.\n`);
    return EXIT.invalid;
  }
  const file = path.resolve(io.cwd, args.file);
  const display = path.relative(io.cwd, file) || file;
  const input = loadFile(file, display, { root: args.root }, io);
  if (!input) return EXIT.invalid;
  const warnings = verifyFixes(input.text, input.options, analyze(input.loaded).warnings);
  const fixes = rankedFixes(warnings);
  if (!fixes.length) {
    const found = warnings.length ? `${warnings.length} warning(s), but no fix that verifiably helps` : 'no warnings';
    io.err(`${display}: nothing to fix (${found})\n`);
    return EXIT.nothing;
  }
  const chosen = fixes[args.n - 1];
  if (!chosen) {
    const list = fixes.map((f, i) => `  ${i + 1}. ${f.fix.title}`).join('\n');
    io.err(`gradient-debugger: --fix ${args.n}, but ${display} has ${fixes.length} verified fix(es):\n${list}\n`);
    return EXIT.invalid;
  }
  const patched = applyFix(input.text, chosen.fix);
  const effect = chosen.fix.effect ? ` (${chosen.fix.effect.summary})` : '';
  io.err(
    `${display}: applied fix ${args.n} of ${fixes.length} for ${chosen.warning.kind}: ${chosen.fix.title}${effect}\n`,
  );
  if (args.out === undefined) {
    io.out(patched);
    return EXIT.ok;
  }
  const error = io.writeFile(path.resolve(io.cwd, args.out), patched);
  if (error) io.err(`gradient-debugger: cannot write ${shortName(args.out)}: ${error}\n`);
  return error ? EXIT.invalid : EXIT.ok;
}
