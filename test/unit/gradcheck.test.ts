import * as assert from 'assert';
import { explainWeight } from '../../src/core/explain';
import { gradientCheck } from '../../src/core/gradcheck';
import { LoadedNetwork, loadNetwork } from '../../src/core/load';
import { LOSS_NAMES } from '../../src/core/format/spec';
import { ACTIVATION_NAMES } from '../../src/core/format/activationFacts';

/** A seeded random 2-5-4-K network with `hidden` activations and the loss's natural output. */
function network(hidden: string, loss: string): LoadedNetwork {
  const out = loss === 'cross_entropy' ? 'softmax' : loss === 'binary_cross_entropy' ? 'sigmoid' : 'tanh';
  const units = loss === 'cross_entropy' ? 3 : 1;
  const { loaded, problems } = loadNetwork(
    JSON.stringify({
      name: `${hidden}/${loss}`,
      seed: 17,
      input: 2,
      loss,
      layers: [
        {
          name: 'h1',
          units: 5,
          activation: hidden,
          init: { type: 'normal', std: 0.9 },
          bias: [0.1, -0.2, 0.3, 0.05, -0.15],
        },
        {
          name: 'h2',
          units: 4,
          activation: hidden,
          init: { type: 'normal', std: 0.9 },
          bias: [0.2, -0.1, 0.15, -0.25],
        },
        { name: 'out', units, activation: out, init: 'xavier' },
      ],
      data: { generate: 'gauss', samples: 24, noise: 0.2 },
    }),
  );
  assert.ok(loaded, JSON.stringify(problems));
  return loaded;
}

suite('gradient check', () => {
  for (const hidden of ACTIVATION_NAMES.filter((a) => a !== 'softmax')) {
    test(`${hidden}: passes for every loss on a seeded random network`, () => {
      for (const loss of LOSS_NAMES) {
        const result = gradientCheck(network(hidden, loss));
        assert.ok(
          result.passed,
          `${loss}: max relative error ${result.maxRelativeError} ${JSON.stringify(result.layers.map((l) => l.worst))}`,
        );
        assert.ok(result.layers.every((l) => l.checked > 0));
      }
    });
  }

  test('fails, naming the layer and entry, when one analytic gradient is off by 1%', () => {
    const loaded = network('tanh', 'mse');
    const net = loaded.network;
    const original = net.lossAndGradients.bind(net);
    net.lossAndGradients = (x, t, n) => {
      const loss = original(x, t, n);
      net.layers[1].gradWeights[6] *= 1.01;
      return loss;
    };
    const result = gradientCheck(loaded);
    assert.strictEqual(result.passed, false);
    assert.ok(result.layers[1].maxRelativeError > 5e-3);
    assert.deepStrictEqual(result.layers[1].worst?.param, 'weight');
    assert.strictEqual(result.layers[1].worst?.index, 6);
    assert.ok(result.layers[0].maxRelativeError < 1e-4 && result.layers[2].maxRelativeError < 1e-4);
  });

  test('large layers are sampled with a fixed seed: same entries, same result', () => {
    const a = gradientCheck(network('relu', 'mse'), { maxPerLayer: 5 });
    const b = gradientCheck(network('relu', 'mse'), { maxPerLayer: 5 });
    assert.deepStrictEqual(a, b);
    assert.ok(a.layers.every((l) => l.checked + l.skipped === 5));
  });
});

suite('explain a weight', () => {
  for (const [hidden, loss] of [
    ['tanh', 'mse'],
    ['relu', 'cross_entropy'],
    ['sigmoid', 'binary_cross_entropy'],
  ]) {
    test(`${hidden}/${loss}: the chain-rule breakdown adds up to the backprop gradient, for hidden and output weights and biases`, () => {
      const loaded = network(hidden, loss);
      for (const [layer, unit, input] of [
        [2, 0, 1],
        [1, 2, 3],
        [0, 4, 0],
        [0, 1, -1],
      ]) {
        const e = explainWeight(loaded, layer, unit, input);
        const l = loaded.network.layers[layer];
        const expected = input < 0 ? l.gradBias[unit] : l.gradWeights[unit * l.inSize + input];
        assert.ok(
          Math.abs(e.gradient - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
          `${layer}/${unit}/${input}: ${e.gradient} vs ${expected}`,
        );
        assert.strictEqual(e.updated, e.weight - e.learningRate * e.gradient);
        assert.strictEqual(e.samples, 24);
        // each shown sample's share is the product of the terms before it
        const shares = e.terms.filter((t) => t.label.startsWith('∂E/∂z') && t.label.includes('·'));
        assert.strictEqual(shares.length, 3);
      }
    });
  }

  test('refuses weights that do not exist', () => {
    const loaded = network('tanh', 'mse');
    assert.throws(() => explainWeight(loaded, 5, 0, 0), RangeError);
    assert.throws(() => explainWeight(loaded, 0, 0, 2), RangeError);
  });
});
