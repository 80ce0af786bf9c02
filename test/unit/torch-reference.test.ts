import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadNetwork } from '../../src/core/load';
import { Trainer } from '../../src/core/train';

const DIR = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'reference');
const CASES = fs.readdirSync(path.join(DIR, 'cases')).filter((f) => f.endsWith('.net.json')).sort();

interface Expected {
  loss: number;
  output: number[][];
  gradients: { weights: number[][]; bias: number[] }[];
  training: { steps: number; losses: number[]; parameters: { weights: number[][]; bias: number[] }[] };
}

/** Relative error 1e-10, measured against at least 1e-12 (so exact zeros compare absolutely). */
function near(actual: number, expected: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), Math.abs(actual), 1e-2);
  assert.ok(err <= 1e-10 || Math.abs(actual - expected) <= 1e-12, `${what}: ours ${actual}, torch ${expected} (relative error ${err.toExponential(2)})`);
}

function nearAll(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.strictEqual(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) near(actual[i], expected[i], `${what}[${i}]`);
}

suite('agreement with PyTorch (float64 references from scripts/torch-reference.py)', () => {
  test('there are reference cases', () => assert.ok(CASES.length >= 20));

  for (const file of CASES) {
    const name = file.replace('.net.json', '');
    const expected: Expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected', `${name}.json`), 'utf8'));
    const text = fs.readFileSync(path.join(DIR, 'cases', file), 'utf8');

    test(`${name}: loss, outputs, ∂E/∂W and ∂E/∂b`, () => {
      const { loaded, problems } = loadNetwork(text);
      assert.ok(loaded, JSON.stringify(problems));
      const { network, dataset } = loaded;
      const loss = network.lossAndGradients(dataset.inputs, dataset.targets, dataset.samples);
      near(loss, expected.loss, 'loss');
      nearAll(network.output.out.subarray(0, dataset.samples * network.output.units), expected.output.flat(), 'output');
      network.layers.forEach((l, i) => {
        nearAll(l.gradWeights, expected.gradients[i].weights.flat(), `${l.name} ∂E/∂W`);
        nearAll(l.gradBias, expected.gradients[i].bias, `${l.name} ∂E/∂b`);
      });
    });

    test(`${name}: ${expected.training.steps} training steps (losses and final parameters)`, () => {
      const { loaded } = loadNetwork(text);
      assert.ok(loaded);
      const trainer = new Trainer(loaded.spec, loaded.network, loaded.dataset);
      const losses = Array.from({ length: expected.training.steps }, () => trainer.step().loss);
      nearAll(losses, expected.training.losses, 'losses');
      loaded.network.layers.forEach((l, i) => {
        nearAll(l.weights, expected.training.parameters[i].weights.flat(), `${l.name} W after training`);
        nearAll(l.bias, expected.training.parameters[i].bias, `${l.name} b after training`);
      });
    });
  }
});
