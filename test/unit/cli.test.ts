import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT, runCli } from '../../src/cli/main';
import { CliIo, nodeIo } from '../../src/cli/io';

const ROOT = path.join(__dirname, '..', '..', '..');

/** Runs the CLI in-process from the repository root, capturing output. */
function cli(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const real = nodeIo();
  const io: CliIo = {
    ...real,
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    cwd: ROOT,
    color: false,
  };
  const code = runCli(args, io, '9.9.9');
  return { code, out, err };
}

suite('command line', () => {
  test('analyze prints the per-layer table and no warnings for the healthy XOR; exit 0', () => {
    const r = cli('analyze', 'examples/xor-healthy.net.json');
    assert.strictEqual(r.code, EXIT.ok);
    assert.match(r.out, /hidden\s+4\s+tanh/);
    assert.match(r.out, /no warnings/);
    assert.strictEqual(r.err, '');
  });

  test('a run that takes over a second writes progress lines on stderr, stdout unchanged; a quick one writes none', () => {
    const quick = cli('train', 'examples/xor-healthy.net.json', '--steps', '256');
    assert.strictEqual(quick.err, '');
    const realNow = Date.now;
    let clock = 0;
    Date.now = () => (clock += 700); // every reading of the clock is 0.7 s later
    try {
      const slow = cli('train', 'examples/xor-healthy.net.json', '--steps', '256');
      const lines = slow.err.trimEnd().split('\n');
      assert.ok(lines.length >= 1 && lines.length < 4, slow.err); // the first after a second, then every 5 s
      for (const line of lines) assert.match(line, /^examples\/xor-healthy\.net\.json: step \d+ of 256, loss \S+$/);
      assert.strictEqual(slow.out, quick.out);
    } finally {
      Date.now = realNow;
    }
  });

  test('a file whose one pass takes about a second says on stderr that it is valid before the work starts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-slow-'));
    const file = path.join(dir, 'wide.net.json');
    const layers = [
      { name: 'h1', units: 310, activation: 'relu' },
      { name: 'h2', units: 310, activation: 'relu' },
      { name: 'out', units: 1, activation: 'sigmoid' },
    ];
    const spec = { input: 2, layers, loss: 'binary_cross_entropy', data: { generate: 'circle', samples: 4000 } };
    fs.writeFileSync(file, JSON.stringify({ name: 'wide', seed: 1, ...spec, training: { steps: 1 } }));
    try {
      const r = cli('analyze', file);
      assert.strictEqual(r.code, EXIT.ok);
      assert.match(r.err, /wide\.net\.json: valid, 97651 parameters on 4000 samples; analysing…\n$/);
      assert.strictEqual(cli('analyze', 'examples/deep-sigmoid-vanishing.net.json').err, '');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('analyze --json has the documented shape', () => {
    const r = cli('analyze', 'examples/deep-sigmoid-vanishing.net.json', '--json');
    const j = JSON.parse(r.out);
    assert.strictEqual(typeof j.loss, 'number');
    const layer = j.layers[0];
    for (const key of [
      'index',
      'name',
      'units',
      'activation',
      'activations',
      'derivatives',
      'gradients',
      'deadUnits',
      'saturatedUnits',
    ])
      assert.ok(key in layer, key);
    for (const key of ['meanAbs', 'min', 'max']) assert.strictEqual(typeof layer.derivatives[key], 'number');
    for (const key of ['weightNorm', 'biasNorm', 'ratioToWeights'])
      assert.strictEqual(typeof layer.gradients[key], 'number');
    const w = j.warnings[0];
    for (const key of ['kind', 'severity', 'layer', 'layerIndex', 'units', 'message', 'cause', 'fix'])
      assert.ok(key in w, key);
    assert.strictEqual(w.kind, 'vanishing_gradient');
    assert.strictEqual(j.gradients, undefined);
  });

  test('analyze --gradients adds ∂loss/∂W in the file layout (units × inputs) and ∂loss/∂b', () => {
    const j = JSON.parse(cli('analyze', 'examples/xor-healthy.net.json', '--json', '--gradients').out);
    assert.deepStrictEqual(
      j.gradients.map((g: { layer: string }) => g.layer),
      ['hidden', 'out'],
    );
    assert.strictEqual(j.gradients[0].weights.length, 4);
    assert.strictEqual(j.gradients[0].weights[0].length, 2);
    assert.strictEqual(j.gradients[1].bias.length, 1);
    const norm = Math.sqrt(j.gradients[0].weights.flat().reduce((s: number, g: number) => s + g * g, 0));
    assert.ok(Math.abs(norm - j.layers[0].gradients.weightNorm) < 1e-15);
  });

  test('--fail-on exits 1 only for the listed kinds; "any" for all; unknown kinds are a usage error', () => {
    assert.strictEqual(cli('analyze', 'examples/dead-relu.net.json', '--fail-on', 'dead_relu').code, EXIT.failed);
    assert.strictEqual(
      cli('analyze', 'examples/dead-relu.net.json', '--fail-on', 'vanishing_gradient,exploding_gradient').code,
      EXIT.ok,
    );
    assert.strictEqual(cli('analyze', 'examples/xor-healthy.net.json', '--fail-on', 'any').code, EXIT.ok);
    const bad = cli('analyze', 'examples/xor-healthy.net.json', '--fail-on', 'dead');
    assert.strictEqual(bad.code, EXIT.invalid);
    assert.match(bad.err, /--fail-on takes/);
  });

  test('invalid files exit 2 with file:line:column messages for every problem', () => {
    const r = cli('analyze', 'test/fixtures/invalid/many-errors.net.json');
    assert.strictEqual(r.code, EXIT.invalid);
    const lines = r.err.trim().split('\n');
    assert.ok(lines.length >= 6);
    assert.match(lines[0], /^test\/fixtures\/invalid\/many-errors\.net\.json:5:47: error: unknown activation 'rleu'/);
    assert.strictEqual(r.out, '');
  });

  test('a directory analyses every network in it; one invalid file makes the run exit 2', () => {
    const r = cli('analyze', 'examples', '--json');
    const j = JSON.parse(r.out);
    assert.strictEqual(
      j.files.length,
      fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.net.json')).length,
    );
    assert.strictEqual(r.code, EXIT.ok);
    assert.strictEqual(
      cli('analyze', 'examples/xor-healthy.net.json', 'test/fixtures/invalid/nan-literal.net.json').code,
      EXIT.invalid,
    );
  });

  test('train --json: history with the loss before each update, final parameters, warnings', () => {
    const j = JSON.parse(cli('train', 'examples/xor-healthy.net.json', '--steps', '50', '--json').out);
    assert.strictEqual(j.history.length, 50);
    assert.deepStrictEqual(Object.keys(j.history[0]).slice(0, 3), ['step', 'loss', 'gradNorms']);
    assert.ok(j.history[49].loss < j.history[0].loss);
    assert.strictEqual(j.parameters[0].weights.length, 4);
    assert.ok(Array.isArray(j.warnings));
  });

  test('train --fail-on catches a run that blows up', () => {
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'gd-'));
    const file = path.join(dir, 'blowup.net.json');
    const spec = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'xor-healthy.net.json'), 'utf8'));
    spec.layers = [
      { name: 'h', units: 8, activation: 'linear' },
      { name: 'out', units: 1, activation: 'linear' },
    ];
    spec.loss = 'mse';
    spec.data = {
      inputs: [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
      targets: [[10], [20], [30], [40]],
    };
    spec.training = { learningRate: 0.5 };
    delete spec.$schema;
    fs.writeFileSync(file, JSON.stringify(spec));
    const r = cli(
      'train',
      file,
      '--steps',
      '100',
      '--fail-on',
      'non_finite,exploding_gradient,loss_diverging',
      '--json',
    );
    assert.strictEqual(r.code, EXIT.failed);
    assert.ok(JSON.parse(r.out).warnings.some((w: { kind: string; firstStep?: number }) => w.firstStep !== undefined));
  });

  test('check passes on an example and reports per-layer errors; --tolerance is honoured', () => {
    const r = cli('check', 'examples/spiral-softmax.net.json', '--json');
    assert.strictEqual(r.code, EXIT.ok);
    const j = JSON.parse(r.out);
    assert.strictEqual(j.passed, true);
    assert.strictEqual(j.layers.length, 3);
    assert.strictEqual(cli('check', 'examples/spiral-softmax.net.json', '--tolerance', '1e-30').code, EXIT.failed);
  });

  test('usage errors exit 2: unknown command, option, missing file argument', () => {
    assert.strictEqual(cli('frobnicate', 'x').code, EXIT.invalid);
    assert.strictEqual(cli('analyze', 'examples', '--bogus').code, EXIT.invalid);
    assert.strictEqual(cli('analyze').code, EXIT.invalid);
    assert.strictEqual(cli('analyze', 'no/such/file.net.json').code, EXIT.invalid);
    assert.strictEqual(cli('--version').out, '9.9.9\n');
  });

  test('a CSV path that climbs out of the workspace root is refused', () => {
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'gd-'));
    fs.mkdirSync(path.join(dir, 'ws'));
    fs.writeFileSync(path.join(dir, 'secret.csv'), 'a,b\n1,2\n');
    fs.writeFileSync(path.join(dir, 'ws', 'package.json'), '{}');
    const spec = {
      input: 1,
      layers: [{ units: 1, activation: 'linear' }],
      loss: 'mse',
      data: { csv: '../secret.csv', targets: ['b'] },
    };
    fs.writeFileSync(path.join(dir, 'ws', 'n.net.json'), JSON.stringify(spec, null, 2));
    const r = cli('analyze', path.join(dir, 'ws', 'n.net.json'));
    assert.strictEqual(r.code, EXIT.invalid);
    assert.match(r.err, /cannot read "\.\.\/secret\.csv".*outside the workspace folder/);
  });

  test('NaN and Infinity survive in --json as strings, never as null', () => {
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'gd-'));
    const huge = Array.from({ length: 4 }, () => [1e200, 1e200, 1e200, 1e200]);
    const spec = {
      input: 2,
      loss: 'mse',
      data: { inputs: [[1, 1]], targets: [[0]] },
      layers: [
        { units: 4, activation: 'relu', init: 'he' },
        { units: 4, activation: 'relu', weights: huge },
        { units: 4, activation: 'relu', weights: huge },
        { units: 1, activation: 'linear' },
      ],
    };
    fs.writeFileSync(path.join(dir, 'nan.net.json'), JSON.stringify(spec));
    const r = cli('analyze', path.join(dir, 'nan.net.json'), '--json', '--fail-on', 'non_finite');
    assert.strictEqual(r.code, EXIT.failed);
    assert.ok(!r.out.includes('null'));
    assert.match(r.out, /"(Infinity|NaN)"/);
  });

  test('the bundled dist/cli.js runs as an executable (shebang, exit codes)', () => {
    const bin = path.join(ROOT, 'dist', 'cli.js');
    assert.ok(fs.existsSync(bin), 'dist/cli.js is missing: run npm run build first (npm test does)');
    const ok = spawnSync(bin, ['analyze', 'examples/xor-healthy.net.json', '--json'], { cwd: ROOT, encoding: 'utf8' });
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.strictEqual(JSON.parse(ok.stdout).layers.length, 2);
    const bad = spawnSync(bin, ['check', 'test/fixtures/invalid/nan-literal.net.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.strictEqual(bad.status, 2);
    assert.match(bad.stderr, /nan-literal\.net\.json:7:28: error: JSON syntax error/);
  });
});
