import * as assert from 'assert';
import { parseCsv, parseCsvRecords } from '../../src/core/format/csv';
import { generateData } from '../../src/core/nn/generators';
import { createRng } from '../../src/core/nn/rng';
import { GENERATOR_NAMES } from '../../src/core/format/spec';

suite('data sources', () => {
  test('CSV: quoted fields with commas, doubled quotes, CRLF and blank lines', () => {
    const records = parseCsvRecords('a,"b, c",d\r\n1,"say ""hi""",3\r\n\r\n4,5,6');
    assert.ok(Array.isArray(records));
    assert.deepStrictEqual(
      records.map((r) => r.fields),
      [
        ['a', 'b, c', 'd'],
        ['1', 'say "hi"', '3'],
        ['4', '5', '6'],
      ],
    );
    assert.deepStrictEqual(
      records.map((r) => r.line),
      [1, 2, 4],
    );
  });

  test('CSV: target columns by name, the others are inputs in file order', () => {
    const { dataset } = parseCsv('x1,y,x2\n1,10,2\n3,30,4\n', ['y'], 2);
    assert.ok(dataset);
    assert.deepStrictEqual(Array.from(dataset.inputs), [1, 2, 3, 4]);
    assert.deepStrictEqual(Array.from(dataset.targets), [10, 30]);
  });

  test('CSV errors: unknown column, wrong input count, ragged row, non-number — each with its line', () => {
    assert.deepStrictEqual(parseCsv('a,b\n1,2\n', ['z'], 1).error, {
      message: "no column named 'z' in the header row (it has 2 columns)",
      line: 1,
    });
    assert.match(parseCsv('a,b,c\n1,2,3\n', ['c'], 1).error!.message, /2 input columns .* but "input" is 1/);
    assert.deepStrictEqual(parseCsv('a,b\n1,2\n3\n', ['b'], 1).error, {
      message: 'expected 2 fields, found 1',
      line: 3,
    });
    // the file's values are never echoed (issue 12, item 5): a column number or the target's name instead
    assert.deepStrictEqual(parseCsv('a,b\n1,2\n3,NaN\n', ['b'], 1).error, {
      message: "target column 'b' is empty or not a finite number",
      line: 3,
    });
    assert.deepStrictEqual(parseCsvRecords('a,"b\n'), { message: 'unterminated quoted field', line: 1 });
  });

  for (const name of GENERATOR_NAMES) {
    test(`${name}: deterministic per seed, balanced classes, features within about [−1, 1]`, () => {
      const a = generateData(name, 200, 0.05, 1, createRng(9));
      const b = generateData(name, 200, 0.05, 1, createRng(9));
      const c = generateData(name, 200, 0.05, 1, createRng(10));
      assert.deepStrictEqual(a, b);
      if (name !== 'spiral') assert.notDeepStrictEqual(a.inputs, c.inputs);
      const ones = Array.from(a.targets).filter((t) => t === 1).length;
      assert.strictEqual(ones, 100);
      assert.ok(
        Array.from(a.inputs).every((v) => Math.abs(v) < 1.6),
        'features in range',
      );
    });
  }

  test('several outputs give one-hot targets over that many classes (spiral arms)', () => {
    const d = generateData('spiral', 9, 0, 3, createRng(1));
    assert.strictEqual(d.targetSize, 3);
    for (let s = 0; s < 9; s++) {
      const row = Array.from(d.targets.subarray(3 * s, 3 * s + 3));
      assert.deepStrictEqual(
        row,
        [0, 1, 2].map((k) => (k === s % 3 ? 1 : 0)),
      );
    }
  });

  test('xor labels follow the quadrant: class 1 when x and y differ in sign', () => {
    const d = generateData('xor', 100, 0, 1, createRng(2));
    for (let s = 0; s < 100; s++) assert.strictEqual(d.targets[s], d.inputs[2 * s] * d.inputs[2 * s + 1] < 0 ? 1 : 0);
  });
});
