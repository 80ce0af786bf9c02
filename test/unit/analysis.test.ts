import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../src/core/analysis';
import { LoadedNetwork, loadNetwork } from '../../src/core/load';
import { WarningKind } from '../../src/core/diagnosis/report';

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');

function loadExample(name: string): LoadedNetwork {
  const { loaded, problems } = loadNetwork(fs.readFileSync(path.join(EXAMPLES, name), 'utf8'), {
    readCsv: (rel) => fs.readFileSync(path.join(EXAMPLES, rel), 'utf8'),
  });
  assert.ok(loaded, JSON.stringify(problems));
  return loaded;
}

function load(json: object): LoadedNetwork {
  const { loaded, problems } = loadNetwork(JSON.stringify(json));
  assert.ok(loaded, JSON.stringify(problems));
  return loaded;
}

/** A regression network of `depth` identical hidden layers. */
function stack(activation: string, depth: number, units: number, init: unknown, extra: object = {}) {
  return {
    name: 'stack',
    seed: 1,
    input: 2,
    layers: [
      ...Array.from({ length: depth }, (_, i) => ({ name: `h${i + 1}`, units, activation, init })),
      { name: 'out', units: 1, activation: 'linear', init },
    ],
    loss: 'mse',
    data: { generate: 'gauss', samples: 64, noise: 0.1 },
    ...extra,
  };
}

