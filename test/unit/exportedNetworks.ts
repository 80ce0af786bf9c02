/** The networks the model export tests run: every example file, one of every activation, one over the literal limit. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LoadedNetwork, loadNetwork } from '../../src/core/load';

/** The examples folder. */
export const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');

/** A network of every activation, with normalised inline data, momentum and clipping. */
const EVERY_ACTIVATION = JSON.stringify({
  name: 'every activation',
  seed: 3,
  input: 3,
  layers: [
    { name: 'a', units: 4, activation: { type: 'leaky_relu', alpha: 0.123456789 } },
    { name: 'b', units: 4, activation: { type: 'elu', alpha: 0.7 } },
    { name: 'c', units: 4, activation: 'gelu' },
    { name: 'd', units: 4, activation: 'silu' },
    { name: 'e', units: 4, activation: 'softplus' },
    { name: 'f', units: 4, activation: 'tanh' },
    { name: 'g', units: 4, activation: 'relu' },
    { name: 'h', units: 4, activation: 'sigmoid' },
    { name: 'i', units: 3, activation: 'linear' },
    { name: 'out', units: 3, activation: 'softmax' },
  ],
  loss: 'cross_entropy',
  data: {
    inputs: [
      [0.5, -1, 2],
      [1.5, 0.25, -3],
      [-0.75, 2, 0.1],
      [0, 0, 1],
    ],
    targets: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0.5, 0.5, 0],
    ],
    normalize: 'standard',
  },
  training: { optimizer: 'momentum', learningRate: 0.05, momentum: 0.8, steps: 7, clip: { norm: 1 } },
});

/** A network over the literal-weight limit, so its script reads a safetensors sidecar. */
const LARGE = JSON.stringify({
  name: 'large',
  seed: 5,
  input: 2,
  layers: [
    { name: 'h1', units: 80, activation: 'relu' },
    { name: 'h2', units: 80, activation: 'tanh' },
    { name: 'out', units: 1, activation: 'sigmoid' },
  ],
  loss: 'binary_cross_entropy',
  data: { generate: 'circle', samples: 50, noise: 0.1, normalize: 'minmax' },
});

/** The networks exported in these tests: every example file and the every-activation one. */
export function networks(): { name: string; text: string; loaded: LoadedNetwork }[] {
  const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.net.json'));
  const texts = [
    ...files.map((f) => ({ name: f, text: fs.readFileSync(path.join(EXAMPLES, f), 'utf8') })),
    { name: 'every-activation', text: EVERY_ACTIVATION },
    { name: 'large', text: LARGE },
    {
      name: 'minmax half_sse',
      text: EVERY_ACTIVATION.replace('"standard"', '"minmax"')
        .replace(/"loss":"cross_entropy"/, '"loss":"half_sse"')
        .replace('"softmax"}]', '"linear"}]'),
    },
  ];
  return texts.map(({ name, text }) => {
    const { loaded, problems } = loadNetwork(text, {
      readCsv: (rel) => fs.readFileSync(path.join(EXAMPLES, rel), 'utf8'),
    });
    assert.ok(loaded, `${name}: ${problems.map((p) => p.message).join('; ')}`);
    return { name, text, loaded };
  });
}
