/**
 * ONNX import against PyTorch: each model made by torch.onnx.export (scripts/make-onnx-fixtures.py)
 * imports to a network whose float64 loss, ∂E/∂W, ∂E/∂b and 5 SGD steps agree with what torch
 * computed on the same float32 weights (relative 1e-10, absolute 1e-12 near zero); hand-built shapes of
 * other producers import too; every unsupported graph and malformed file is refused with a clear message.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadNetwork } from '../../src/core/load';
import { train } from '../../src/core/trainingRun';
import { importOnnx } from '../../src/core/modelio/importModel';
import { ImportOptions } from '../../src/core/modelio/networkText';
import { LossName } from '../../src/core/format/spec';

const DIR = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onnx');
const EXPORTED = [
  'relu-gemm',
  'leaky-elu',
  'sigmoid-tanh-bce',
  'softplus-gelu-silu',
  'softmax',
  'logsoftmax',
  'dropout-identity',
  'flatten',
  'matmul-add-3d',
  'no-bias',
];

interface Parameters {
  weights: number[][];
  bias: number[];
}
interface Expected {
  loss: LossName;
  inputs: number[][];
  targets: number[][];
  value: number;
  gradients: Parameters[];
  sgd: { learningRate: number; losses: number[]; final: Parameters[] };
}

/** The bytes of a fixture. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(DIR, `${name}.onnx`)));
}

function near(actual: number, expected: number, where: string): void {
  const diff = Math.abs(actual - expected);
  assert.ok(
    diff <= 1e-10 * Math.abs(expected) || diff <= 1e-12,
    `${where}: ours ${actual}, torch ${expected} (|Δ| ${diff.toExponential(3)})`,
  );
}

function nearRows(actual: ArrayLike<number>, expected: readonly (readonly number[])[], where: string): void {
  const flat = expected.flat();
  assert.strictEqual(actual.length, flat.length, `${where}: ${actual.length} values, torch has ${flat.length}`);
  flat.forEach((v, i) => near(actual[i], v, `${where}[${i}]`));
}

/** Imports `name` with the reference's data and 5-step SGD settings, and loads the file. */
function importWithData(name: string, expected: Expected) {
  const options: ImportOptions = {
    loss: expected.loss,
    data: { inputs: expected.inputs, targets: expected.targets },
    training: { optimizer: 'sgd', learningRate: expected.sgd.learningRate, steps: 5 },
  };
  const result = importOnnx(fixture(name), options);
  assert.ok(!result.error, `${name}: refused: ${result.error}`);
  const { loaded, problems } = loadNetwork(result.text!);
  assert.ok(loaded, `${name}: the imported file does not load: ${problems.map((p) => p.message).join('; ')}`);
  return { loaded, text: result.text!, notes: result.notes! };
}

suite('ONNX import agrees with PyTorch (fixtures from scripts/make-onnx-fixtures.py)', () => {
  for (const name of EXPORTED) {
    const expected = (): Expected =>
      JSON.parse(fs.readFileSync(path.join(DIR, `${name}.expected.json`), 'utf8')) as Expected;

    test(`${name}: loss, ∂E/∂W and ∂E/∂b of the imported network`, () => {
      const e = expected();
      const { network, dataset } = importWithData(name, e).loaded;
      assert.strictEqual(network.layers.length, e.gradients.length, 'layer count');
      near(network.lossAndGradients(dataset.inputs, dataset.targets, dataset.samples), e.value, `${name} loss`);
      network.layers.forEach((layer, i) => {
        nearRows(layer.gradWeights, e.gradients[i].weights, `${name} ${layer.name} ∂E/∂W`);
        nearRows(layer.gradBias, [e.gradients[i].bias], `${name} ${layer.name} ∂E/∂b`);
      });
    });

    test(`${name}: 5 SGD steps (loss before each, final parameters)`, () => {
      const e = expected();
      const { spec, network, dataset } = importWithData(name, e).loaded;
      const records = train(spec, network, dataset, 5);
      nearRows(
        records.map((r) => r.loss),
        [e.sgd.losses],
        `${name} loss at step`,
      );
      network.layers.forEach((layer, i) => {
        nearRows(layer.weights, e.sgd.final[i].weights, `${name} ${layer.name} W after 5 steps`);
        nearRows(layer.bias, [e.sgd.final[i].bias], `${name} ${layer.name} b after 5 steps`);
      });
    });
  }
});

