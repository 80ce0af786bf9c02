/** The `import` and `export` commands: files written, and every bad input refused with a message and exit 2. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../src/cli/main';
import { nodeIo } from '../../src/cli/io';
import { EXIT } from '../../src/cli/exitCodes';
import { loadNetwork } from '../../src/core/load';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'onnx');

/** Runs the CLI in `dir`, capturing its output. */
function cli(dir: string, ...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io = {
    ...nodeIo(),
    cwd: dir,
    color: false,
    out: (t: string) => void (out += t),
    err: (t: string) => void (err += t),
  };
  return { code: runCli(argv, io), out, err };
}

suite('CLI import and export', () => {
  let dir: string;
  setup(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-modelcli-'));
    fs.copyFileSync(path.join(FIXTURES, 'softmax.onnx'), path.join(dir, 'model.onnx'));
  });
  teardown(() => fs.rmSync(dir, { recursive: true }));

  test('import writes a network file that loads, with notes on stderr; export and re-import give it back', () => {
    const r = cli(dir, 'import', 'model.onnx');
    assert.strictEqual(r.code, EXIT.ok, r.err);
    assert.match(r.out, /wrote model\.net\.json/);
    assert.match(r.err, /note: .*placeholder/);
    const text = fs.readFileSync(path.join(dir, 'model.net.json'), 'utf8');
    assert.ok(loadNetwork(text).loaded);
    assert.strictEqual(cli(dir, 'export', 'model.net.json', '--onnx', 'back.onnx').code, EXIT.ok);
    assert.strictEqual(cli(dir, 'import', 'back.onnx', '--out', 'back.net.json').code, EXIT.ok);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'back.net.json'), 'utf8'), text);
    const py = cli(dir, 'export', 'model.net.json', '--pytorch', 'model.py');
    assert.strictEqual(py.code, EXIT.ok, py.err);
    assert.match(fs.readFileSync(path.join(dir, 'model.py'), 'utf8'), /nn\.CrossEntropyLoss\(\)/);
  });

  test('--data CSV --targets and --generate set the data section (CSV path relative to the output file)', () => {
    fs.mkdirSync(path.join(dir, 'out'));
    assert.strictEqual(
      cli(dir, 'import', 'model.onnx', '--out', 'out/a.net.json', '--data', 'd.csv', '--targets', 'y').code,
      0,
    );
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(dir, 'out', 'a.net.json'), 'utf8')).data, {
      csv: '../d.csv',
      targets: ['y'],
    });
    assert.strictEqual(cli(dir, 'import', 'model.onnx', '--out', 'b.net.json', '--generate', 'spiral').code, 0);
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(dir, 'b.net.json'), 'utf8')).data, {
      generate: 'spiral',
    });
  });

  const refusals: [string, string[], RegExp][] = [
    ['a missing model', ['import', 'nope.onnx'], /cannot read nope\.onnx/],
    ['wrong magic', ['import', 'text.onnx'], /not an ONNX model: wrong magic byte/],
    ['a truncated model', ['import', 'cut.onnx'], /truncated/],
    ['BatchNormalization', ['import', 'bn.onnx'], /\(BatchNormalization\)/],
    ['an unknown option', ['import', 'model.onnx', '--bogus'], /unknown option --bogus/],
    ['a bad loss', ['import', 'model.onnx', '--loss', 'hinge'], /--loss takes one of/],
    ['--data without --targets', ['import', 'model.onnx', '--data', 'd.csv'], /--data needs --targets/],
    ['export without a format', ['export', 'x.net.json'], /give one of --onnx OUT\.onnx or --pytorch OUT\.py/],
    [
      'export of an invalid file',
      ['export', 'x.net.json', '--onnx', 'x.onnx'],
      /x\.net\.json:1:14: error: JSON syntax error/,
    ],
    [
      'a bad dtype',
      ['export', 'x.net.json', '--onnx', 'x.onnx', '--dtype', 'int8'],
      /--dtype takes float64 or float32/,
    ],
  ];
  for (const [what, argv, message] of refusals)
    test(`${what}: exit 2 with a message`, () => {
      fs.writeFileSync(path.join(dir, 'text.onnx'), '{"not": "onnx"}');
      fs.writeFileSync(
        path.join(dir, 'cut.onnx'),
        fs.readFileSync(path.join(FIXTURES, 'softmax.onnx')).subarray(0, 300),
      );
      fs.copyFileSync(path.join(FIXTURES, 'refuse-batchnorm.onnx'), path.join(dir, 'bn.onnx'));
      fs.writeFileSync(path.join(dir, 'x.net.json'), '{ "input": 2 ');
      const r = cli(dir, ...argv);
      assert.strictEqual(r.code, EXIT.invalid, `${what}: exit ${r.code}, stderr ${r.err}`);
      assert.match(r.err, message);
    });

  test('an existing output is never overwritten without --force', () => {
    fs.writeFileSync(path.join(dir, 'model.net.json'), 'keep');
    const r = cli(dir, 'import', 'model.onnx');
    assert.strictEqual(r.code, EXIT.invalid);
    assert.match(r.err, /pass --force/);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'model.net.json'), 'utf8'), 'keep');
    assert.strictEqual(cli(dir, 'import', 'model.onnx', '--force').code, EXIT.ok);
    assert.notStrictEqual(fs.readFileSync(path.join(dir, 'model.net.json'), 'utf8'), 'keep');
  });
});
