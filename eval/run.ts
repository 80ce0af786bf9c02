/**
 * `npm run eval`: runs every corpus case through the CLI in-process (`analyze FILE --json` or
 * `train FILE --json`), scores the warnings per kind and part, tries each true warning's first fix, prints
 * the table and writes eval/results.json. Options: --part heldout|tune, --quick (seeded subset, 1 seed).
 */
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../src/cli/main';
import { CliIo, nodeIo } from '../src/cli/io';
import { createRng } from '../src/core/nn/rng';
import { CliWarning, FixTrial, tryFirstFix } from './firstFix';
import { CASE_PARTS, CasePart, Corpus, CorpusCase, EVAL_KINDS, EvalKind } from './kinds';
import { KindScore, Prediction, Share, scoreKinds, share } from './metrics';

/** The eval folder (source tree), found from the compiled or bundled file. */
export const EVAL_DIR = path.resolve(__dirname, '..', '..', 'eval');
const SERIOUS = new Set(['warning', 'error']);
/** The pooled held-out figures' key: the held-out cases and their rebuilds on other seeds. */
export const BOTH_DRAWS = 'heldout, both draws';

/** What to run. */
export interface EvalOptions {
  readonly part?: CasePart;
  /** A seeded third of the cases, fixes tried on one seed. */
  readonly quick?: boolean;
  readonly progress?: (line: string) => void;
}

/** One case's outcome. */
export interface CaseResult extends Prediction {
  readonly part: CorpusCase['part'];
  readonly warnings: readonly { kind: string; severity: string; fixes: number }[];
  readonly error?: string;
}

/** Figures of one part. */
export interface PartResult {
  readonly cases: number;
  readonly kinds: Record<EvalKind, KindScore>;
  readonly healthy: { readonly cases: number; readonly casesWithSerious: number; readonly seriousWarnings: number };
  readonly firstFix: Share;
}

/** Everything `npm run eval` measures. */
export interface EvalResults {
  readonly quick: boolean;
  readonly seeds: number;
  readonly seconds: number;
  /** Per part; `heldout, both draws` pools the held-out cases with their rebuilds on other seeds. */
  readonly parts: Partial<Record<CasePart | typeof BOTH_DRAWS, PartResult>>;
  readonly cases: readonly CaseResult[];
  readonly fixes: readonly FixTrial[];
}

/** Reads eval/corpus.json. */
export function readCorpus(): Corpus {
  return JSON.parse(fs.readFileSync(path.join(EVAL_DIR, 'corpus.json'), 'utf8')) as Corpus;
}

/** The process's CliIo with stdout captured, stderr dropped and eval/ as working folder. */
function memoryIo(): { io: CliIo; stdout: () => string } {
  let out = '';
  const io: CliIo = { ...nodeIo(), out: (t) => void (out += t), err: () => undefined, cwd: EVAL_DIR, color: false };
  return { io, stdout: () => out };
}

/** Runs one case through the CLI and returns its warnings. */
export function cliWarnings(c: CorpusCase): { warnings: CliWarning[]; error?: string } {
  const { io, stdout } = memoryIo();
  const code = runCli([c.mode, c.file, '--json'], io);
  try {
    const parsed = JSON.parse(stdout()) as { warnings?: CliWarning[] };
    return { warnings: parsed.warnings ?? [], ...(code > 1 ? { error: `exit ${code}` } : {}) };
  } catch {
    return { warnings: [], error: `exit ${code}, no JSON` };
  }
}

/** The cases a quick run takes: a seeded third, at least the first of each kind's positives per part. */
export function quickSubset(cases: readonly CorpusCase[]): CorpusCase[] {
  const rng = createRng(7);
  const chosen = new Set(cases.filter(() => rng.next() < 1 / 3).map((c) => c.id));
  return cases.filter((c) => chosen.has(c.id));
}

/** Scores one part's cases. */
function partResult(
  cases: readonly CorpusCase[],
  results: ReadonlyMap<string, CaseResult>,
  fixes: readonly FixTrial[],
): PartResult {
  const healthy = cases.filter((c) => c.healthy);
  const serious = healthy.map((c) => results.get(c.id)!.warnings.filter((w) => SERIOUS.has(w.severity)).length);
  const ids = new Set(cases.map((c) => c.id));
  const tried = fixes.filter((f) => ids.has(f.id));
  return {
    cases: cases.length,
    kinds: scoreKinds(cases, results),
    healthy: {
      cases: healthy.length,
      casesWithSerious: serious.filter((n) => n > 0).length,
      seriousWarnings: serious.reduce((a, b) => a + b, 0),
    },
    firstFix: share(tried.filter((f) => f.effective).length, tried.length),
  };
}

