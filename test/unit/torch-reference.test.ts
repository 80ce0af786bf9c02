/**
 * Agreement with PyTorch: every case in test/fixtures/reference/cases is loaded by our core and its loss,
 * outputs, ∂E/∂W, ∂E/∂b and a short training run are compared with what scripts/torch-reference.py
 * computed with torch in float64 (expected/<case>.json). Relative error ≤ 1e-10, or absolute ≤ 1e-12 near zero.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadNetwork } from '../../src/core/load';
import { Kernels, MatmulKernel } from '../../src/core/kernels/workspace';
import { train } from '../../src/core/trainingRun';

const DIR = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'reference');
const CASES = fs
  .readdirSync(path.join(DIR, 'cases'))
  .filter((f) => f.endsWith('.net.json'))
  .sort();
const RELATIVE = 1e-10;
const ABSOLUTE = 1e-12;

interface Parameters {
  weights: number[][];
  bias: number[];
}
interface Expected {
  loss: number;
  output: number[][];
  gradients: Parameters[];
  training: { steps: number; losses: number[]; parameters: Parameters[] };
}

/** Passes when |ours − torch| ≤ 1e-10·|torch| or ≤ 1e-12; the message names case, quantity, layer and index. */
function near(actual: number, expected: number, where: string): void {
  const diff = Math.abs(actual - expected);
  const ok = diff <= RELATIVE * Math.abs(expected) || diff <= ABSOLUTE;
  if (!ok) {
    const rel = expected === 0 ? Infinity : diff / Math.abs(expected);
    assert.fail(
      `${where}: ours ${actual}, torch ${expected} (|Δ| ${diff.toExponential(3)}, relative ${rel.toExponential(3)})`,
    );
  }
}

/** Compares a row-major matrix (Float64Array) with torch's nested rows, index by index. */
function nearMatrix(actual: ArrayLike<number>, expected: readonly (readonly number[])[], where: string): void {
  const cols = expected.length ? expected[0].length : 0;
  assert.strictEqual(
    actual.length,
    expected.length * cols,
    `${where}: ${actual.length} values, torch has ${expected.length}×${cols}`,
  );
  expected.forEach((row, r) => row.forEach((v, c) => near(actual[r * cols + c], v, `${where}[${r}][${c}]`)));
}

function nearVector(actual: ArrayLike<number>, expected: readonly number[], where: string): void {
  assert.strictEqual(actual.length, expected.length, `${where}: ${actual.length} values, torch has ${expected.length}`);
  expected.forEach((v, i) => near(actual[i], v, `${where}[${i}]`));
}

function load(name: string, text: string, kernel: MatmulKernel) {
  const { loaded, problems } = loadNetwork(text, { kernels: new Kernels(kernel) });
  assert.ok(loaded, `${name}: the core rejects the case: ${problems.map((p) => p.message).join('; ')}`);
  return loaded;
}

suite('agreement with PyTorch (float64 references from scripts/torch-reference.py)', () => {
  test('the reference cases are all there, each with its expected values', () => {
    assert.ok(CASES.length >= 38, `only ${CASES.length} cases`);
    for (const file of CASES)
      assert.ok(
        fs.existsSync(path.join(DIR, 'expected', file.replace('.net.json', '.json'))),
        `${file}: no expected values`,
      );
  });

  test('a value off by more than the tolerance fails, with case, layer and index in the message', () => {
    assert.throws(
      () =>
        nearMatrix(
          [1, 2, 3, 4 * (1 + 3e-10)],
          [
            [1, 2],
            [3, 4],
          ],
          'case-x h1 ∂E/∂W',
        ),
      /case-x h1 ∂E\/∂W\[1\]\[1\]: ours .*torch 4/,
    );
    assert.throws(() => near(2e-12, 0, 'zero'), /relative Infinity/);
    near(1 + 5e-11, 1, 'within relative');
    near(1e-13, 0, 'within absolute');
  });

  for (const kernel of ['auto', 'typescript'] as const)
    suite(`with the ${kernel === 'auto' ? 'WebAssembly SIMD' : 'TypeScript'} matrix kernel`, () => {
      for (const file of CASES) {
        const name = file.replace('.net.json', '');
        const text = fs.readFileSync(path.join(DIR, 'cases', file), 'utf8');
        const expected: Expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected', `${name}.json`), 'utf8'));

        test(`${name}: loss, outputs, ∂E/∂W and ∂E/∂b`, () => {
          const { network, dataset } = load(name, text, kernel);
          assert.strictEqual(network.workspace.simd, kernel === 'auto', `${name}: the ${kernel} kernels`);
          assert.strictEqual(network.layers.length, expected.gradients.length, `${name}: layer count`);
          const loss = network.lossAndGradients(dataset.inputs, dataset.targets, dataset.samples);
          near(loss, expected.loss, `${name} loss`);
          const out = network.layers[network.layers.length - 1];
          nearMatrix(out.out.subarray(0, dataset.samples * out.units), expected.output, `${name} output`);
          network.layers.forEach((layer, i) => {
            nearMatrix(layer.gradWeights, expected.gradients[i].weights, `${name} layer ${i} (${layer.name}) ∂E/∂W`);
            nearVector(layer.gradBias, expected.gradients[i].bias, `${name} layer ${i} (${layer.name}) ∂E/∂b`);
          });
        });

        test(`${name}: ${expected.training.steps} training steps (loss before each update, final parameters)`, () => {
          const { spec, network, dataset } = load(name, text, kernel);
          assert.strictEqual(spec.training.steps, expected.training.steps, `${name}: steps in the file`);
          const records = train(spec, network, dataset, expected.training.steps);
          nearVector(
            records.map((r) => r.loss),
            expected.training.losses,
            `${name} loss at step`,
          );
          network.layers.forEach((layer, i) => {
            nearMatrix(
              layer.weights,
              expected.training.parameters[i].weights,
              `${name} layer ${i} (${layer.name}) W after training`,
            );
            nearVector(
              layer.bias,
              expected.training.parameters[i].bias,
              `${name} layer ${i} (${layer.name}) b after training`,
            );
          });
        });
      }
    });
});
