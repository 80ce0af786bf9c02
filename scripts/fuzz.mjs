// Mutation fuzzer for the CLI (issue 12): `npm run fuzz -- --variants N --seed S [--jobs J] [--cli PATH]`.
// Mutates the examples (truncation, token deletion and duplication, number and type swaps, deep nesting, long
// strings, unicode, BOM, duplicate keys, comments, binary, CSV damage), runs every mutant through `analyze`,
// `train`, `check` and `analyze --json` as child processes under caps (20 s, 1.5 GB heap), and reports crashes
// (exit 70, another unexpected code, or a signal), hangs, memory blow-ups (peak RSS over 1.5 GB), exit-2 messages
// without a file:line:col position, and invalid JSON from --json. Exits 1 when it found any problem.
// With --summary-json it prints one JSON object (for the unit test) instead of the text report.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const CAPS = { timeoutMs: 20_000, heapMB: 1536, rssBytes: 1536 * 2 ** 20 };
/** Steps `train` runs per mutant: bounded, so a mutant that asks for a million steps is not a "hang". */
const TRAIN_STEPS = '200';
const COMMANDS = [['analyze'], ['train', '--steps', TRAIN_STEPS], ['check'], ['analyze', '--json']];
/** Exit codes a run may end with (EXIT in src/cli/exitCodes.ts); 70 and anything else is a crash. */
const EXPECTED_CODES = new Set([0, 1, 2]);
/** A positioned problem line: file:line:col: severity: message. */
const POSITIONED = /^[^\n]*:\d+:\d+: (error|warning): /;

function options(argv) {
  const get = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
  };
  return {
    variants: Number(get('--variants', '630')),
    seed: Number(get('--seed', '1')),
    jobs: Number(get('--jobs', '2')),
    cli: path.resolve(get('--cli', path.join(root, 'dist', 'cli.js'))),
    keep: get('--keep', path.join(os.tmpdir(), 'gd-fuzz-failures')),
    summaryJson: argv.includes('--summary-json'),
  };
}

/** mulberry32: a small seeded generator of floats in [0, 1). */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // picking from an empty list (a mutant truncated to nothing) gives an empty token at the start
  const pick = (xs) => (xs.length ? xs[Math.floor(next() * xs.length)] : { at: 0, text: '', index: 0 });
  return { next, int: (n) => Math.floor(next() * n), pick };
}

/** JSON-ish tokens with their offsets: strings, numbers, literals, punctuation. */
function tokens(text) {
  const re = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}[\]:,]/g;
  const out = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ at: m.index, text: m[0] });
  return out;
}

const NUMBERS = [
  '0',
  '-1',
  '1',
  '0.5',
  '1e308',
  '-1e308',
  '1e-320',
  '4096',
  '4097',
  '100000',
  '1000001',
  '2147483648',
  '65',
  '3',
  '1e400',
  '-0',
  '123456789012345678901234567890',
];
const VALUES = ['"1"', 'true', 'null', '[]', '{}', '[[1,2]]', '"relu"', '{"type":"normal","std":1e300}', '""'];
const UNICODE = ['é', '\u0000', '\u200b', '\u202e', '😀', '\ud800', '\udfff', '\u2028', '中文', '\uffff', '\\u0000'];

const splice = (text, at, remove, insert) => text.slice(0, at) + insert + text.slice(at + remove);

