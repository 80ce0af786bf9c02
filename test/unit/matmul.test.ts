import * as assert from 'assert';
import { matmulABt, transpose } from '../../src/core/matmul';
import { createRng } from '../../src/core/rng';

/** C = A·Bᵀ the obvious way. */
function naive(a: Float64Array, b: Float64Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) { let s = 0; for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p]; c[i * n + j] = s; }
  return c;
}

suite('matrix kernels', () => {
  const rng = createRng(21);
  for (const [m, n, k] of [[1, 1, 1], [1, 1, 0], [3, 5, 7], [4, 4, 4], [5, 9, 2], [8, 3, 513], [7, 6, 1100], [17, 4, 1024]]) {
    test(`C = A·Bᵀ at ${m}×${n}×${k} equals the naive product (blocked over k beyond 512, remainders of 4)`, () => {
      const a = Float64Array.from({ length: m * k }, () => rng.normal());
      const b = Float64Array.from({ length: n * k }, () => rng.normal());
      const c = new Float64Array(m * n).fill(NaN); // stale contents must be overwritten, never added to
      matmulABt(a, b, c, m, n, k);
      const expected = naive(a, b, m, n, k);
      for (let i = 0; i < m * n; i++) assert.ok(Math.abs(c[i] - expected[i]) <= 1e-12 * Math.max(1, Math.abs(expected[i])), `C[${i}]: ${c[i]} vs ${expected[i]}`);
    });
  }

  test('transpose', () => {
    const t = new Float64Array(6);
    transpose(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, 3, t);
    assert.deepStrictEqual(Array.from(t), [1, 4, 2, 5, 3, 6]);
  });
});
