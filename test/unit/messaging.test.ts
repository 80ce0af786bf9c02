import * as assert from 'assert';
import { isFromWebview } from '../../src/host/messaging';
import { displayNumber, encodeNonFinite } from '../../src/shared/numbers';
import { logAxis } from '../../src/webview/render/scales';

suite('webview messages are untrusted', () => {
  test("accepts exactly the protocol's messages", () => {
    for (const m of [
      { type: 'ready' },
      { type: 'reveal', layerIndex: 2 },
      { type: 'reveal', layerIndex: -1, warningIndex: 0 },
      { type: 'applyFix', warningId: 'dead_relu@1', fixIndex: 0 },
      { type: 'applyFix', warningId: 'loss_diverging@network#40~2', fixIndex: 1 },
      { type: 'applyFix', warningId: 'bad_init@1-2-3', fixIndex: 0 },
      { type: 'command', command: 'train' },
      { type: 'explainWeight', layerIndex: 0, unit: 3, input: -1 },
    ])
      assert.ok(isFromWebview(m), JSON.stringify(m));
  });

  test('rejects anything else: unknown types and commands, wrong field types, extra fields, prototypes', () => {
    for (const m of [
      null,
      undefined,
      42,
      'ready',
      [],
      {},
      { type: 'nope' },
      { type: 'ready', extra: 1 },
      { type: 'reveal', layerIndex: '2' },
      { type: 'reveal', layerIndex: 1.5 },
      { type: 'reveal', layerIndex: -2 },
      { type: 'applyFix', warningIndex: 0, fixIndex: 0 },
      { type: 'applyFix', warningId: 'dead_relu@1' },
      { type: 'applyFix', warningId: 'dead_relu@1', fixIndex: -1 },
      { type: 'applyFix', warningId: 3, fixIndex: 0 },
      { type: 'applyFix', warningId: '<script>@1', fixIndex: 0 },
      { type: 'applyFix', warningId: 'x'.repeat(100_000), fixIndex: 0 },
      { type: 'command', command: 'workbench.action.terminal.new' },
      { type: 'command', command: 'toString' },
      { type: 'explainWeight', layerIndex: 0, unit: 0 },
      { type: 'explainWeight', layerIndex: 0, unit: 0, input: 1e9 },
      JSON.parse('{"type":"ready","__proto__":{"x":1}}'),
    ])
      assert.strictEqual(isFromWebview(m), false, JSON.stringify(m));
  });
});

suite('formatting for the webviews', () => {
  test('compact numbers, NaN and infinities spelled out, wire strings understood', () => {
    assert.strictEqual(displayNumber(0.000123), '1.23e−4');
    assert.strictEqual(displayNumber(12345), '1.23e+4');
    assert.strictEqual(displayNumber(0.5), '0.5');
    assert.strictEqual(displayNumber('NaN'), 'NaN');
    assert.strictEqual(displayNumber('Infinity'), '∞');
    assert.strictEqual(displayNumber(-Infinity), '−∞');
  });

  test('non-finite numbers survive JSON transport as strings', () => {
    assert.deepStrictEqual(encodeNonFinite({ a: NaN, b: [Infinity, 1] }), { a: 'NaN', b: ['Infinity', 1] });
  });

  test('log axes span whole decades and at least one', () => {
    assert.deepStrictEqual(logAxis([-3.2, -1.1]), { lo: -4, hi: -1 });
    assert.deepStrictEqual(logAxis([2, 2]), { lo: 2, hi: 3 });
    assert.deepStrictEqual(logAxis([undefined]), { lo: -1, hi: 0 });
  });
});
