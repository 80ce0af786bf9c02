import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SRC = path.join(ROOT, 'src');

/** Where a source file sits in the layering, from the bottom (numbers) to the top (entry points). */
type Layer =
  | 'numbers'
  | 'format'
  | 'kernels'
  | 'nn'
  | 'diagnosis'
  | 'runLog'
  | 'core'
  | 'modelio'
  | 'protocol'
  | 'host'
  | 'cli'
  | 'webview'
  | 'entry';

/** What each layer may import as a value; `import type` of any core layer is also allowed in `protocol` and `webview`. */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  numbers: [],
  format: ['numbers', 'format'],
  kernels: ['kernels'],
  nn: ['numbers', 'format', 'kernels', 'nn'],
  diagnosis: ['numbers', 'format', 'kernels', 'nn', 'diagnosis'],
  // run logs of real PyTorch runs: parsed into StepRecords for the diagnosis, read by host and CLI
  runLog: ['numbers', 'format', 'diagnosis', 'runLog'],
  core: ['numbers', 'format', 'kernels', 'nn', 'diagnosis', 'runLog', 'core'],
  // model import/export sits above the core's entry points: export reads a loaded network's initialised parameters
  modelio: ['numbers', 'format', 'kernels', 'nn', 'diagnosis', 'core', 'modelio'],
  protocol: ['numbers'],
  host: ['numbers', 'format', 'kernels', 'nn', 'diagnosis', 'runLog', 'core', 'modelio', 'protocol', 'host'],
  cli: ['numbers', 'format', 'kernels', 'nn', 'diagnosis', 'runLog', 'core', 'modelio', 'cli'],
  webview: ['numbers', 'protocol', 'webview'],
  entry: ['host', 'cli', 'core'],
};
const CORE_LAYERS: readonly Layer[] = ['format', 'kernels', 'nn', 'diagnosis', 'runLog', 'core', 'modelio'];
/** Packages and Node modules the pure core may not touch. */
const FORBIDDEN_IN_CORE = /^(vscode|fs|path|os|child_process|worker_threads|crypto|http|https|net|node:.*)$/;

/** The layer of a file under src/. */
function layerOf(file: string): Layer {
  const rel = path.relative(SRC, file).split(path.sep);
  if (rel[0] === 'shared') return rel[1] === 'numbers.ts' ? 'numbers' : 'protocol';
  if (rel[0] === 'core') {
    const sub = rel.length > 2 ? rel[1] : '';
    const subLayers = ['format', 'kernels', 'nn', 'diagnosis', 'runLog', 'modelio'] as const;
    return (subLayers as readonly string[]).includes(sub) ? (sub as Layer) : 'core';
  }
  if (rel[0] === 'host' || rel[0] === 'cli' || rel[0] === 'webview') return rel[0];
  return 'entry';
}

/** Every .ts file below `dir`. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** `base`.ts, or `base`/index.ts for a folder. */
function resolveRelative(base: string): string {
  return fs.existsSync(`${base}.ts`) || !fs.existsSync(path.join(base, 'index.ts'))
    ? `${base}.ts`
    : path.join(base, 'index.ts');
}

interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
  readonly line: number;
}

/** The imports and re-exports of one file: relative ones resolved to files, packages by name. */
function importsOf(file: string): ImportEdge[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const edges: ImportEdge[] = [];
  for (const s of source.statements) {
    if (!(ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) || !s.moduleSpecifier) continue;
    const spec = (s.moduleSpecifier as ts.StringLiteral).text;
    const typeOnly = ts.isImportDeclaration(s) ? Boolean(s.importClause?.isTypeOnly) : s.isTypeOnly;
    const to = spec.startsWith('.') ? resolveRelative(path.resolve(path.dirname(file), spec)) : spec;
    edges.push({ from: file, to, typeOnly, line: source.getLineAndCharacterOfPosition(s.getStart()).line + 1 });
  }
  return edges;
}

const FILES = sources(SRC);
const EDGES = FILES.flatMap(importsOf);
const where = (e: ImportEdge): string => `${path.relative(ROOT, e.from)}:${e.line} → ${path.relative(ROOT, e.to)}`;