/** Every mutation: (text, r) → new text (a string, or a Buffer for binary damage). */
const MUTATIONS = {
  truncate: (t, r) => t.slice(0, r.int(t.length)),
  deleteToken: (t, r) => {
    const k = r.pick(tokens(t));
    return splice(t, k.at, k.text.length, '');
  },
  duplicateToken: (t, r) => {
    const k = r.pick(tokens(t));
    return splice(t, k.at, 0, k.text);
  },
  swapNumber: (t, r) => {
    const nums = tokens(t).filter((k) => /^-?\d/.test(k.text));
    const k = r.pick(nums.length ? nums : tokens(t));
    return splice(t, k.at, k.text.length, r.pick(NUMBERS));
  },
  swapType: (t, r) => {
    const vals = tokens(t).filter((k) => !/^[{}[\]:,]$/.test(k.text));
    const k = r.pick(vals);
    return splice(t, k.at, k.text.length, r.pick(VALUES));
  },
  deepNesting: (t, r) => {
    const depth = r.pick([70, 1000, 5000, 20000]);
    const open = r.pick(['[', '{"a":']);
    const k = r.pick(tokens(t).filter((x) => !/^[{}[\]:,]$/.test(x.text)));
    const close = open === '[' ? ']' : '}';
    return splice(t, k.at, k.text.length, open.repeat(depth) + '1' + (r.next() < 0.5 ? close.repeat(depth) : ''));
  },
  longString: (t, r) => {
    const strs = tokens(t).filter((k) => k.text.startsWith('"'));
    const k = r.pick(strs);
    return splice(t, k.at, k.text.length, `"${r.pick(['relu', 'x', 'ab']).repeat(r.pick([1000, 100000, 2000000]))}"`);
  },
  unicode: (t, r) => splice(t, r.int(t.length), 0, r.pick(UNICODE)),
  bom: (t) => `\ufeff${t}`,
  duplicateKey: (t, r) => {
    const keys = [...t.matchAll(/"(\w+)"\s*:\s*("[^"]*"|-?[\d.eE+-]+|true|false|null)/g)];
    if (!keys.length) return `${t}${t}`;
    const m = r.pick(keys);
    return splice(t, m.index, 0, `${m[0]}, `);
  },
  comment: (t, r) => splice(t, r.pick(tokens(t)).at, 0, r.pick(['// note\n', '/* c */', '#x\n'])),
  binary: (t, r) => {
    const bytes = Buffer.from(t, 'utf8');
    const n = 1 + r.int(16);
    for (let i = 0; i < n; i++) bytes[r.int(bytes.length)] = r.int(256);
    return bytes;
  },
  trailingComma: (t, r) => {
    const closers = tokens(t).filter((k) => k.text === '}' || k.text === ']');
    return splice(t, r.pick(closers).at, 0, ',');
  },
};
/** Damage to the CSV of the CSV example (the network file unchanged). */
const CSV_MUTATIONS = {
  csvTruncate: (c, r) => c.slice(0, r.int(c.length)),
  csvCell: (c, r) => splice(c, r.int(c.length), 0, r.pick(['NaN', '"', ',', '\n', '1e999', 'x', '""', '\r'])),
  csvHeader: (c, r) => c.replace(/^[^\n]*/, r.pick(['a,b', 'growth', 'light,water,temperature,growth,extra', ''])),
  csvRows: (c, r) =>
    c +
    c
      .split('\n')
      .slice(1)
      .join('\n')
      .repeat(r.pick([10, 300])),
};

/** The mutants of a run: deterministic in the seed. */
function* mutants(examples, csvText, count, seed) {
  const r = rng(seed);
  const names = Object.keys(MUTATIONS);
  const csvNames = Object.keys(CSV_MUTATIONS);
  for (let i = 0; i < count; i++) {
    const example = examples[i % examples.length];
    const usesCsv = example.text.includes('"csv"');
    if (usesCsv && r.next() < 0.3) {
      const kind = r.pick(csvNames);
      yield { id: i, example: example.name, kind, text: example.text, csv: CSV_MUTATIONS[kind](csvText, r) };
      continue;
    }
    // one to three mutations in a row
    const kinds = Array.from({ length: 1 + r.int(r.next() < 0.7 ? 1 : 3) }, () => r.pick(names));
    let text = example.text;
    for (const kind of kinds) text = typeof text === 'string' ? MUTATIONS[kind](text, r) : text;
    yield { id: i, example: example.name, kind: kinds.join('+'), text, csv: csvText };
  }
}

/** Runs one command on a mutant file; resolves to its exit, signal, output, peak RSS and time. */
function runOne(cli, cwd, file, args) {
  const argv = JSON.stringify(['node', 'cli', args[0], file, ...args.slice(1)]);
  const preamble =
    "process.on('exit', () => process.stderr.write(`\\nFUZZ_MAXRSS ${process.resourceUsage().maxRSS}\\n`));" +
    `process.argv = ${argv}; require(${JSON.stringify(cli)});`;
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${CAPS.heapMB}`, '-e', preamble], { cwd });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, CAPS.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, signal: null, out, err: `spawn failed: ${e.message}`, rss: 0, hung: false, ms: 0 });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const rss = Number(/FUZZ_MAXRSS (\d+)/.exec(err)?.[1] ?? 0) * 1024;
      err = err.replace(/\n?FUZZ_MAXRSS \d+\n/, '');
      resolve({ code, signal, out, err, rss, hung, ms: Date.now() - started });
    });
  });
}

/** The problems one run shows, as short strings (empty: fine). */
function judge(args, r) {
  const problems = [];
  if (r.hung) return [`hang: no exit within ${CAPS.timeoutMs / 1000} s`];
  if (r.signal) problems.push(`crash: killed by ${r.signal}`);
  else if (!EXPECTED_CODES.has(r.code)) problems.push(`crash: exit ${r.code}: ${r.err.split('\n')[0].slice(0, 200)}`);
  if (r.rss > CAPS.rssBytes) problems.push(`memory: peak RSS ${(r.rss / 2 ** 20).toFixed(0)} MB`);
  if (r.code === 2) {
    const lines = r.err.split('\n').filter((l) => l.trim() !== '');
    const errors = lines.filter((l) => POSITIONED.test(l) && / error: /.test(l));
    const unpositioned = lines.filter((l) => !POSITIONED.test(l));
    if (!errors.length || unpositioned.length)
      problems.push(`unpositioned exit 2: ${(unpositioned[0] ?? r.err).slice(0, 200)}`);
  }
  if (args.includes('--json') && (r.code === 0 || r.code === 1)) {
    try {
      JSON.parse(r.out);
    } catch (e) {
      problems.push(`invalid JSON on --json: ${e.message.slice(0, 120)}`);
    }
  }
  return problems;
}

/** A fresh workspace (a .git marker, the examples' data folder) holding one mutant; returns the file path. */
function writeMutant(base, m) {
  const dir = path.join(base, `m${m.id}`);
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'plants.csv'), m.csv);
  const file = path.join(dir, m.example);
  fs.writeFileSync(file, m.text);
  return file;
}

async function main() {
  const opts = options(process.argv.slice(2));
  if (!fs.existsSync(opts.cli)) {
    console.error(`fuzz: ${opts.cli} is missing: run npm run build first`);
    process.exit(2);
  }
  const dir = path.join(root, 'examples');
  const examples = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.net.json'))
    .sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
  const csvText = fs.readFileSync(path.join(dir, 'data', 'plants.csv'), 'utf8');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-fuzz-'));
  const queue = [...mutants(examples, csvText, opts.variants, opts.seed)];
  const found = [];
  const stats = { variants: opts.variants, runs: 0, codes: {}, maxRssMB: 0, maxMs: 0, seconds: 0 };
  const t0 = Date.now();
  const worker = async () => {
    for (let m = queue.shift(); m; m = queue.shift()) {
      const file = writeMutant(base, m);
      for (const args of COMMANDS) {
        const r = await runOne(opts.cli, path.dirname(file), file, args);
        stats.runs++;
        stats.codes[r.code ?? r.signal] = (stats.codes[r.code ?? r.signal] ?? 0) + 1;
        stats.maxRssMB = Math.max(stats.maxRssMB, Math.round(r.rss / 2 ** 20));
        stats.maxMs = Math.max(stats.maxMs, r.ms);
        for (const p of judge(args, r)) {
          found.push({ id: m.id, example: m.example, mutation: m.kind, command: args.join(' '), p });
          keep(opts.keep, m);
        }
      }
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
  stats.seconds = Math.round((Date.now() - t0) / 1000);
  fs.rmSync(base, { recursive: true, force: true });
  report(opts, stats, found);
  process.exit(found.length ? 1 : 0);
}

/** Keeps a failing mutant (and its CSV) for replay. */
function keep(folder, m) {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, `${m.id}-${m.example}`), m.text);
  fs.writeFileSync(path.join(folder, `${m.id}-plants.csv`), m.csv);
}

function report(opts, stats, found) {
  if (opts.summaryJson) {
    console.log(JSON.stringify({ ...stats, problems: found }));
    return;
  }
  console.log(`fuzz: seed ${opts.seed}, ${stats.variants} variants, ${stats.runs} runs in ${stats.seconds} s`);
  console.log(
    `exit codes: ${JSON.stringify(stats.codes)}; peak RSS ${stats.maxRssMB} MB; slowest run ${stats.maxMs} ms`,
  );
  for (const f of found) console.log(`  #${f.id} ${f.example} [${f.mutation}] ${f.command}: ${f.p}`);
  console.log(
    `${found.length} problem${found.length === 1 ? '' : 's'}${found.length ? ` (mutants kept in ${opts.keep})` : ''}`,
  );
}

await main();
