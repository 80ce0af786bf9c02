import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { EVAL_KINDS, CorpusCase, EvalKind } from '../../eval/kinds';
import { loadText } from '../../eval/measure';
import { scoreKinds, wilsonLowerBound } from '../../eval/metrics';
import { EVAL_DIR, EvalResults, evaluate, readCorpus } from '../../eval/run';

suite('eval metrics', () => {
  test('Wilson 95% lower bounds match the published interval table', () => {
    // Wilson (1927) score interval, z = 1.959964: 0/10 → [0, 0.2775], 5/10 → [0.2366, 0.7634], 10/10 → [0.7225, 1]
    assert.strictEqual(wilsonLowerBound(0, 10), 0);
    assert.ok(Math.abs(wilsonLowerBound(5, 10) - 0.236593) < 1e-6);
    assert.ok(Math.abs(wilsonLowerBound(10, 10) - 0.722467) < 1e-6);
    // 95/100 → 0.888250 (hand computation of (p + z²/2n − z√(p(1−p)/n + z²/4n²)) / (1 + z²/n))
    assert.ok(Math.abs(wilsonLowerBound(95, 100) - 0.88825) < 1e-5);
    assert.strictEqual(wilsonLowerBound(0, 0), 0);
  });

  test('a firing counts as TP where listed in fires, FP unless allowed, and a silent listed kind as FN', () => {
    const base = { file: '', part: 'heldout', nearMiss: [], healthy: false, mode: 'analyze', established: '' } as const;
    const cases: CorpusCase[] = [
      { ...base, id: 'a', fires: ['dead_relu'], allow: [] },
      { ...base, id: 'b', fires: [], allow: ['dead_relu'] },
      { ...base, id: 'c', fires: [], allow: [] },
      { ...base, id: 'd', fires: ['dead_relu'], allow: [] },
    ];
    const fired = new Map(['a', 'b', 'c'].map((id) => [id, { id, fired: ['dead_relu'] }]));
    const s = scoreKinds(cases, fired).dead_relu;
    assert.deepStrictEqual([s.tp, s.fp, s.fn], [1, 1, 1]);
    assert.strictEqual(s.precision.value, 0.5);
    assert.strictEqual(s.recall.value, 0.5);
  });
});

suite('eval corpus', () => {
  const corpus = readCorpus();

  test('every case file exists, parses and loads, ids are unique, labels are disjoint', () => {
    assert.strictEqual(new Set(corpus.cases.map((c) => c.id)).size, corpus.cases.length);
    for (const c of corpus.cases) {
      const file = path.join(EVAL_DIR, c.file);
      assert.ok(fs.existsSync(file), `${c.file} missing`);
      assert.doesNotThrow(() => loadText(fs.readFileSync(file, 'utf8'), path.dirname(file)), c.file);
      assert.ok(!c.fires.some((k) => c.allow.includes(k) || c.nearMiss.includes(k)), `${c.id}: overlapping labels`);
      assert.ok(!c.healthy || (c.fires.length === 0 && c.allow.length === 0), `${c.id}: healthy with faults`);
      assert.ok(c.established.length > 20, `${c.id}: no account of its label`);
    }
  });

  test('at least 40% held out; every kind has ≥ 15 positives and ≥ 15 near-misses, ≥ 6 of each per part', () => {
    // the random split's share, without the held-out cases' rebuilds on other seeds
    const drawn = corpus.cases.filter((c) => c.part === 'tune' || c.part === 'heldout');
    const held = drawn.filter((c) => c.part === 'heldout').length;
    assert.ok(held >= 0.4 * drawn.length, `${held} of ${drawn.length} held out`);
    for (const k of EVAL_KINDS) {
      const pos = corpus.cases.filter((c) => c.fires.includes(k));
      const near = corpus.cases.filter((c) => c.nearMiss.includes(k));
      assert.ok(pos.length >= 15 && near.length >= 15, `${k}: ${pos.length} positives, ${near.length} near-misses`);
      for (const part of ['tune', 'heldout'])
        for (const [what, list] of [
          ['positives', pos],
          ['near-misses', near],
        ] as const)
          assert.ok(list.filter((c) => c.part === part).length >= 6, `${k}: fewer than 6 ${what} in ${part}`);
    }
    for (const part of ['tune', 'heldout']) assert.ok(corpus.cases.some((c) => c.healthy && c.part === part));
  });
});

/** The goal on the held-out part, for precision, recall and first-fix efficacy. */
const GOAL = 0.95;

/**
 * Where the goal is not met yet, the floor this test holds (below the full held-out figures of eval/results.json,
 * which the README reports), so a regression still fails while the gap stays visible. None since d20d652.
 */
const NOT_YET: {
  precision: Partial<Record<EvalKind, number>>;
  recall: Partial<Record<EvalKind, number>>;
} = {
  precision: {},
  recall: {},
};

suite('eval goals (held-out, quick)', function () {
  this.timeout(180_000);
  let results: EvalResults;
  suiteSetup(() => {
    results = evaluate({ part: 'heldout', quick: true });
  });

  for (const measure of ['precision', 'recall'] as const) {
    const exceptions = Object.entries(NOT_YET[measure]).map(([k, v]) => `${k} ≥ ${(v ?? GOAL) * 100}%`);
    const held = exceptions.length ? ` (not met yet, held at: ${exceptions.join(', ')})` : '';
    test(`${measure} ≥ ${GOAL * 100}% for every kind${held}`, () => {
      const p = results.parts.heldout!;
      const counted = (k: EvalKind): number =>
        p.kinds[k].tp + (measure === 'precision' ? p.kinds[k].fp : p.kinds[k].fn);
      const low = EVAL_KINDS.filter((k) => counted(k) > 0 && p.kinds[k][measure].value < (NOT_YET[measure][k] ?? GOAL));
      assert.deepStrictEqual(
        low.map((k) => `${k} ${p.kinds[k].tp}/${counted(k)}`),
        [],
      );
    });
  }

  test('no serious warning on a healthy network, trained or not', () => {
    const h = results.parts.heldout!.healthy;
    assert.ok(h.cases > 0);
    assert.strictEqual(
      h.seriousWarnings,
      0,
      `${h.seriousWarnings} serious warnings on ${h.casesWithSerious} of ${h.cases}`,
    );
  });

  test(`first-fix efficacy ≥ ${GOAL * 100}%`, () => {
    const f = results.parts.heldout!.firstFix;
    assert.ok(f.n > 0 && f.value >= GOAL, `${f.k} of ${f.n} first fixes reach the target`);
  });
});