suite('analysis and warnings', () => {
  const expected: Record<string, WarningKind[]> = {
    'xor-healthy.net.json': [],
    'spiral-softmax.net.json': [],
    'csv-regression.net.json': [],
    'deep-sigmoid-vanishing.net.json': ['vanishing_gradient'],
    'exploding-init.net.json': ['bad_init', 'exploding_gradient'],
    'dead-relu.net.json': ['dead_relu'],
    // the cause (inputs in the hundreds) first, then the symptom it produces
    'saturated-tanh.net.json': ['data_scale', 'saturated_activation'],
  };
  for (const [file, kinds] of Object.entries(expected)) {
    test(`example ${file} raises exactly ${kinds.length ? kinds.join(', ') : 'no warnings'}`, () => {
      assert.deepStrictEqual(
        analyze(loadExample(file)).warnings.map((w) => w.kind),
        kinds,
      );
    });
  }

  test('vanishing is named where it starts: the affected layer closest to the output', () => {
    const report = analyze(loadExample('deep-sigmoid-vanishing.net.json'));
    const w = report.warnings[0];
    const out = report.layers[report.layers.length - 1].gradients.weightNorm;
    const affected = report.layers.filter((l) => l.gradients.weightNorm / out < 1e-3).map((l) => l.index);
    assert.strictEqual(w.layerIndex, Math.max(...affected));
    assert.strictEqual(w.layer, report.layers[w.layerIndex].name);
    assert.match(w.cause, /0\.24\d × /); // the product of the mean σ'(z) it crossed
    const hidden = report.layers.slice(0, -1).map((l) => l.index);
    assert.deepStrictEqual(w.fixes[0].actions[0], {
      kind: 'set_activation',
      layers: hidden,
      activation: 'relu',
      init: 'he',
    });
  });

  test('uniformly enormous gradients (first/last ratio ≈ 1, which AutoTrainer misses) are still exploding', () => {
    const report = analyze(load(stack('linear', 3, 8, { type: 'normal', std: 40 })));
    const norms = report.layers.map((l) => l.gradients.weightNorm);
    const ratio = norms[0] / norms[norms.length - 1];
    assert.ok(ratio < 70, `ratio ${ratio} must be below AutoTrainer's 70 for this case to mean anything`);
    assert.ok(Math.min(...norms) > 1e4, `norms ${norms}`);
    assert.ok(
      report.warnings.some((w) => w.kind === 'exploding_gradient'),
      JSON.stringify(report.warnings.map((w) => w.kind)),
    );
  });

  test('dead ReLU units are exactly the units with z ≤ 0 for every sample', () => {
    const net = stack('relu', 1, 6, 'he', {});
    net.layers[0] = { ...net.layers[0], bias: [0, -50, 0, -50, -50, 0] } as never;
    const report = analyze(load(net));
    assert.deepStrictEqual(report.layers[0].deadUnits, [1, 3, 4]);
    const w = report.warnings.find((x) => x.kind === 'dead_relu');
    assert.ok(w);
    assert.deepStrictEqual(w.units, [1, 3, 4]);
    assert.strictEqual(w.fixes[0].actions[0].kind, 'set_activation');
  });

  test('a few dead units (below 25% of the layer) are listed but not warned about', () => {
    const net = stack('relu', 1, 8, 'he', {});
    net.layers[0] = { ...net.layers[0], bias: [0, 0, 0, 0, 0, 0, 0, -50] } as never;
    const report = analyze(load(net));
    assert.deepStrictEqual(report.layers[0].deadUnits, [7]);
    assert.deepStrictEqual(
      report.warnings.map((w) => w.kind),
      [],
    );
  });

  test('overflow to infinity is non_finite, named at the first layer whose activations overflow', () => {
    const net = stack('relu', 3, 4, 'he', {});
    const huge = Array.from({ length: 4 }, () => [1e200, 1e200, 1e200, 1e200]);
    net.layers[1] = { name: 'h2', units: 4, activation: 'relu', weights: huge } as never;
    net.layers[2] = { name: 'h3', units: 4, activation: 'relu', weights: huge } as never;
    const report = analyze(load(net));
    assert.deepStrictEqual(
      report.warnings.map((w) => w.kind),
      ['bad_init', 'non_finite'],
    );
    // the cause first: one bad_init warning covers the run of layers with identical rows
    assert.deepStrictEqual(report.warnings[0].layers, [1, 2]);
    assert.strictEqual(report.warnings[1].layer, 'h3');
  });

  test("saturation is measured per unit from f'(z), and the layer figures agree with it", () => {
    const report = analyze(loadExample('saturated-tanh.net.json'));
    const hidden = report.layers[0];
    assert.ok(hidden.saturatedUnits.length >= 4);
    assert.ok(hidden.derivatives.meanAbs < 0.05);
    const sat = report.warnings.find((w) => w.kind === 'saturated_activation');
    assert.match(sat?.cause ?? '', /far from unit scale/);
    assert.strictEqual(sat?.causeId, report.warnings.find((w) => w.kind === 'data_scale')?.id);
  });

  test('the report carries exact gradient norms: ‖∂E/∂W‖ recomputed from the network', () => {
    const loaded = loadExample('xor-healthy.net.json');
    const report = analyze(loaded);
    loaded.network.layers.forEach((l, i) => {
      const norm = Math.sqrt(l.gradWeights.reduce((s, g) => s + g * g, 0));
      assert.strictEqual(report.layers[i].gradients.weightNorm, norm);
      const expected = (0.5 * norm) / report.layers[i].weightNorm; // SGD's first step: lr·‖∇W‖
      assert.ok(Math.abs(report.layers[i].gradients.updateRatio - expected) <= 1e-14 * expected);
    });
    assert.strictEqual(report.layers[0].heat?.values.length, 4 * 4);
  });

  test('zero-initialised hidden layers are told the initialiser their activation recommends, and the fix applies that one (elu: He)', () => {
    for (const [activation, init, name] of [
      ['elu', 'he', 'He'],
      ['leaky_relu', 'he', 'He'],
      ['tanh', 'xavier', 'Xavier'],
      ['gelu', 'xavier', 'Xavier'],
    ]) {
      const report = analyze(load(stack(activation, 1, 4, 'zeros')));
      const bad = report.warnings.find((w) => w.kind === 'bad_init');
      assert.ok(bad, `${activation}: no bad_init warning`);
      assert.strictEqual(bad.fix, `Use ${name} initialisation.`, activation);
      // the output is all-zero too: it is re-initialised with the hidden layer (a linear output: Xavier)
      const both =
        init === 'xavier'
          ? [{ kind: 'set_init', layers: [0, 1], init }]
          : [
              { kind: 'set_init', layers: [0], init },
              { kind: 'set_init', layers: [1], init: 'xavier' },
            ];
      assert.deepStrictEqual(bad.fixes[0].actions, both, activation);
    }
  });
});
