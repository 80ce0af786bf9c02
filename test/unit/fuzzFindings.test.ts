import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT, runCli } from '../../src/cli/main';
import { DEFAULT_CHECK_WORK, checkBudget, gradientCheck } from '../../src/core/gradcheck';
import { loadNetwork } from '../../src/core/load';
import { memoryIo } from './helpers';

const ROOT = path.join(__dirname, '..', '..', '..');
const example = (name: string): string => fs.readFileSync(path.join(ROOT, 'examples', `${name}.net.json`), 'utf8');

/** Mutant #562 of `npm run fuzz -- --variants 630 --seed 12`: the deep sigmoid stack with h8 widened to 1616 units. */
const MUTANT_562 = example('deep-sigmoid-vanishing').replace(
  '{ "name": "h8", "units": 16,',
  '{ "name": "h8", "units": 1616,',
);

/** Findings of the full fuzz run (issue 12), one test each. */
suite('fuzz findings (seed 12)', () => {
  test('#562: the gradient check of a 30,769-parameter network keeps to its work budget and says what it sampled', () => {
    const { loaded } = loadNetwork(MUTANT_562);
    const network = loaded!.network;
    assert.strictEqual(network.parameterCount(), 30_769);
    const result = gradientCheck(loaded!);
    // 47 s before: 1,648 entries × 200 samples × 2 forward passes of 30,769 multiply-adds (1.9·10¹⁰)
    const entries = network.layers.reduce((a, l) => a + Math.min(l.parameterCount, result.entriesPerLayer), 0);
    const work = entries * result.samples * 2 * network.parameterCount();
    assert.ok(work <= DEFAULT_CHECK_WORK, `${work.toExponential(2)} multiply-adds`);
    assert.deepStrictEqual([result.samples, result.samplesInData, result.entriesPerLayer], [19, 200, 200]);
    assert.ok(result.passed, `max relative error ${result.maxRelativeError}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-fuzz562-'));
    try {
      fs.writeFileSync(path.join(dir, 'wide.net.json'), MUTANT_562);
      const io = memoryIo(dir);
      assert.strictEqual(runCli(['check', 'wide.net.json'], io, '0'), EXIT.ok, io.errText());
      assert.match(io.outText(), /on 19 of 200 samples, at most 200 entries per layer\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the budget shrinks samples first (down to 16), then entries per layer (down to 10), never below', () => {
    const { loaded } = loadNetwork(MUTANT_562);
    assert.deepStrictEqual(checkBudget(loaded!), { samples: 19, perLayer: 200 });
    assert.deepStrictEqual(checkBudget(loaded!, { maxWork: 1e9 }), { samples: 16, perLayer: 102 });
    assert.deepStrictEqual(checkBudget(loaded!, { maxWork: 1 }), { samples: 16, perLayer: 10 });
    // the shipped examples fit: their checks are unchanged
    const small = loadNetwork(example('deep-sigmoid-vanishing')).loaded!;
    assert.deepStrictEqual(checkBudget(small), { samples: 200, perLayer: 200 });
  });
});
