import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../src/core/analysis';
import { applyFix, detectIndent, diffEdit, fixToEdit, withParameters } from '../../src/core/format/fixEdits';
import { TrainingRun } from '../../src/core/trainingRun';
import { loadNetwork } from '../../src/core/load';

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');
const read = (f: string): string => fs.readFileSync(path.join(EXAMPLES, f), 'utf8');

suite('fixes as edits of the file', () => {
  test('the vanishing fix switches the named layers to relu + he and the warning goes away', () => {
    const text = read('deep-sigmoid-vanishing.net.json');
    const before = analyze(loadNetwork(text).loaded!);
    const fix = before.warnings[0].fixes[0];
    const after = applyFix(text, fix);
    const { loaded, problems } = loadNetwork(after);
    assert.ok(loaded, JSON.stringify(problems));
    assert.deepStrictEqual(
      loaded.spec.layers.slice(0, 5).map((l) => [l.activation.type, l.init.type]),
      Array(5).fill(['relu', 'he']),
    );
    assert.ok(!analyze(loaded).warnings.some((w) => w.kind === 'vanishing_gradient'));
  });

  test('the dead-ReLU fix writes leaky_relu with its alpha and keeps everything else byte for byte', () => {
    const text = read('dead-relu.net.json');
    const fix = analyze(loadNetwork(text).loaded!).warnings[0].fixes[0];
    const edit = fixToEdit(text, fix)!;
    const after = text.slice(0, edit.offset) + edit.content + text.slice(edit.offset + edit.length);
    assert.strictEqual(after, applyFix(text, fix));
    assert.match(after, /"activation": \{\s*"type": "leaky_relu",\s*"alpha": 0\.01\s*\}/);
    // untouched lines stay identical
    const untouched = (s: string): string[] =>
      s
        .split('\n')
        .filter(
          (l) =>
            !l.includes('activation') &&
            !l.includes('leaky') &&
            !l.includes('alpha') &&
            l.trim() !== '}' &&
            l.trim() !== '},',
        );
    assert.deepStrictEqual(untouched(after), untouched(text));
  });

  test('clip and learning-rate fixes create or replace training keys', () => {
    const text =
      '{\n    "input": 1,\n    "layers": [{ "units": 1, "activation": "linear" }],\n    "loss": "mse",\n    "data": { "inputs": [[1]], "targets": [[1]] }\n}\n';
    const clipped = applyFix(text, {
      title: 'clip',
      actions: [
        { kind: 'set_clip', norm: 1 },
        { kind: 'set_learning_rate', learningRate: 0.01 },
      ],
    });
    assert.deepStrictEqual(JSON.parse(clipped).training, { clip: { norm: 1 }, learningRate: 0.01 });
    assert.match(clipped, /\n {4}"training": \{\n {8}"clip"/); // the file's 4-space indentation
  });

  test('switching the optimizer sets it with its own learning rate, keeping the other training keys', () => {
    const text =
      '{\n  "training": { "optimizer": "momentum", "momentum": 0.8, "learningRate": 1e-6, "steps": 300 }\n}\n';
    const switched = applyFix(text, {
      title: 'adam',
      actions: [{ kind: 'set_optimizer', optimizer: 'adam', learningRate: 0.01 }],
    });
    assert.deepStrictEqual(JSON.parse(switched).training, {
      optimizer: 'adam',
      momentum: 0.8,
      learningRate: 0.01,
      steps: 300,
    });
    const edit = fixToEdit(text, {
      title: 'adam',
      actions: [{ kind: 'set_optimizer', optimizer: 'adam', learningRate: 0.01 }],
    });
    assert.ok(edit && edit.offset + edit.length <= text.indexOf('"steps"'), JSON.stringify(edit)); // one edit
  });

  test('setting an init removes explicit weights that would override it', () => {
    const text = JSON.stringify(
      {
        input: 1,
        layers: [{ units: 1, activation: 'tanh', weights: [[5]] }],
        loss: 'mse',
        data: { inputs: [[1]], targets: [[1]] },
      },
      null,
      2,
    );
    const after = JSON.parse(
      applyFix(text, { title: 'init', actions: [{ kind: 'set_init', layers: [0], init: 'xavier' }] }),
    );
    assert.deepStrictEqual(after.layers[0], { units: 1, activation: 'tanh', init: 'xavier' });
  });

  test('helpers: indentation detection and the minimal single edit', () => {
    assert.deepStrictEqual(detectIndent('{\n\t"a": 1\n}'), { insertSpaces: false, tabSize: 1, eol: '\n' });
    assert.deepStrictEqual(detectIndent('{\r\n   "a": 1\r\n}'), { insertSpaces: true, tabSize: 3, eol: '\r\n' });
    assert.deepStrictEqual(diffEdit('abcXdef', 'abcYYdef'), { offset: 3, length: 1, content: 'YY' });
    assert.strictEqual(diffEdit('same', 'same'), undefined);
  });

  test('trained weights written back load as the trained network (to 12 digits) and keep the rest of the file', () => {
    const text = read('xor-healthy.net.json');
    const run = new TrainingRun(loadNetwork(text).loaded!);
    run.advance(200);
    const trained = run.loaded.network.parameters();
    const after = withParameters(text, trained);
    const reloaded = loadNetwork(after).loaded!.network.parameters();
    reloaded.forEach((p, i) =>
      p.weights
        .flat()
        .forEach((w, k) => assert.ok(Math.abs(w - trained[i].weights.flat()[k]) <= 1e-11 * Math.max(1, Math.abs(w)))),
    );
    assert.match(after, /"loss": "binary_cross_entropy",/);
    assert.ok(after.startsWith('{\n  "$schema"'));
  });
});
