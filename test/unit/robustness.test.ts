import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT, runCli } from '../../src/cli/main';
import { CliIo, nodeIo, readCsvSafely } from '../../src/cli/io';
import { parseArgs } from '../../src/cli/args';
import { QUOTED_NAME_LENGTH, editDistance, suggestion } from '../../src/core/format/json';
import { parseNetworkText } from '../../src/core/format/parse';
import { LIMITS } from '../../src/core/format/spec';
import { loadNetwork } from '../../src/core/load';

/** Runs the CLI in-process with `overrides` of the real IO, capturing output. */
function cli(args: string[], overrides: Partial<CliIo> = {}): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: CliIo = {
    ...nodeIo(),
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    color: false,
    ...overrides,
  };
  return { code: runCli(args, io, '9.9.9'), out, err };
}

const created: string[] = [];
suiteTeardown(() => {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder with a .git marker (the CLI's workspace root) and the files given; removed after the tests. */
function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-ws-'));
  created.push(dir);
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const CSV_NET = JSON.stringify({
  input: 2,
  layers: [{ units: 1, activation: 'sigmoid' }],
  loss: 'mse',
  data: { csv: 'd.csv', targets: ['y'] },
});

suite('reliability: deep nesting (issue 12, item 1)', () => {
  for (const [what, open] of [
    ['[', '['],
    ['{"a":', '{"a":'],
  ] as const) {
    test(`5,000 levels of ${what} give a positioned error at the 65th bracket, not a stack overflow`, () => {
      const text = open.repeat(5000);
      const { problems } = parseNetworkText(text);
      assert.strictEqual(problems.length, 1);
      assert.match(problems[0].message, /nesting deeper than 64 levels/);
      assert.strictEqual(problems[0].offset, open.length * LIMITS.maxNesting);
      assert.strictEqual(text[problems[0].offset], open[0]);
    });
  }

  test('the CLI refuses a deeply nested file with exit 2 and file:line:col', () => {
    const dir = workspace({ 'deep.net.json': '['.repeat(10000) });
    const r = cli(['analyze', path.join(dir, 'deep.net.json')], { cwd: dir });
    assert.strictEqual(r.code, EXIT.invalid);
    assert.match(r.err, /^deep\.net\.json:1:65: error: nesting deeper/);
  });

  test('brackets inside strings do not count as nesting', () => {
    const { problems } = parseNetworkText(`{"name": "${'['.repeat(500)}"}`);
    assert.ok(!problems.some((p) => /nesting/.test(p.message)));
  });
});

suite('reliability: steps on the command line (issue 12, item 4)', () => {
  test('--steps above LIMITS.maxSteps is a usage error (exit 2); the limit itself is accepted', () => {
    assert.match(parseArgs(['train', 'x', '--steps', String(LIMITS.maxSteps + 1)]).error ?? '', /1,000,000/);
    assert.strictEqual(parseArgs(['train', 'x', '--steps', String(LIMITS.maxSteps)]).args?.steps, LIMITS.maxSteps);
    const r = cli(['train', 'examples/xor-healthy.net.json', '--steps', '5000000']);
    assert.strictEqual(r.code, EXIT.invalid);
    assert.match(r.err, /--steps needs a whole number from 0 to 1,000,000/);
  });
});

suite('reliability: CSV paths and files (issue 12, item 5)', () => {
  const secret = 'top-secret-first-line,y\n1,2\n';

  test('a symlink to a file outside the workspace is refused and its contents are never echoed', () => {
    const outside = workspace({ 'secret.csv': secret });
    const dir = workspace({ 'n.net.json': CSV_NET });
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(dir, 'd.csv'));
    const r = cli(['analyze', 'n.net.json'], { cwd: dir });
    assert.strictEqual(r.code, EXIT.invalid);
    assert.match(r.err, /n\.net\.json:\d+:\d+: error: cannot read "d\.csv": it leads \(through a link\) outside/);
    assert.doesNotMatch(r.err + r.out, /top-secret/);
  });

  test('a symlink to /dev/zero, a FIFO and a directory are refused without reading', function () {
    if (process.platform === 'win32') this.skip();
    const dir = workspace({});
    fs.mkdirSync(path.join(dir, 'folder.csv'));
    assert.deepStrictEqual(readCsvSafely(path.join(dir, 'folder.csv'), dir), { refused: 'it is not a regular file' });
    // /dev/zero inside a workspace that is the root of the device tree: not a regular file
    assert.deepStrictEqual(readCsvSafely('/dev/zero', '/dev'), { refused: 'it is not a regular file' });
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.csv'));
    assert.match(String((readCsvSafely(path.join(dir, 'zero.csv'), dir) as { refused: string }).refused), /outside/);
    const fifo = path.join(dir, 'pipe.csv');
    if (require('child_process').spawnSync('mkfifo', [fifo]).status === 0)
      assert.deepStrictEqual(readCsvSafely(fifo, dir), { refused: 'it is not a regular file' });
  });

  test('a file over LIMITS.maxCsvBytes is refused before reading (sparse file: no disk used)', () => {
    const dir = workspace({});
    const big = path.join(dir, 'big.csv');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, LIMITS.maxCsvBytes + 1);
    const r = readCsvSafely(big, dir) as { refused: string };
    assert.match(r.refused, /it is 256 MB, over the 256 MB limit/);
  });

  test('rows are counted while streaming: one line past the header and LIMITS.maxSamples rows is refused', () => {
    const dir = workspace({ 'ok.csv': `x,y\n${'1,2\n'.repeat(LIMITS.maxSamples)}` });
    fs.writeFileSync(path.join(dir, 'long.csv'), `x,y\n${'1,2\n'.repeat(LIMITS.maxSamples + 1)}`);
    assert.strictEqual(typeof readCsvSafely(path.join(dir, 'ok.csv'), dir), 'string');
    assert.match((readCsvSafely(path.join(dir, 'long.csv'), dir) as { refused: string }).refused, /more than 100,001/);
  });

  test('CSV errors name lines and columns but never the values or header of the file', () => {
    const net = JSON.stringify({ ...JSON.parse(CSV_NET), data: { csv: 'd.csv', targets: ['label'] } });
    const missing = loadNetwork(net, { readCsv: () => 'secretA,secretB,y\n1,2,3\n' }).problems;
    assert.match(missing[0].message, /no column named 'label' in the header row \(it has 3 columns\)/);
    const bad = loadNetwork(CSV_NET, { readCsv: () => 'a,b,y\n1,2,3\n4,hunter2,6\n' }).problems;
    assert.match(bad[0].message, /d\.csv:3: input column 2 is empty or not a finite number/);
    for (const p of [...missing, ...bad]) assert.doesNotMatch(p.message, /secret|hunter2/);
  });
});

suite('reliability: long names (issue 12, item 6)', () => {
  test('a long unknown name is shown cut to 40 characters and gets no "did you mean"', () => {
    const long = 'relu'.repeat(250_000); // 1 MB
    const t0 = Date.now();
    const text = JSON.stringify({ input: 1, layers: [{ units: 1, activation: long }], loss: 'mse', data: {} });
    const { problems } = parseNetworkText(text);
    const p = problems.find((q) => /unknown activation/.test(q.message))!;
    assert.ok(p.message.includes(`'${long.slice(0, QUOTED_NAME_LENGTH)}…'`), p.message);
    assert.ok(p.message.length < 400, `message of ${p.message.length} characters`);
    assert.doesNotMatch(p.message, /did you mean/);
    assert.ok(Date.now() - t0 < 5000);
  });

  test('short typos still get their suggestion', () => {
    assert.strictEqual(suggestion('rlu', ['relu', 'tanh']), " — did you mean 'relu'?");
    assert.strictEqual(editDistance('kitten', 'sitting'), 3);
  });
});

suite('reliability: exit codes (issue 12, item 10)', () => {
  const boom: Partial<CliIo> = {
    readFile: () => {
      throw new Error('disk on fire');
    },
  };

  test('an unexpected throw exits 70 with one line and no stack', () => {
    const r = cli(['analyze', 'examples/xor-healthy.net.json'], boom);
    assert.strictEqual(r.code, EXIT.internal);
    assert.strictEqual(r.err, 'gradient-debugger: internal error: disk on fire (run with --debug for the stack)\n');
  });

  test('--debug adds the stack', () => {
    const r = cli(['analyze', 'examples/xor-healthy.net.json', '--debug'], boom);
    assert.strictEqual(r.code, EXIT.internal);
    assert.match(r.err, /^gradient-debugger: internal error: disk on fire\n/);
    assert.match(r.err, /\n\s+at /);
  });

  test('--help prints the exit-code table', () => {
    const r = cli(['--help']);
    assert.strictEqual(r.code, EXIT.ok);
    for (const [code, words] of [
      [0, 'fine'],
      [1, '--fail-on'],
      [2, 'invalid input or usage'],
      [3, 'nothing to do'],
      [70, 'internal error'],
    ] as const)
      assert.match(r.out, new RegExp(`\\n  ${code} +[^\\n]*${words}`));
  });
});
