import * as assert from 'assert';
import { analyze } from '../../src/core/analysis';
import { loadNetwork } from '../../src/core/load';
import { NORMALIZE_NAMES } from '../../src/core/format/spec';

/** A network file: 3 inputs, one softmax layer of `classes` units, cross-entropy, the data given. */
function net(data: object, classes = 3): string {
  const weights = Array.from({ length: classes }, (_, j) => [0.1 * (j + 1), 0, 0]);
  return JSON.stringify({
    input: 3,
    layers: [{ units: classes, activation: 'softmax', weights }],
    loss: 'cross_entropy',
    data,
  });
}

const INPUTS = [
  [1, 10, 0],
  [3, 10, 4],
  [5, 10, 8],
];
const ONE_HOT = [
  [0, 0, 1],
  [1, 0, 0],
  [0, 1, 0],
];

/** Close to within 1e-12, element by element. */
function near(actual: ArrayLike<number>, expected: readonly number[]): void {
  assert.strictEqual(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) < 1e-12, `[${i}] ${actual[i]} vs ${expected[i]}`);
}

suite('format v1.1: data.normalize (issue 11, item 4)', () => {
  test('standard: (x − mean)/std with the population std, as torch (x − x.mean(0))/x.std(0, unbiased=False)', () => {
    const { loaded, problems } = loadNetwork(net({ inputs: INPUTS, targets: ONE_HOT, normalize: 'standard' }));
    assert.deepStrictEqual(problems, []);
    // by hand: means 3, 10, 4; population stds √(8/3), 0 (kept as 1: centred only), √(32/3)
    const k = 2 / Math.sqrt(8 / 3); // = 4/√(32/3) = 1.2247448713915890
    near(loaded!.dataset.inputs, [-k, 0, -k, 0, 0, 0, k, 0, k]);
    assert.deepStrictEqual(loaded!.normalization, {
      kind: 'standard',
      shift: [3, 10, 4],
      scale: [Math.sqrt(8 / 3), 1, Math.sqrt(32 / 3)],
    });
  });

  test('minmax: (x − min)/(max − min) into [0, 1]; a constant feature moves to 0', () => {
    const { loaded } = loadNetwork(net({ inputs: INPUTS, targets: ONE_HOT, normalize: 'minmax' }));
    near(loaded!.dataset.inputs, [0, 0, 0, 0.5, 0, 0.5, 1, 0, 1]);
    assert.deepStrictEqual(loaded!.normalization, { kind: 'minmax', shift: [1, 10, 0], scale: [4, 1, 8] });
  });

  test('the statistics cover all the training data even when live analysis keeps the first samples', () => {
    const { loaded } = loadNetwork(net({ inputs: INPUTS, targets: ONE_HOT, normalize: 'standard' }), {
      maxSamples: 1,
    });
    assert.strictEqual(loaded!.dataset.samples, 1);
    assert.deepStrictEqual(loaded!.normalization!.shift, [3, 10, 4]);
  });

  test('CSV and generated data are normalised too; without the key nothing changes', () => {
    const csv = 'a,b,c,y\n1,10,0,2\n3,10,4,0\n5,10,8,1\n';
    const { loaded } = loadNetwork(net({ csv: 'd.csv', targets: ['y'], normalize: 'minmax' }), { readCsv: () => csv });
    near(loaded!.dataset.inputs, [0, 0, 0, 0.5, 0, 0.5, 1, 0, 1]);
    const plain = loadNetwork(net({ inputs: INPUTS, targets: ONE_HOT })).loaded!;
    near(plain.dataset.inputs, INPUTS.flat());
    assert.strictEqual(plain.normalization, undefined);
  });

  test('an unknown kind is a positioned error with a suggestion', () => {
    const text = net({ inputs: INPUTS, targets: ONE_HOT, normalize: 'standart' });
    const [p] = loadNetwork(text).problems;
    assert.deepStrictEqual(p.path, ['data', 'normalize']);
    assert.match(p.message, /unknown normalization 'standart' — did you mean 'standard'\?/);
    assert.strictEqual(text.slice(p.offset, p.offset + p.length), '"standart"');
  });
});

