import * as assert from 'assert';
import { parseNetworkText } from '../../src/core/format/parse';
import { loadNetwork, resolveCsvPath } from '../../src/core/load';
import { SpecProblem } from '../../src/core/format/spec';

const VALID = {
  name: 'ok',
  seed: 3,
  input: 2,
  layers: [
    { name: 'h', units: 3, activation: 'tanh' },
    { name: 'out', units: 1, activation: 'sigmoid' },
  ],
  loss: 'binary_cross_entropy',
  data: {
    inputs: [
      [0, 0],
      [1, 1],
    ],
    targets: [[0], [1]],
  },
};

/** The text of VALID with `patch` merged in, pretty-printed so lines are predictable. */
function text(patch: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...VALID, ...patch }, null, 2);
}

/** The single error of a text, asserting there is exactly one. */
function onlyError(source: string): SpecProblem {
  const errors = parseNetworkText(source).problems.filter((p) => p.severity === 'error');
  assert.strictEqual(errors.length, 1, `expected one error, got ${JSON.stringify(errors.map((e) => e.message))}`);
  return errors[0];
}

/** The text a problem points at. */
function at(source: string, p: SpecProblem): string {
  return source.slice(p.offset, p.offset + p.length);
}

suite('network file parsing', () => {
  test('a valid file gives the spec with every default filled in', () => {
    const { spec, problems } = parseNetworkText(text());
    assert.deepStrictEqual(problems, []);
    assert.ok(spec);
    assert.deepStrictEqual(spec.layers[0].init, { type: 'xavier' });
    assert.deepStrictEqual(spec.training, {
      optimizer: 'sgd',
      learningRate: 0.1,
      momentum: 0.9,
      steps: 100,
      shuffle: false,
    });
    assert.deepStrictEqual(spec.layers[1].activation, { type: 'sigmoid' });
  });

  test('defaults: he init for relu, alpha 0.01 for leaky_relu, layer names from their position', () => {
    const { spec } = parseNetworkText(
      text({
        layers: [
          { units: 3, activation: 'leaky_relu' },
          { units: 1, activation: 'sigmoid' },
        ],
      }),
    );
    assert.ok(spec);
    assert.deepStrictEqual(spec.layers[0].activation, { type: 'leaky_relu', alpha: 0.01 });
    assert.deepStrictEqual(spec.layers[0].init, { type: 'he' });
    assert.strictEqual(spec.layers[1].name, 'layer2');
  });

  test('an unknown activation is positioned on its value with a suggestion', () => {
    const src = text({
      layers: [
        { name: 'h', units: 3, activation: 'rleu' },
        { name: 'out', units: 1, activation: 'sigmoid' },
      ],
    });
    const e = onlyError(src);
    assert.deepStrictEqual(e.path, ['layers', 0, 'activation']);
    assert.strictEqual(at(src, e), '"rleu"');
    assert.match(e.message, /did you mean 'relu'/);
    const line = src.split('\n').findIndex((l) => l.includes('"rleu"'));
    assert.strictEqual(e.start.line, line);
    assert.strictEqual(e.start.character, src.split('\n')[line].indexOf('"rleu"'));
  });

  test('weights of the wrong shape name both shapes (units × inputs)', () => {
    const src = text({
      layers: [
        {
          name: 'h',
          units: 3,
          activation: 'tanh',
          weights: [
            [1, 2],
            [3, 4],
          ],
        },
        { name: 'out', units: 1, activation: 'sigmoid' },
      ],
    });
    const e = onlyError(src);
    assert.deepStrictEqual(e.path, ['layers', 0, 'weights']);
    assert.match(e.message, /3 × 2 \(units × inputs.*got 2 × 2/);
  });

  test('a bias of the wrong length and a non-number weight are both reported', () => {
    const src = text({
      layers: [
        {
          name: 'h',
          units: 2,
          activation: 'tanh',
          weights: [
            [1, 'x'],
            [3, 4],
          ],
          bias: [1],
        },
        { name: 'out', units: 1, activation: 'sigmoid' },
      ],
    });
    const errors = parseNetworkText(src).problems;
    assert.deepStrictEqual(
      errors.map((e) => e.path),
      [
        ['layers', 0, 'weights', 0, 1],
        ['layers', 0, 'bias'],
      ],
    );
    assert.strictEqual(at(src, errors[0]), '"x"');
  });

  test('softmax before the last layer is refused', () => {
    const e = onlyError(
      text({
        layers: [
          { name: 'h', units: 3, activation: 'softmax' },
          { name: 'out', units: 1, activation: 'sigmoid' },
        ],
      }),
    );
    assert.deepStrictEqual(e.path, ['layers', 0, 'activation']);
    assert.match(e.message, /only allowed on the last layer/);
  });

  test('the loss must fit the output: cross_entropy needs softmax, binary_cross_entropy sigmoid', () => {
    const e = onlyError(text({ loss: 'cross_entropy' }));
    assert.deepStrictEqual(e.path, ['loss']);
    assert.match(e.message, /needs a softmax output layer, but the last layer 'out' uses sigmoid/);
  });

  test('NaN is a JSON syntax error at its position; 1e400 overflows and is refused', () => {
    const withNaN = text().replace('"seed": 3', '"seed": NaN');
    const p = parseNetworkText(withNaN).problems[0];
    assert.match(p.message, /JSON syntax error: unexpected symbol/);
    assert.strictEqual(p.offset, withNaN.indexOf('NaN'));
    const huge = text().replace('"seed": 3', '"seed": 1e400');
    const e = onlyError(huge);
    assert.deepStrictEqual(e.path, ['seed']);
    assert.match(e.message, /finite/);
  });

  test('comments and trailing commas are syntax errors (strict JSON)', () => {
    assert.match(parseNetworkText('{ /* c */ "input": 2 }').problems[0].message, /comments are not allowed/);
    assert.match(parseNetworkText('{ "input": 2, }').problems[0].message, /syntax error/);
  });

  test('missing required keys are reported on the enclosing object', () => {
    const src =
      '{ "layers": [ { "units": 1, "activation": "linear" } ], "data": { "inputs": [[1]], "targets": [[1]] } }';
    const errors = parseNetworkText(src).problems.filter((p) => p.severity === 'error');
    assert.deepStrictEqual(
      errors.map((e) => e.path),
      [['input'], ['loss']],
    );
    assert.ok(errors.every((e) => e.offset === 0 && e.length === 1));
  });

  test('unknown keys are warnings with a suggestion, and do not block the spec', () => {
    const { spec, problems } = parseNetworkText(text({ trainng: {} }));
    assert.ok(spec);
    assert.strictEqual(problems[0].severity, 'warning');
    assert.match(problems[0].message, /did you mean 'training'/);
  });

  test('sizes beyond the documented caps are refused with the cap named', () => {
    assert.match(
      onlyError(
        text({
          layers: [
            { units: 5000, activation: 'relu' },
            { units: 1, activation: 'sigmoid' },
          ],
        }),
      ).message,
      /≤ 4096/,
    );
    const big = onlyError(
      text({
        layers: [
          { units: 4000, activation: 'relu' },
          { units: 4000, activation: 'relu' },
          { units: 1, activation: 'sigmoid' },
        ],
        data: { generate: 'xor' },
      }),
    );
    assert.match(big.message, /parameters, more than the limit of 5,000,000/);
    assert.match(onlyError(text({ data: { generate: 'xor', samples: 1e6 } })).message, /≤ 100000/);
  });

  test('data sources: rows must match input and output sizes; generators need 2 inputs', () => {
    assert.match(
      onlyError(text({ data: { inputs: [[0, 0, 0]], targets: [[1]] } })).message,
      /one row of 2 input values per sample, got 1 × 3/,
    );
    assert.match(onlyError(text({ data: { inputs: [[0, 0]], targets: [[1], [0]] } })).message, /1 row .* got 2 × 1/);
    assert.match(
      onlyError(text({ input: 3, data: { generate: 'spiral' } })).message,
      /2 input features, but "input" is 3/,
    );
    assert.match(onlyError(text({ data: { generate: 'spirals' } })).message, /did you mean 'spiral'/);
    assert.match(onlyError(text({ data: { inputs: [[0, 0]], targets: [[2]] } })).message, /between 0 and 1/);
  });

  test('training settings are validated: optimizer, batch size within the samples, one clip kind', () => {
    assert.match(onlyError(text({ training: { optimizer: 'adamw' } })).message, /did you mean 'adam'/);
    assert.match(onlyError(text({ training: { batchSize: 3 } })).message, /≤ 2/);
    assert.deepStrictEqual(parseNetworkText(text({ training: { clip: { norm: 1 } } })).spec?.training.clip, {
      norm: 1,
    });
    assert.match(onlyError(text({ training: { clip: {} } })).message, /exactly one of/);
  });

  test('an absolute or escaping CSV path is refused in the file; a missing CSV is positioned at data.csv', () => {
    assert.match(onlyError(text({ data: { csv: '/etc/passwd', targets: ['y'] } })).message, /relative to this file/);
    const src = text({ data: { csv: 'data/missing.csv', targets: ['y'] } });
    const { loaded, problems } = loadNetwork(src, { readCsv: () => undefined });
    assert.strictEqual(loaded, undefined);
    assert.deepStrictEqual(problems[0].path, ['data', 'csv']);
    assert.strictEqual(at(src, problems[0]), '"data/missing.csv"');
  });

  test('CSV errors carry the CSV line number', () => {
    const src = text({ data: { csv: 'd.csv', targets: ['y'] } });
    const { problems } = loadNetwork(src, { readCsv: () => 'a,b,y\n1,2,0\n3,oops,1\n' });
    assert.match(problems[0].message, /d\.csv:3: input column 2 is empty or not a finite number/);
  });

  test('resolveCsvPath keeps paths inside the workspace root', () => {
    assert.strictEqual(resolveCsvPath('/ws/nets', '/ws', 'data/a.csv'), '/ws/nets/data/a.csv');
    assert.strictEqual(resolveCsvPath('/ws/nets', '/ws', '../shared/a.csv'), '/ws/shared/a.csv');
    assert.strictEqual(resolveCsvPath('/ws/nets', '/ws', '../../etc/passwd'), undefined);
    assert.strictEqual(resolveCsvPath('/ws/nets', '/ws', '/etc/passwd'), undefined);
    assert.strictEqual(resolveCsvPath('C:\\ws\\nets', 'C:\\ws', '..\\..\\x.csv'), undefined);
    assert.strictEqual(resolveCsvPath('C:\\ws\\nets', 'C:\\ws', 'a.csv'), 'C:/ws/nets/a.csv');
    assert.strictEqual(resolveCsvPath('/ws2', '/ws', 'a.csv'), undefined);
  });

  test('never throws: every truncation of a valid file yields problems, not exceptions', () => {
    const src = text({ training: { optimizer: 'adam', clip: { value: 1 } } });
    for (let i = 0; i < src.length; i += 3) {
      const r = parseNetworkText(src.slice(0, i));
      assert.ok(r.problems.length > 0 || r.spec, `prefix ${i}`);
    }
    for (const junk of [
      '',
      'null',
      '42',
      '"x"',
      '[]',
      '{"layers": {}}',
      '{"input": "2"}',
      '{"layers": [null]}',
      '{"data": []}',
    ]) {
      assert.ok(parseNetworkText(junk).problems.length > 0, junk);
    }
  });

  test('positions count lines across CRLF line endings', () => {
    const src = text({
      layers: [
        { name: 'h', units: 3, activation: 'rleu' },
        { name: 'out', units: 1, activation: 'sigmoid' },
      ],
    }).replace(/\n/g, '\r\n');
    const e = onlyError(src);
    const lines = src.split('\r\n');
    const line = lines.findIndex((l) => l.includes('"rleu"'));
    assert.deepStrictEqual(e.start, { line, character: lines[line].indexOf('"rleu"') });
  });
});
