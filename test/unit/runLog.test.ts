import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { RUN_LOG_FORMAT, RUN_LOG_VERSION } from '../../src/core/runLog/header';
import { RunLogReader, parseRunLog } from '../../src/core/runLog/reader';
import { RunStepRecord } from '../../src/core/runLog/record';
import { specFromHeader } from '../../src/core/runLog/spec';

const RUNS = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'runs');
const HEADER = {
  format: RUN_LOG_FORMAT,
  version: RUN_LOG_VERSION,
  layers: [
    { name: 'fc1', type: 'Linear', activation: 'relu', units: 2, inputs: 3 },
    { name: 'fc2', type: 'Linear', activation: 'unknown', units: 1 },
  ],
  optimizer: { type: 'SGD', hyperParameters: { lr: 0.05, momentum: 0.9 } },
  loss: 'CrossEntropyLoss',
};

/** A valid step line for the two-layer header above. */
function step(n: number, extra: object = {}): string {
  return JSON.stringify({
    step: n,
    loss: 0.5,
    gradNorms: [1, 2],
    updateRatios: [0.001, 0.002],
    deadFractions: [0.5, 0],
    saturatedFractions: [0, 0],
    activationPercentiles: [
      [0, 0, 0.1, 0.2, 0.3],
      [-1, 0, 1, 2, 3],
    ],
    ...extra,
  });
}

suite('run log: reading gdprobe *.gd.jsonl', () => {
  test('a header and steps become StepRecords; wire strings become NaN and ±Infinity', () => {
    const text = [
      JSON.stringify(HEADER),
      step(0),
      step(10, { loss: 'NaN', gradNorms: ['Infinity', '-Infinity'], learningRate: 0.05 }),
    ].join('\n');
    const { header, records, reader } = parseRunLog(text + '\n');
    assert.strictEqual(header?.layers.length, 2);
    assert.deepStrictEqual(
      records.map((r) => r.step),
      [0, 10],
    );
    assert.ok(Number.isNaN(records[1].loss));
    assert.deepStrictEqual(records[1].gradNorms, [Infinity, -Infinity]);
    assert.strictEqual(records[1].learningRate, 0.05);
    assert.deepStrictEqual(records[0].activationPercentiles[1], [-1, 0, 1, 2, 3]);
    assert.strictEqual(reader.skipped, 0);
    assert.strictEqual(reader.fatal, undefined);
  });

  test('malformed, wrongly shaped and out-of-order lines are skipped and counted with their line numbers', () => {
    const lines = [
      JSON.stringify(HEADER),
      step(0),
      '{"step": 1, "loss": 0.4, "gradNorms": [1,', // truncated mid-line
      step(2, { gradNorms: [1] }), // one layer short
      step(3, { activationPercentiles: [[0], [1]] }),
      'garbage',
      step(4),
      step(4), // repeated step
      '',
      step(5).slice(0, 30), // the writer stopped mid-line, no newline
    ];
    const { records, reader } = parseRunLog(lines.join('\n'));
    assert.deepStrictEqual(
      records.map((r) => r.step),
      [0, 4],
    );
    assert.strictEqual(reader.skipped, 6);
    assert.deepStrictEqual(
      reader.problems.map((p) => p.line),
      [3, 4, 5, 6, 8, 10],
    );
    assert.match(reader.problems[1].message, /"gradNorms" must be a list of 2 numbers/);
    assert.match(reader.problems[2].message, /activationPercentiles/);
    assert.match(reader.problems[4].message, /step 4 does not follow step 4/);
    assert.match(reader.problems[5].message, /truncated last line/);
    assert.strictEqual(reader.problems[0].column, 42);
  });

  test('chunks may split lines (and CRLF) anywhere: the records are the same as one whole read', () => {
    const text = [JSON.stringify(HEADER), step(0), step(1), step(2)].join('\r\n') + '\r\n';
    const whole = parseRunLog(text).records;
    for (const size of [1, 7, 64]) {
      const got: RunStepRecord[] = [];
      const reader = new RunLogReader((r) => got.push(r));
      for (let i = 0; i < text.length; i += size) reader.push(text.slice(i, i + size));
      reader.end();
      assert.deepStrictEqual(got, whole, `chunks of ${size}`);
      assert.strictEqual(reader.skipped, 0);
    }
    assert.strictEqual(whole.length, 3);
  });

  test('a line over the size cap is skipped without being held, and reading goes on', () => {
    const got: RunStepRecord[] = [];
    const reader = new RunLogReader((r) => got.push(r), 500);
    reader.push(JSON.stringify(HEADER) + '\n' + step(0) + '\n');
    for (let i = 0; i < 100; i++) reader.push('x'.repeat(100)); // 10,000 characters, never newline-ended
    assert.strictEqual(reader.pendingChars, 0); // dropped, not held
    reader.push('\n' + step(1) + '\n');
    reader.end();
    assert.deepStrictEqual(
      got.map((r) => r.step),
      [0, 1],
    );
    assert.deepStrictEqual(reader.problems, [
      { line: 3, column: undefined, message: 'line of 10000 characters exceeds the 500 limit' },
    ]);
  });

  test('a first line that is not a header, or of an unknown version, is a clear fatal error', () => {
    const notHeader = parseRunLog(step(0) + '\n' + step(1)).reader;
    assert.strictEqual(notHeader.fatal?.line, 1);
    assert.match(notHeader.fatal!.message, /the first line is not a run log header: expected \{"format": "gradient/);
    assert.strictEqual(notHeader.records, 0);

    const future = parseRunLog(JSON.stringify({ ...HEADER, version: 2 }) + '\n' + step(0)).reader;
    assert.match(
      future.fatal!.message,
      /run log format version 2 is not supported: this Gradient Debugger reads version 1/,
    );

    const badJson = parseRunLog('{"format": "gradient-debugger-run", ').reader;
    assert.match(badJson.fatal!.message, /not valid JSON/);

    const badLayer = parseRunLog(JSON.stringify({ ...HEADER, layers: [{ name: 'a', units: 0, activation: 'relu' }] }));
    assert.match(badLayer.reader.fatal!.message, /layers\[0\]: "units" must be a whole number ≥ 1/);
  });

  test('the spec-like object names the layers, maps torch classes and reads a functional activation as relu', () => {
    const spec = specFromHeader(parseRunLog(JSON.stringify(HEADER)).header!);
    assert.deepStrictEqual(
      spec.layers.map((l) => [l.name, l.units, l.activation.type]),
      [
        ['fc1', 2, 'relu'],
        ['fc2', 1, 'relu'],
      ],
    );
    assert.strictEqual(spec.loss, 'cross_entropy');
    assert.strictEqual(spec.training.optimizer, 'momentum');
    assert.strictEqual(spec.training.learningRate, 0.05);
    assert.strictEqual(spec.input, 3);
  });

  test('every recorded fixture log written by the probe reads without a skipped line', () => {
    const files = fs.readdirSync(RUNS).filter((f) => f.endsWith('.gd.jsonl') && f !== 'truncated.gd.jsonl');
    assert.ok(files.length >= 5, files.join(', '));
    for (const f of files) {
      const { header, records, reader } = parseRunLog(fs.readFileSync(path.join(RUNS, f), 'utf8'));
      assert.strictEqual(reader.fatal, undefined, f);
      assert.strictEqual(reader.skipped, 0, f);
      assert.ok(records.length >= 40, f);
      assert.ok(records.every((r) => r.gradNorms.length === header!.layers.length));
    }
  });
});
