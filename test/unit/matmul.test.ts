import * as assert from 'assert';
import { matmulABt, matmulStridedAB } from '../../src/core/kernels/matmul';
import { wasmAvailable } from '../../src/core/kernels/wasmKernels';
import { Kernels, Workspace } from '../../src/core/kernels/workspace';
import { createRng } from '../../src/core/nn/rng';

type Product = 'abt' | 'ab' | 'atb';

/** The product the obvious way: abt C = A·Bᵀ (A m×k, B n×k); ab C = A·B (A m×k, B k×n); atb C = Aᵀ·B (A k×m, B k×n). */
function naive(kind: Product, a: Float64Array, b: Float64Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const x = kind === 'atb' ? a[p * m + i] : a[i * k + p];
        const y = kind === 'abt' ? b[j * k + p] : b[p * n + j];
        s += x * y;
      }
      c[i * n + j] = s;
    }
  }
  return c;
}

type Kernel = (a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number) => void;

/** Every implementation of each product: the TypeScript kernels on plain arrays, and a SIMD workspace on its own buffers. */
function implementations(): [string, Product, Kernel, (n: number) => Float64Array][] {
  const ws = Workspace.create();
  const plain = (n: number): Float64Array => new Float64Array(n);
  const resident = (n: number): Float64Array => ws.alloc(n);
  return [
    ['TypeScript', 'abt', matmulABt, plain],
    ['TypeScript', 'ab', (a, b, c, m, n, k) => matmulStridedAB(a, k, 1, b, c, m, n, k), plain],
    ['TypeScript', 'atb', (a, b, c, m, n, k) => matmulStridedAB(a, 1, m, b, c, m, n, k), plain],
    ['WebAssembly SIMD, in place', 'abt', (a, b, c, m, n, k) => ws.abt(a, b, c, m, n, k), resident],
    ['WebAssembly SIMD, in place', 'ab', (a, b, c, m, n, k) => ws.ab(a, b, c, m, n, k), resident],
    ['WebAssembly SIMD, in place', 'atb', (a, b, c, m, n, k) => ws.atb(a, b, c, m, n, k), resident],
  ];
}

suite('matrix kernels', () => {
  const rng = createRng(21);
  test('the WebAssembly SIMD kernels run on this machine (built from src/core/kernels/wasm/gemm.wat)', () => {
    assert.strictEqual(wasmAvailable(), true);
    assert.strictEqual(Workspace.create().simd, true);
  });

  // every remainder of the 4-row, 2- and 4-column blocks and odd k, above the SIMD threshold (512 multiply-adds) too; k = 0
  const shapes = [
    [1, 1, 1],
    [1, 1, 0],
    [3, 5, 7],
    [4, 4, 4],
    [5, 9, 2],
    [8, 3, 513],
    [7, 6, 1100],
    [17, 4, 1024],
    [6, 7, 3],
    [16, 32, 32],
    [13, 11, 9],
    [12, 6, 31],
    [9, 10, 64],
    [4, 2, 65],
    [7, 7, 11],
    [2, 3, 100],
    [1, 1, 600],
  ];
  for (const [name, kind, kernel, alloc] of implementations()) {
    for (const [m, n, k] of shapes) {
      test(`${name}: ${kind} at ${m}×${n}×${k} equals the naive product`, () => {
        const a = alloc(m * k).map(() => rng.normal());
        const b = alloc(n * k).map(() => rng.normal());
        const aIn = alloc(m * k),
          bIn = alloc(n * k),
          c = alloc(m * n);
        aIn.set(a);
        bIn.set(b);
        c.fill(NaN); // stale contents must be overwritten, never added to
        kernel(aIn, bIn, c, m, n, k);
        const expected = naive(kind, a, b, m, n, k);
        for (let i = 0; i < m * n; i++)
          assert.ok(
            Math.abs(c[i] - expected[i]) <= 1e-12 * Math.max(1, Math.abs(expected[i])),
            `C[${i}]: ${c[i]} vs ${expected[i]}`,
          );
      });
    }
  }

  test('a SIMD product over an operand outside the workspace falls back to TypeScript with the same result', () => {
    const ws = Workspace.create();
    const [m, n, k] = [8, 8, 16];
    const outside = Float64Array.from({ length: m * k }, () => rng.normal());
    const b = ws.alloc(n * k).map(() => rng.normal());
    assert.strictEqual(ws.holds(outside), false);
    const c = ws.alloc(m * n);
    ws.abt(outside, b, c, m, n, k);
    const expected = naive('abt', outside, b, m, n, k);
    expected.forEach((v, i) =>
      assert.ok(Math.abs(c[i] - v) <= 1e-12 * Math.max(1, Math.abs(v)), `C[${i}]: ${c[i]} vs ${v}`),
    );
  });

  test('Kernels of choice "typescript" give workspaces of plain arrays; a clone keeps its kernels', () => {
    const kernels = new Kernels('typescript');
    const ws = Workspace.create(kernels);
    assert.strictEqual(ws.simd, false);
    assert.strictEqual(ws.kernels, kernels);
    assert.strictEqual(ws.holds(new Float64Array(3)), true, 'plain workspaces multiply anything');
    assert.strictEqual(Workspace.create().simd, true, 'each caller chooses for its own networks: no state is left');
  });
});

suite('workspace', () => {
  test('buffers stay valid and keep their values while the memory grows', () => {
    const ws = Workspace.create();
    const first = ws.alloc(1000);
    first.fill(2.5);
    const big = ws.alloc(3_000_000); // 24 MB: several growths of the memory
    big[big.length - 1] = 7;
    const last = ws.alloc(10);
    assert.strictEqual(first.length, 1000);
    assert.ok(first.every((v) => v === 2.5));
    assert.ok(
      last.every((v) => v === 0),
      'new buffers start at zero',
    );
    assert.ok(ws.holds(first) && ws.holds(big) && ws.holds(last));
    assert.strictEqual(big[big.length - 1], 7);
  });

  test('buffers never overlap and start 16-byte aligned', () => {
    const ws = Workspace.create();
    const spans = [3, 1, 8, 5, 2].map((n) => ws.alloc(n));
    spans.forEach((s) => assert.strictEqual(s.byteOffset % 16, 0));
    for (let i = 1; i < spans.length; i++)
      assert.ok(spans[i].byteOffset >= spans[i - 1].byteOffset + spans[i - 1].byteLength);
  });

  test("buffers stay resident when another workspace grows (V8 then renews every shared memory's buffer object)", () => {
    const ws = Workspace.create();
    const a = ws.alloc(16 * 8),
      b = ws.alloc(8 * 8),
      c = ws.alloc(16 * 8);
    Workspace.create().alloc(2_000_000); // another network's memory grows
    assert.ok(ws.address(a) >= 0 && ws.address(b) >= 0 && ws.address(c) >= 0);
    a.fill(1);
    b.fill(2);
    ws.abt(a, b, c, 16, 8, 8);
    assert.ok(c.every((v) => v === 16));
  });

  test("another workspace's buffers are not held", () => {
    const a = Workspace.create(),
      b = Workspace.create();
    assert.strictEqual(a.holds(b.alloc(4)), false);
  });
});
