import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT, runCli } from '../../src/cli/main';
import { CliIo, nodeIo } from '../../src/cli/io';

const ROOT = path.join(__dirname, '..', '..', '..');
const RUNS = 'test/fixtures/runs';

/** Runs the CLI in-process from the repository root, capturing output. */
function cli(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: CliIo = { ...nodeIo(), out: (t) => void (out += t), err: (t) => void (err += t), cwd: ROOT, color: false };
  const code = runCli(args, io, '9.9.9');
  return { code, out, err };
}

/** `diagnose --json` on a recorded run. */
function diagnoseJson(name: string, ...extra: string[]) {
  const r = cli('diagnose', `${RUNS}/${name}.gd.jsonl`, '--json', ...extra);
  return { ...r, json: JSON.parse(r.out) };
}

/** The kinds of warnings and the step each began, in order. */
/**
 * A log of `steps` steps in `dir`: the healthy fixture's header, then its records repeated with consecutive step
 * numbers, each changed by `edit(step)`.
 */
function longHealthyLog(dir: string, name: string, steps: number, edit: (step: number) => object = () => ({})): string {
  const lines = fs
    .readFileSync(path.join(ROOT, RUNS, 'healthy.gd.jsonl'), 'utf8')
    .trimEnd()
    .split('\n');
  const body = lines.slice(1).map((l) => JSON.parse(l) as object);
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, lines[0] + '\n');
  for (let k = 0; k < steps; k++)
    fs.writeSync(fd, JSON.stringify({ ...body[k % body.length], step: k, ...edit(k) }) + '\n');
  fs.closeSync(fd);
  return file;
}

const kinds = (warnings: { kind: string; firstStep?: number; layer: string }[]) =>
  warnings.map((w) => `${w.kind}@${w.firstStep}:${w.layer}`);