/** Runs the evaluation. */
export function evaluate(options: EvalOptions = {}): EvalResults {
  const started = Date.now();
  const corpus = readCorpus();
  let cases = corpus.cases.filter((c) => !options.part || c.part === options.part);
  if (options.quick) cases = quickSubset(cases);
  const seeds = options.quick ? 1 : 3;
  const results = new Map<string, CaseResult>();
  const fixes: FixTrial[] = [];
  cases.forEach((c, i) => {
    const { warnings, error } = cliWarnings(c);
    const fired = [...new Set(warnings.filter((w) => SERIOUS.has(w.severity)).map((w) => w.kind))];
    results.set(c.id, {
      id: c.id,
      part: c.part,
      fired,
      warnings: warnings.map((w) => ({ kind: w.kind, severity: w.severity, fixes: w.fixes?.length ?? 0 })),
      ...(error ? { error } : {}),
    });
    const text = fs.readFileSync(path.join(EVAL_DIR, c.file), 'utf8');
    for (const kind of c.fires.filter((k) => fired.includes(k))) {
      const w = warnings.find((x) => x.kind === kind && SERIOUS.has(x.severity))!;
      fixes.push(tryFirstFix(c.id, text, path.dirname(path.join(EVAL_DIR, c.file)), w, c.target?.loss, seeds));
    }
    options.progress?.(`[${i + 1}/${cases.length}] ${c.id}: ${fired.join(', ') || '-'}`);
  });
  const parts: EvalResults['parts'] = {};
  for (const part of CASE_PARTS) {
    const inPart = cases.filter((c) => c.part === part);
    if (inPart.length) parts[part] = partResult(inPart, results, fixes);
  }
  const held = cases.filter((c) => c.part === 'heldout' || c.part === 'heldout-seeds');
  if (parts.heldout && parts['heldout-seeds']) parts[BOTH_DRAWS] = partResult(held, results, fixes);
  return {
    quick: Boolean(options.quick),
    seeds,
    seconds: (Date.now() - started) / 1000,
    parts,
    cases: [...results.values()],
    fixes,
  };
}

const pct = (s: Share): string => (Number.isNaN(s.value) ? '   –' : `${(100 * s.value).toFixed(0).padStart(3)}%`);
const low = (s: Share): string => (s.n ? `(≥${(100 * s.low).toFixed(0)}%)` : '');

/** The results as a text table: per kind and part TP, FP, FN, precision and recall with Wilson lower bounds. */
export function resultsTable(r: EvalResults): string {
  const lines: string[] = [];
  for (const [part, p] of Object.entries(r.parts)) {
    lines.push(`${part} (${p.cases} cases)`);
    lines.push(`${'kind'.padEnd(24)}  TP  FP  FN  precision        recall`);
    for (const k of EVAL_KINDS) {
      const s = p.kinds[k];
      const cells = [s.tp, s.fp, s.fn].map((n) => String(n).padStart(3)).join(' ');
      lines.push(
        `${k.padEnd(24)} ${cells}  ${pct(s.precision)} ${low(s.precision).padEnd(8)}  ${pct(s.recall)} ${low(s.recall)}`,
      );
    }
    const h = p.healthy;
    lines.push(`healthy networks: ${h.seriousWarnings} serious warnings on ${h.casesWithSerious} of ${h.cases}`);
    lines.push(
      `first-fix efficacy: ${p.firstFix.k}/${p.firstFix.n} ${pct(p.firstFix)} ${low(p.firstFix)} (${r.seeds} seed${r.seeds > 1 ? 's' : ''})`,
    );
    lines.push('');
  }
  return lines.join('\n');
}

const isPart = (s: string): s is CasePart => (CASE_PARTS as readonly string[]).includes(s);

/** Command line: --part PART (one of CASE_PARTS), --quick. */
function main(argv: readonly string[]): number {
  const partAt = argv.indexOf('--part');
  const part = partAt >= 0 ? argv[partAt + 1] : undefined;
  if (part !== undefined && !isPart(part)) {
    process.stderr.write(`eval: --part takes ${CASE_PARTS.join(', ')}\n`);
    return 2;
  }
  const quick = argv.includes('--quick');
  const results = evaluate({ part, quick, progress: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${resultsTable(results)}\nin ${results.seconds.toFixed(1)} s\n`);
  const file = quick || part ? path.join(__dirname, 'results-partial.json') : path.join(EVAL_DIR, 'results.json');
  fs.writeFileSync(
    file,
    JSON.stringify(results, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1) +
      '\n',
  );
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