/** The activations of an imported file, in layer order (names, or type:alpha). */
function activations(name: string, options: ImportOptions = {}): string[] {
  const result = importOnnx(fixture(name), options);
  assert.ok(!result.error, `${name}: refused: ${result.error}`);
  const spec = JSON.parse(result.text!) as { layers: { activation: string | { type: string; alpha: number } }[] };
  return spec.layers.map((l) =>
    typeof l.activation === 'string' ? l.activation : `${l.activation.type}:${l.activation.alpha}`,
  );
}

suite('ONNX import: every supported shape', () => {
  test('every activation, by op or by exporter pattern', () => {
    assert.deepStrictEqual(activations('relu-gemm'), ['relu', 'linear']);
    assert.deepStrictEqual(activations('leaky-elu'), ['leaky_relu:0.2', 'elu:0.7', 'linear']);
    assert.deepStrictEqual(activations('sigmoid-tanh-bce'), ['tanh', 'sigmoid']);
    assert.deepStrictEqual(activations('softplus-gelu-silu'), ['softplus', 'gelu', 'silu', 'linear']);
    assert.deepStrictEqual(activations('softmax'), ['relu', 'softmax']);
    assert.deepStrictEqual(activations('logsoftmax'), ['tanh', 'softmax']);
  });

  test('the loss follows the output: softmax → cross-entropy, sigmoid → binary cross-entropy, else mse', () => {
    const loss = (name: string) => (JSON.parse(importOnnx(fixture(name)).text!) as { loss: string }).loss;
    assert.strictEqual(loss('softmax'), 'cross_entropy');
    assert.strictEqual(loss('logsoftmax'), 'cross_entropy');
    assert.strictEqual(loss('sigmoid-tanh-bce'), 'binary_cross_entropy');
    assert.strictEqual(loss('relu-gemm'), 'mse');
  });

  test('--loss cross_entropy on logits appends the softmax, with a note', () => {
    const result = importOnnx(fixture('relu-gemm'), { loss: 'cross_entropy' });
    assert.deepStrictEqual(activations('relu-gemm', { loss: 'cross_entropy' }), ['relu', 'softmax']);
    assert.ok(
      result.notes!.some((n) => /softmax is appended/.test(n)),
      result.notes!.join('\n'),
    );
  });

  test('inference-only Dropout and Identity nodes are skipped (hand-built, and as torch drops them)', () => {
    assert.deepStrictEqual(activations('hand-dropout-identity'), ['relu', 'linear']);
    assert.deepStrictEqual(activations('dropout-identity'), ['relu', 'linear']);
  });

  test('a leading Flatten sets the input width to the flattened features', () => {
    const spec = JSON.parse(importOnnx(fixture('flatten')).text!) as { input: number };
    assert.strictEqual(spec.input, 6);
  });

  test('without data, the file gets a placeholder that loads, and a note says so', () => {
    for (const name of ['relu-gemm', 'sigmoid-tanh-bce', 'softmax']) {
      const result = importOnnx(fixture(name));
      assert.ok(
        result.notes!.some((n) => /placeholder/.test(n)),
        `${name}: ${result.notes!.join('; ')}`,
      );
      const { loaded, problems } = loadNetwork(result.text!);
      assert.ok(loaded, `${name}: ${problems.map((p) => p.message).join('; ')}`);
    }
  });

  test('hand-built (tf2onnx-style): Reshape, MatMul + Add on [in, out] kernels, bias first or second', () => {
    const spec = JSON.parse(importOnnx(fixture('hand-keras-matmul-add')).text!) as {
      input: number;
      layers: { units: number; weights: number[][] }[];
    };
    assert.deepStrictEqual([spec.input, ...spec.layers.map((l) => l.units)], [3, 4, 2]);
    assert.strictEqual(spec.layers[0].weights.length, 4, 'weights are units × inputs');
    assert.strictEqual(spec.layers[0].weights[0].length, 3);
  });

  test('hand-built (newer exporters): opset-20 Gelu, Gemm transB=0 with alpha/beta, a Constant-node weight', () => {
    const result = importOnnx(fixture('hand-opset20-gelu'));
    assert.ok(!result.error, result.error);
    const spec = JSON.parse(result.text!) as { layers: { activation: string; weights: number[][]; bias: number[] }[] };
    assert.deepStrictEqual(
      spec.layers.map((l) => l.activation),
      ['gelu', 'linear'],
    );
    assert.ok(result.notes!.some((n) => /no bias/.test(n)));
    assert.ok(spec.layers[1].bias.every((b) => b === 0));
  });
});

