import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../../src/core/analysis';
import { loadNetwork } from '../../src/core/load';
import { EXIT, runCli } from '../../src/cli/main';
import { memoryIo } from './helpers';

const ROOT = path.join(__dirname, '..', '..', '..');

suite('gradient-debugger fix', function () {
  this.timeout(60_000);

  test('applies the recommended verified fix and prints the patched network; its analysis no longer warns', () => {
    const io = memoryIo(ROOT);
    assert.strictEqual(runCli(['fix', 'examples/exploding-init.net.json'], io), EXIT.ok, io.errText());
    assert.match(io.errText(), /applied fix 1 of \d+ for \w+: .*loss after/);
    const { loaded, problems } = loadNetwork(io.outText());
    assert.deepStrictEqual(problems, []);
    const kinds = analyze(loaded!)
      .warnings.filter((w) => w.severity !== 'info')
      .map((w) => w.kind);
    assert.ok(!kinds.includes('exploding_gradient'), kinds.join(', '));
  });

  test('a healthy network: nothing to fix, exit 3', () => {
    const io = memoryIo(ROOT);
    assert.strictEqual(runCli(['fix', 'examples/xor-healthy.net.json'], io), EXIT.nothing);
    assert.match(io.errText(), /nothing to fix/);
    assert.strictEqual(io.outText(), '');
  });

  test('--fix beyond the list is a usage error listing the verified fixes; --out writes the file', () => {
    const io = memoryIo(ROOT);
    assert.strictEqual(runCli(['fix', 'examples/exploding-init.net.json', '--fix', '99'], io), EXIT.invalid);
    assert.match(io.errText(), /has \d+ verified fix\(es\):\n {2}1\. /);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gd-fix-')), 'fixed.net.json');
    const io2 = memoryIo(ROOT);
    assert.strictEqual(runCli(['fix', 'examples/exploding-init.net.json', '--out', out], io2), EXIT.ok);
    assert.deepStrictEqual(loadNetwork(fs.readFileSync(out, 'utf8')).problems, []);
    assert.strictEqual(runCli(['fix', 'examples/exploding-init.net.json', '--fix', 'x'], memoryIo(ROOT)), EXIT.invalid);
  });
});
