import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../src/core/analysis';
import { verifyFixes } from '../../src/core/fixVerification';
import { compareFixes } from '../../src/core/fixJudgement';
import { loadNetwork } from '../../src/core/load';
import { orderWarnings, warningId } from '../../src/core/diagnosis/warningOrder';
import { Warning } from '../../src/core/diagnosis/report';

const ROOT = path.join(__dirname, '..', '..', '..');
const example = (name: string): string => fs.readFileSync(path.join(ROOT, 'examples', `${name}.net.json`), 'utf8');

/** The example's analysis warnings, verified. */
function verified(name: string): Warning[] {
  const text = example(name);
  return verifyFixes(text, {}, analyze(loadNetwork(text).loaded!).warnings);
}

suite('fixes verified before they are offered', function () {
  this.timeout(60_000);

  test('saturated-tanh: "Use ReLU with He init" (loss 0.98 → 50, every gradient 0) is not offered', () => {
    const sat = verified('saturated-tanh').find((w) => w.kind === 'saturated_activation');
    assert.ok(sat?.fixesVerified);
    assert.ok(!sat.fixes.some((f) => /ReLU/.test(f.title)), sat.fixes.map((f) => f.title).join('; '));
    const relu = sat.rejectedFixes?.find((f) => /ReLU/.test(f.title));
    assert.ok(relu?.effect && relu.effect.lossAfter > relu.effect.lossBefore, JSON.stringify(relu?.effect));
    assert.match(relu.effect.summary, /loss after \d+ steps/);
  });

  test('every offered fix removes its warning, raises no new serious one and does not make the loss worse; ranked', () => {
    for (const name of ['saturated-tanh', 'deep-sigmoid-vanishing', 'exploding-init', 'dead-relu']) {
      for (const w of verified(name)) {
        for (const f of w.fixes) {
          const e = f.effect!;
          assert.ok(e.helps && e.removesWarning && e.newSerious.length === 0, `${name} ${w.kind}: ${e.summary}`);
          assert.ok(e.lossAfter <= e.lossBefore * 1.01 + 1e-12, `${name} ${w.kind}: ${e.summary}`);
        }
        assert.deepStrictEqual(
          w.fixes.map((f) => f.title),
          [...w.fixes].sort(compareFixes).map((f) => f.title),
        );
      }
    }
  });

  test('exploding-init: the recommended fix trains (loss from ∞ to below 0.1 in the budget)', () => {
    const ex = verified('exploding-init').find((w) => w.kind === 'exploding_gradient');
    assert.ok(ex && ex.fixes.length, JSON.stringify(ex?.rejectedFixes?.map((f) => f.effect?.summary)));
    assert.ok(ex.fixes[0].effect!.lossAfter < 0.1, ex.fixes[0].effect!.summary);
  });
});

suite('warnings with an identity, causes first', () => {
  test('ids come from kind, layers and first step, and stay unique', () => {
    const base = { severity: 'warning', layer: 'h1', units: [], message: '', cause: '', fix: '', fixes: [] } as const;
    assert.strictEqual(warningId({ ...base, kind: 'dead_relu', layerIndex: 1 }), 'dead_relu@1');
    assert.strictEqual(warningId({ ...base, kind: 'bad_init', layerIndex: 1, layers: [1, 2, 3] }), 'bad_init@1-2-3');
    assert.strictEqual(
      warningId({ ...base, kind: 'loss_diverging', layerIndex: -1, firstStep: 40 }),
      'loss_diverging@network#40',
    );
    const twice = orderWarnings([
      { ...base, kind: 'dead_relu', layerIndex: 1 },
      { ...base, kind: 'dead_relu', layerIndex: 1 },
    ]);
    assert.deepStrictEqual(
      twice.map((w) => w.id),
      ['dead_relu@1', 'dead_relu@1~2'],
    );
  });

  test('exploding-init: the cause (bad_init) comes first and the symptom points to it', () => {
    const ws = analyze(loadNetwork(example('exploding-init')).loaded!).warnings;
    assert.strictEqual(ws[0].kind, 'bad_init', ws.map((w) => w.kind).join(', '));
    const ex = ws.find((w) => w.kind === 'exploding_gradient');
    assert.strictEqual(ex?.causeId, ws[0].id);
  });
});