suite('format v1.1: class-index targets for softmax outputs (issue 11, item 4)', () => {
  test('one integer column becomes one-hot rows, with the same loss as the one-hot file', () => {
    const byIndex = loadNetwork(net({ inputs: INPUTS, targets: [[2], [0], [1]] }));
    const byOneHot = loadNetwork(net({ inputs: INPUTS, targets: ONE_HOT }));
    assert.deepStrictEqual(byIndex.problems, []);
    assert.deepStrictEqual(Array.from(byIndex.loaded!.dataset.targets), ONE_HOT.flat());
    assert.strictEqual(byIndex.loaded!.dataset.targetSize, 3);
    assert.strictEqual(byIndex.loaded!.spec.data.classIndexTargets, true);
    // torch F.cross_entropy(z, idx) = mean over samples of log Σ_j exp z_j − z_idx, with z_j = 0.1·(j+1)·x₀
    const classes = [2, 0, 1];
    const expected =
      INPUTS.reduce((sum, [x0], s) => {
        const z = [1, 2, 3].map((j) => 0.1 * j * x0);
        return sum + Math.log(z.reduce((e, v) => e + Math.exp(v), 0)) - z[classes[s]];
      }, 0) / INPUTS.length;
    const lossIndex = analyze(byIndex.loaded!).loss;
    assert.ok(Math.abs(lossIndex - expected) < 1e-12, `${lossIndex} vs ${expected}`);
    assert.strictEqual(lossIndex, analyze(byOneHot.loaded!).loss);
  });

  test('out-of-range and fractional indices are errors at the offending number', () => {
    const text = net({ inputs: INPUTS, targets: [[2], [3], [0.5]] });
    const { loaded, problems } = loadNetwork(text);
    assert.strictEqual(loaded, undefined);
    assert.deepStrictEqual(
      problems.map((p) => p.path),
      [
        ['data', 'targets', 1, 0],
        ['data', 'targets', 2, 0],
      ],
    );
    assert.match(problems[0].message, /class index 3 is out of range: the softmax output has 3 classes, 0 to 2/);
    assert.match(problems[1].message, /class index 0\.5 is not a whole number/);
    assert.strictEqual(text.slice(problems[0].offset, problems[0].offset + problems[0].length), '3');
  });

  test('one CSV target column of class indices; a bad index names its CSV line, not its value', () => {
    const csv = 'a,b,c,label\n1,10,0,2\n3,10,4,0\n5,10,8,1\n';
    const ok = loadNetwork(net({ csv: 'd.csv', targets: ['label'] }), { readCsv: () => csv });
    assert.deepStrictEqual(Array.from(ok.loaded!.dataset.targets), ONE_HOT.flat());
    const bad = loadNetwork(net({ csv: 'd.csv', targets: ['label'] }), { readCsv: () => `${csv}7,7,7,9\n` });
    assert.match(bad.problems[0].message, /d\.csv:5: target column 'label' holds a value that is not a class index/);
  });

  test('a one-column target for a sigmoid output is still a plain target', () => {
    const text = JSON.stringify({
      input: 1,
      layers: [{ units: 1, activation: 'sigmoid' }],
      loss: 'mse',
      data: { inputs: [[1], [2]], targets: [[0.25], [3]] },
    });
    assert.deepStrictEqual(Array.from(loadNetwork(text).loaded!.dataset.targets), [0.25, 3]);
  });
});

suite('format v1.1: the schema lists what the parser accepts', () => {
  test('data.normalize: the schema enum is NORMALIZE_NAMES, and every data form allows the key', () => {
    const schema = JSON.parse(
      require('fs').readFileSync(require('path').resolve(__dirname, '../../../media/network.schema.json'), 'utf8'),
    );
    assert.deepStrictEqual(schema.definitions.normalize.enum, [...NORMALIZE_NAMES]);
    for (const form of schema.properties.data.oneOf) assert.ok(form.properties.normalize, form.title);
  });
});
