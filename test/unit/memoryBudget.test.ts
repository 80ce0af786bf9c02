import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT, runCli } from '../../src/cli/main';
import { CliIo, nodeIo } from '../../src/cli/io';
import { loadNetwork } from '../../src/core/load';
import { RunShape, predictRunBytes } from '../../src/core/memoryBudget';

const CLI = path.join(__dirname, '..', '..', 'src', 'cli.js');
const MB = 2 ** 20;

/** A network file text: input 2, the given hidden widths (relu) and one sigmoid output, generated XOR data. */
function generated(hidden: readonly number[], samples: number, training: object = {}): string {
  const layers = [...hidden.map((units) => ({ units, activation: 'relu' })), { units: 1, activation: 'sigmoid' }];
  return JSON.stringify({ input: 2, layers, loss: 'mse', data: { generate: 'xor', samples }, training });
}

/** The prediction for `generated(hidden, samples)`. */
function predictionOf(hidden: readonly number[], samples: number, extra: Partial<RunShape> = {}): number {
  const text = generated(hidden, samples);
  const values = (text.match(/[[{]|-?\d+(\.\d+)?|"[^"]*"(?!\s*:)|true|false|null/g) ?? []).length;
  return predictRunBytes({ input: 2, units: [...hidden, 1], samples, optimizer: 'sgd', fileValues: values, ...extra })
    .bytes;
}

suite('memory prediction (issue 12, item 2)', () => {
  test('a 300-byte file of a 4096-unit layer and 100,000 generated samples is refused at data.generate', () => {
    const text =
      '{\n  "name": "x",\n  "input": 2,\n  "layers": [\n    { "name": "wide", "units": 4096, ' +
      '"activation": "relu" },\n    { "name": "out", "units": 1, "activation": "sigmoid" }\n  ],\n' +
      '  "loss": "binary_cross_entropy",\n  "data": { "generate": "xor", "samples": 100000 },\n' +
      '  "training": { "optimizer": "adam", "steps": 9 }\n}\n';
    assert.ok(text.length <= 308, `${text.length} bytes`);
    const { loaded, problems } = loadNetwork(text);
    assert.strictEqual(loaded, undefined);
    assert.strictEqual(problems.length, 1);
    const p = problems[0];
    assert.deepStrictEqual(p.path, ['data', 'generate']);
    assert.match(p.message, /needs about 2\d\.\d GB of memory to run, over the limit of 1\.5 GB/);
    assert.match(p.message, /use fewer samples, or fewer units \('wide' has 4,096\)/);
  });

  test('63 layers of 200 units at 100,000 samples (9.8 GB by the old count) is refused', () => {
    const { problems } = loadNetwork(generated(Array(62).fill(200), 100_000));
    assert.match(problems[0].message, /needs about \d+\.\d GB/);
  });

  test('a prediction counted by hand: every buffer of a 3-4-2 network on 10 samples', () => {
    const p = predictRunBytes({ input: 3, units: [4, 2], samples: 10, optimizer: 'adam' });
    // data: 10×(3+2) samples, the trainer's 10×(3+2) batch copy, its 10 int32 indices (5 doubles)
    assert.strictEqual(p.parts.data, 8 * (50 + 50 + 5));
    // z, a, f'(z), ∂E/∂a, ∂E/∂z of 10×(4+2) units, and the analysis's copy of the 10×3 inputs
    assert.strictEqual(p.parts.layerBuffers, 8 * (5 * 10 * 6 + 30));
    // 26 parameters: W, b, ∂W, ∂b twice (network and initial copy) and 48 bytes of printed output each
    assert.strictEqual(p.parts.parameters, 26 * (4 * 8 + 48));
    assert.strictEqual(p.parts.optimizer, 26 * 2 * 8);
    assert.strictEqual(p.parts.scratch, 0);
    assert.strictEqual(p.bytes, 840 + 2640 + 2080 + 416);
  });

  test('scratch replays the kernels: products with k·n > 32768 transpose into slots that only grow', () => {
    // one layer of 3 units on 1 input over 40,000 rows: ∂E/∂W = (∂E/∂z)ᵀ·x has k·n = 40,000 > 32,768
    const p = predictRunBytes({ input: 1, units: [3], samples: 40_000, optimizer: 'sgd' });
    assert.strictEqual(p.parts.scratch, 8 * (40_000 * 3 + 40_000 * 1));
    // a minibatch of 20,000 first (under the bound), then the analysis at 40,000
    const q = predictRunBytes({ input: 1, units: [3], samples: 40_000, batchSize: 20_000, optimizer: 'sgd' });
    assert.strictEqual(q.parts.scratch, p.parts.scratch);
  });

  test('CSV data is predicted from its row count, and inline data from its values, with the limit given', () => {
    const net = (data: object): string =>
      JSON.stringify({
        input: 2,
        layers: [
          { units: 512, activation: 'relu' },
          { units: 1, activation: 'sigmoid' },
        ],
        loss: 'mse',
        data,
      });
    const csv = `a,b,y\n${'1,2,0\n'.repeat(5000)}`;
    const fromCsv = loadNetwork(net({ csv: 'd.csv', targets: ['y'] }), { readCsv: () => csv, maxMemoryMB: 64 });
    assert.deepStrictEqual(fromCsv.problems[0]?.path, ['data', 'csv']);
    assert.match(fromCsv.problems[0].message, /over the limit of 64 MB.*5,000 samples/);
    assert.ok(loadNetwork(net({ csv: 'd.csv', targets: ['y'] }), { readCsv: () => csv, maxMemoryMB: 256 }).loaded);
    const rows = Array.from({ length: 5000 }, () => [1, 2]);
    const inline = loadNetwork(net({ inputs: rows, targets: rows.map(() => [0]) }), { maxMemoryMB: 64 });
    assert.deepStrictEqual(inline.problems[0]?.path, ['data', 'inputs']);
  });

  test('--max-memory on the command line: exit 2 with file:line:col under it, exit 0 above', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-mem-'));
    try {
      fs.writeFileSync(path.join(dir, 'n.net.json'), generated([256], 4000));
      let err = '';
      const io: CliIo = { ...nodeIo(), out: () => {}, err: (t) => void (err += t), cwd: dir, color: false };
      assert.strictEqual(runCli(['analyze', 'n.net.json', '--max-memory', '20'], io), EXIT.invalid);
      assert.match(err, /^n\.net\.json:1:\d+: error: this network needs about \d+ MB .* over the limit of 20 MB/);
      assert.strictEqual(runCli(['analyze', 'n.net.json', '--max-memory', '200'], io), EXIT.ok);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Peak RSS of `train` on a file predicted just under `limitMB`, measured in a Node process of its own (the CLI
 * run in-process there, maxRSS read at exit).
 */
function peakAtLimit(hidden: readonly number[], samples: number, limitMB: number): { predicted: number; rss: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-rss-'));
  try {
    const file = path.join(dir, 'n.net.json');
    fs.writeFileSync(file, generated(hidden, samples, { steps: 2 }));
    const predicted = predictionOf(hidden, samples);
    assert.ok(predicted <= limitMB * MB && predicted > 0.85 * limitMB * MB, `${predicted / MB} MB is not at the limit`);
    const argv = JSON.stringify(['node', 'cli', 'train', file, '--max-memory', String(limitMB)]);
    const code =
      "process.on('exit', () => process.stderr.write(`MAXRSS ${process.resourceUsage().maxRSS}\\n`));" +
      `process.argv = ${argv}; require(${JSON.stringify(CLI)});`;
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', maxBuffer: 64 * MB });
    assert.strictEqual(r.status, 0, r.stderr);
    return { predicted, rss: Number(/MAXRSS (\d+)/.exec(r.stderr)![1]) * 1024 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

suite('memory at the limit, measured in a child process', () => {
  test('train at a 320 MB limit: peak RSS ≤ 1.2 × prediction + 150 MB', () => {
    const { predicted, rss } = peakAtLimit(Array(30).fill(64), 4000, 320);
    assert.ok(rss <= 1.2 * predicted + 150 * MB, `peak RSS ${rss / MB} MB, prediction ${predicted / MB} MB`);
  });

  test('heavy: train at the default 1.5 GB limit (GD_HEAVY_TESTS=1)', function () {
    if (!process.env.GD_HEAVY_TESTS) this.skip();
    this.timeout(300_000);
    const { predicted, rss } = peakAtLimit(Array(40).fill(96), 10_000, 1536);
    assert.ok(rss <= 1.2 * predicted + 150 * MB, `peak RSS ${rss / MB} MB, prediction ${predicted / MB} MB`);
  });
});