suite('architecture: imports run one way', () => {
  test('every source file is classified and every relative import resolves', () => {
    assert.ok(FILES.length > 50, `only ${FILES.length} source files found under ${SRC}`);
    const missing = EDGES.filter(
      (e) => path.isAbsolute(e.to) && !fs.existsSync(e.to) && !e.to.endsWith('.generated.ts'),
    );
    assert.deepStrictEqual(missing.map(where), []);
  });

  test('no layer imports a value from a layer above it', () => {
    const upward = EDGES.filter((e) => {
      if (!path.isAbsolute(e.to)) return false;
      const from = layerOf(e.from),
        to = layerOf(e.to);
      if (e.typeOnly && (from === 'protocol' || from === 'webview') && CORE_LAYERS.includes(to)) return false;
      return !MAY_IMPORT[from].includes(to);
    });
    assert.deepStrictEqual(
      upward.map((e) => `${where(e)} (${layerOf(e.from)} may not import ${layerOf(e.to)})`),
      [],
    );
  });

  test('the webview imports nothing from core but types', () => {
    const values = EDGES.filter(
      (e) =>
        layerOf(e.from) === 'webview' && path.isAbsolute(e.to) && CORE_LAYERS.includes(layerOf(e.to)) && !e.typeOnly,
    );
    assert.deepStrictEqual(values.map(where), []);
  });

  test('the core imports nothing from vscode, the DOM or Node I/O', () => {
    const impure = EDGES.filter((e) => CORE_LAYERS.includes(layerOf(e.from)) && FORBIDDEN_IN_CORE.test(e.to));
    assert.deepStrictEqual(impure.map(where), []);
  });

  test('the core keeps no module-level mutable state (callers own kernels, helper threads and spare memory)', () => {
    // the one exemption: the compiled WebAssembly module of a constant byte string (a cache of code, not of results)
    const allowed = new Set(['src/core/kernels/wasmKernels.ts: compiled']);
    const mutable = FILES.filter((f) => CORE_LAYERS.includes(layerOf(f))).flatMap((file) => {
      const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
      return source.statements
        .filter(ts.isVariableStatement)
        .filter((v) => !(v.declarationList.flags & ts.NodeFlags.Const))
        .flatMap((v) =>
          v.declarationList.declarations.map((d) => `${path.relative(ROOT, file)}: ${d.name.getText(source)}`),
        );
    });
    assert.deepStrictEqual(
      mutable.filter((m) => !allowed.has(m)),
      [],
    );
    assert.deepStrictEqual(mutable, [...allowed], 'the exemption is still needed');
  });

  test('the rule itself catches an upward arrow (nn importing diagnosis, webview importing core values)', () => {
    const nnFile = path.join(SRC, 'core', 'nn', 'x.ts');
    assert.ok(!MAY_IMPORT[layerOf(nnFile)].includes(layerOf(path.join(SRC, 'core', 'diagnosis', 'report.ts'))));
    assert.ok(!MAY_IMPORT[layerOf(path.join(SRC, 'core', 'format', 'x.ts'))].includes('nn'));
    assert.ok(!MAY_IMPORT.webview.includes(layerOf(path.join(SRC, 'core', 'nn', 'activations.ts'))));
  });

  test('no import cycles between files', () => {
    const graph = new Map<string, string[]>();
    for (const e of EDGES) if (path.isAbsolute(e.to)) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, trail: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(f)), f].map((p) => path.relative(SRC, p)).join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const g of graph.get(f) ?? []) visit(g, [...trail, f]);
      state.set(f, 'done');
    };
    for (const f of FILES) visit(f, []);
    assert.deepStrictEqual(cycles, []);
  });
});

/** The longest a function may be, in lines from its signature to its closing brace. */
const MAX_FUNCTION_LINES = 60;
/** Kernel functions may be longer, when a comment within the three lines above says why (`long kernel: …`). */
const KERNEL_EXEMPTION = /long kernel: \S/;

interface FunctionSpan {
  readonly file: string;
  readonly name: string;
  readonly start: number;
  readonly lines: number;
}

/** Every function, method, constructor, accessor and arrow function with a body, and its length in lines. */
function functionSpans(file: string): FunctionSpan[] {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const spans: FunctionSpan[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = (node as ts.FunctionLikeDeclaration).name;
      spans.push({ file, name: named ? named.getText() : '(anonymous)', start: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return spans;
}

/** Whether a long function carries its written reason (only kernels may). */
function exempt(span: FunctionSpan): boolean {
  if (!span.file.includes(`${path.sep}kernels${path.sep}`)) return false;
  const lines = fs.readFileSync(span.file, 'utf8').split('\n');
  return lines.slice(Math.max(0, span.start - 4), span.start).some((l) => KERNEL_EXEMPTION.test(l));
}

suite('architecture: short functions', () => {
  test(`no function is over ${MAX_FUNCTION_LINES} lines (kernels exempt with a written reason)`, () => {
    const long = FILES.flatMap(functionSpans).filter((s) => s.lines > MAX_FUNCTION_LINES && !exempt(s));
    assert.deepStrictEqual(
      long.map((s) => `${path.relative(ROOT, s.file)}:${s.start} ${s.name} (${s.lines} lines)`),
      [],
    );
  });

  test('the measure finds a long function', () => {
    const tmp = path.join(require('os').tmpdir(), `long-${process.pid}.ts`);
    fs.writeFileSync(tmp, `function f(): number {\n${'  let x = 1;\n'.repeat(70)}  return 1;\n}\n`);
    try {
      const [span] = functionSpans(tmp);
      assert.strictEqual(span.lines, 73);
      assert.ok(!exempt(span));
    } finally {
      fs.unlinkSync(tmp);
    }
  });
});