/** The refusal message for `bytes`, which must be one. */
function refusal(bytes: Uint8Array): string {
  const result = importOnnx(bytes);
  assert.ok(result.error, `imported although it should be refused: ${result.text?.slice(0, 200)}`);
  return result.error!;
}

suite('ONNX import: refusals, each named', () => {
  test('tanh-approximate GELU, as torch 1.13 exports it and as opset 20 writes it', () => {
    assert.match(refusal(fixture('refuse-gelu-tanh')), /tanh-approximate GELU/);
    assert.match(refusal(fixture('hand-gelu-tanh')), /'.*' \(Gelu\): tanh-approximate GELU/);
  });

  test('Softplus with beta ≠ 1, naming beta', () => {
    assert.match(refusal(fixture('refuse-softplus-beta')), /\(Softplus\): Softplus with beta = 2 is not supported/);
  });

  test('BatchNormalization, naming the node and what is supported', () => {
    assert.match(refusal(fixture('refuse-batchnorm')), /\(BatchNormalization\): batch normalisation .*Supported: Gemm/);
  });

  test('a residual connection (not a chain)', () => {
    assert.match(refusal(fixture('refuse-residual')), /branches|not part of a chain/);
  });

  test('external data', () => {
    assert.match(refusal(fixture('hand-external-data')), /external file/);
  });

  test('a cycle', () => {
    assert.match(refusal(fixture('hand-cycle')), /cycle/);
  });

  test('wrong magic bytes: a safetensors file, text, an empty file', () => {
    assert.match(refusal(new TextEncoder().encode('{"layers": []}')), /not an ONNX model: wrong magic byte 0x7b/);
    assert.match(refusal(new Uint8Array(0)), /empty/);
  });

  test('every truncation of a real model is refused, never a crash or a wrong network', () => {
    const bytes = fixture('softplus-gelu-silu');
    for (let n = 1; n < bytes.length; n += 7) {
      const result = importOnnx(bytes.subarray(0, n));
      assert.ok(result.error, `a file cut at ${n} of ${bytes.length} bytes was imported`);
    }
  });

  test('an initialiser declaring 500 MB in a truncated file is refused before allocating', () => {
    // ModelProto { ir_version: 7, graph { initializer { dims: [125000000], data_type: FLOAT, raw_data: <500 MB declared> } } }
    const declared = 500_000_000;
    const varint = (v: number): number[] => {
      const out: number[] = [];
      for (; v >= 128; v = Math.floor(v / 128)) out.push((v % 128) | 0x80);
      return [...out, v];
    };
    const tensor = [0x08, ...varint(declared / 4), 0x10, 0x01, 0x4a, ...varint(declared), 1, 2, 3];
    const graph = [0x2a, ...varint(declared + 20), ...tensor];
    const bytes = new Uint8Array([0x08, 0x07, 0x3a, ...varint(declared + 40), ...graph]);
    const before = process.memoryUsage().arrayBuffers;
    assert.match(refusal(bytes), /truncated/);
    assert.ok(process.memoryUsage().arrayBuffers - before < 50e6, 'no large buffer was allocated');
    // the same tensor, complete in its frame but declaring more elements than any network may have
    const small = [0x08, ...varint(declared / 4), 0x10, 0x01, 0x4a, 0];
    const frame = [0x2a, small.length, ...small];
    const dims = new Uint8Array([0x08, 0x07, 0x3a, frame.length, ...frame]);
    assert.match(refusal(dims), /declares 125000000 elements, more than the limit/);
  });
});