suite('diagnose: the over-time rules on runs recorded by the PyTorch probe', () => {
  test('a healthy Adam run has no warning; --json mirrors train --json with the layers from the header', () => {
    const { code, json, err } = diagnoseJson('healthy', '--fail-on', 'any');
    assert.strictEqual(code, EXIT.ok, err);
    assert.deepStrictEqual(json.warnings, []);
    assert.strictEqual(json.steps, 60);
    assert.deepStrictEqual(Object.keys(json.history[0]).slice(0, 7), [
      'step',
      'loss',
      'learningRate',
      'gradNorms',
      'updateRatios',
      'deadFractions',
      'saturatedFractions',
    ]);
    assert.deepStrictEqual(
      json.layers.map((l: { name: string; activation: string; units: number }) => [l.name, l.activation, l.units]),
      [
        ['0', 'relu', 16],
        ['2', 'tanh', 16],
        ['4', 'linear', 3],
      ],
    );
    assert.strictEqual(json.run.strategy, 'single');
    assert.deepStrictEqual(json.skippedLines, { count: 0, listed: [] });
  });

  test('units killed by one large step: dead_relu in the first layer from the step they died', () => {
    const { code, json } = diagnoseJson('dying-relu', '--fail-on', 'dead_relu');
    assert.strictEqual(code, EXIT.failed);
    const dead = json.warnings.find((w: { kind: string }) => w.kind === 'dead_relu');
    assert.strictEqual(dead.layer, '0');
    assert.ok(dead.firstStep >= 21 && dead.firstStep <= 25, String(dead.firstStep)); // the bad batch is step 20
    assert.match(dead.message, /units in '0' died during training/);
  });

  test('a far too large learning rate: non_finite at the step the loss overflowed, exit 1 with --fail-on', () => {
    const { code, json } = diagnoseJson('diverging', '--fail-on', 'non_finite');
    assert.strictEqual(code, EXIT.failed);
    type Flags = { loss: boolean; activations: boolean[]; gradients: boolean[] };
    const history = json.history as { step: number; nonFinite: Flags }[];
    const bad = (f: Flags): boolean => f.loss || f.activations.includes(true) || f.gradients.includes(true);
    const firstBad = history.find((r) => bad(r.nonFinite))!.step;
    assert.ok(kinds(json.warnings).includes(`non_finite@${firstBad}:4`), kinds(json.warnings).join(', '));
    assert.ok(json.warnings.some((w: { kind: string }) => w.kind === 'exploding_gradient'));
  });

  test('deep sigmoid stack: vanishing_gradient names the early layers; text output, exit 0 without --fail-on', () => {
    const r = cli('diagnose', `${RUNS}/vanishing-sigmoid.gd.jsonl`);
    assert.strictEqual(r.code, EXIT.ok);
    assert.match(r.out, /⚠ vanishing_gradient in layer '10'/);
    assert.match(r.out, /Layers '0'–'10' barely move during training/);
    assert.match(r.out, /single · SGD · loss CrossEntropyLoss · every 1 · 40 logged steps/);
  });

  test('a 2-rank DDP run reads like the single run: no warning, strategy and world size from the header', () => {
    const { code, json } = diagnoseJson('ddp', '--fail-on', 'any');
    assert.strictEqual(code, EXIT.ok);
    assert.deepStrictEqual(json.warnings, []);
    assert.deepStrictEqual([json.run.strategy, json.run.worldSize, json.run.batchSizePerRank], ['ddp', 2, 32]);
  });

  test('malformed and truncated lines are skipped and reported as file:line:col, the rest is diagnosed', () => {
    const r = cli('diagnose', `${RUNS}/truncated.gd.jsonl`, '--json');
    assert.strictEqual(r.code, EXIT.ok);
    const json = JSON.parse(r.out);
    assert.strictEqual(json.skippedLines.count, 4);
    assert.deepStrictEqual(
      json.skippedLines.listed.map((p: { line: number }) => p.line),
      [5, 8, 10, 14],
    );
    assert.strictEqual(json.steps, 9);
    const lines = r.err.trim().split('\n');
    assert.strictEqual(lines.length, 4);
    assert.match(lines[0], /^test\/fixtures\/runs\/truncated\.gd\.jsonl:5:\d+: warning: skipped: /);
    assert.match(lines[3], /:14:\d+: warning: skipped: truncated last line/);
  });

  test('bad input: missing file, not a header, unknown version, header only, bad options', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-diagnose-'));
    try {
      const write = (name: string, text: string): string => {
        fs.writeFileSync(path.join(dir, name), text);
        return path.join(dir, name);
      };
      const header = fs.readFileSync(path.join(ROOT, RUNS, 'healthy.gd.jsonl'), 'utf8').split('\n')[0];
      const missing = cli('diagnose', path.join(dir, 'none.gd.jsonl'));
      assert.deepStrictEqual([missing.code, /no such file/.test(missing.err)], [EXIT.invalid, true]);
      const notHeader = cli('diagnose', write('a.gd.jsonl', '{"step": 0}\n'));
      assert.strictEqual(notHeader.code, EXIT.invalid);
      assert.match(notHeader.err, /a\.gd\.jsonl:1:1: error: the first line is not a run log header/);
      const future = cli('diagnose', write('b.gd.jsonl', header.replace('"version":1', '"version":7') + '\n'));
      assert.strictEqual(future.code, EXIT.invalid);
      assert.match(future.err, /format version 7 is not supported/);
      const empty = cli('diagnose', write('c.gd.jsonl', ''));
      assert.deepStrictEqual([empty.code, /the file is empty/.test(empty.err)], [EXIT.invalid, true]);
      const headerOnly = cli('diagnose', write('d.gd.jsonl', header + '\n'));
      assert.deepStrictEqual([headerOnly.code, /no logged step/.test(headerOnly.err)], [EXIT.nothing, true]);
      assert.strictEqual(cli('diagnose').code, EXIT.invalid);
      assert.strictEqual(cli('diagnose', `${RUNS}/healthy.gd.jsonl`, '--fail-on', 'nonsense').code, EXIT.invalid);
      assert.strictEqual(cli('diagnose', `${RUNS}/healthy.gd.jsonl`, '--frobnicate').code, EXIT.invalid);
      assert.strictEqual(cli('diagnose', '--help').code, EXIT.ok);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a long log is streamed: 20,000 steps give a thinned history and the same warnings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-diagnose-'));
    try {
      const file = longHealthyLog(dir, 'long.gd.jsonl', 20000);
      const r = cli('diagnose', file, '--json');
      const json = JSON.parse(r.out);
      assert.strictEqual(json.steps, 20000);
      assert.ok(json.history.length <= 1201, String(json.history.length));
      assert.strictEqual(json.history[json.history.length - 1].step, 19999);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the rules see every record, not the thinned history: a NaN at one step of 3,000 is caught', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-diagnose-'));
    try {
      const file = longHealthyLog(dir, 'one-nan.gd.jsonl', 3000, (k) => (k === 2001 ? { loss: 'NaN' } : {}));
      const r = cli('diagnose', file, '--json', '--fail-on', 'non_finite');
      const json = JSON.parse(r.out);
      assert.strictEqual(json.steps, 3000);
      const kept = json.history.map((h: { step: number }) => h.step);
      assert.ok(!kept.includes(2001), 'thinning keeps every other step past 1,200: step 2001 is not in the history');
      assert.ok(kinds(json.warnings).includes('non_finite@2001:4'), kinds(json.warnings).join(', '));
      assert.strictEqual(r.code, EXIT.failed);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
