import * as assert from 'assert';
import { matmulABt, matmulABtTs, setMatmulKernel, transpose } from '../../src/core/matmul';
import { wasmAvailable, wasmMatmulABt } from '../../src/core/wasmMatmul';
import { createRng } from '../../src/core/rng';

/** C = A·Bᵀ the obvious way. */
function naive(a: Float64Array, b: Float64Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) { let s = 0; for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p]; c[i * n + j] = s; }
  return c;
}

suite('matrix kernels', () => {
  const rng = createRng(21);
  test('the WebAssembly SIMD kernel runs on this machine (built from src/core/wasm/abt.wat)', () => {
    assert.strictEqual(wasmAvailable(), true);
  });

  for (const [name, kernel] of [['TypeScript', matmulABtTs], ['WebAssembly SIMD', (a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number) => { if (k === 0) c.fill(0, 0, m * n); else assert.ok(wasmMatmulABt(a, b, c, m, n, k)); }], ['default', matmulABt]] as const) {
    for (const [m, n, k] of [[1, 1, 1], [1, 1, 0], [3, 5, 7], [4, 4, 4], [5, 9, 2], [8, 3, 513], [7, 6, 1100], [17, 4, 1024], [6, 7, 3]]) {
      test(`${name}: C = A·Bᵀ at ${m}×${n}×${k} equals the naive product (odd sizes, blocks over k beyond 512)`, () => {
        const a = Float64Array.from({ length: m * k }, () => rng.normal());
        const b = Float64Array.from({ length: n * k }, () => rng.normal());
        const c = new Float64Array(m * n).fill(NaN); // stale contents must be overwritten, never added to
        kernel(a, b, c, m, n, k);
        const expected = naive(a, b, m, n, k);
        for (let i = 0; i < m * n; i++) assert.ok(Math.abs(c[i] - expected[i]) <= 1e-12 * Math.max(1, Math.abs(expected[i])), `C[${i}]: ${c[i]} vs ${expected[i]}`);
      });
    }
  }

  test('setMatmulKernel switches the default kernel and reports the previous choice', () => {
    assert.strictEqual(setMatmulKernel('typescript'), 'auto');
    assert.strictEqual(setMatmulKernel('auto'), 'typescript');
  });

  test('transpose', () => {
    const t = new Float64Array(6);
    transpose(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, 3, t);
    assert.deepStrictEqual(Array.from(t), [1, 4, 2, 5, 3, 6]);
  });
});
