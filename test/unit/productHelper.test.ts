import * as assert from 'assert';
import { analyze } from '../../src/core/analysis';
import { loadNetwork } from '../../src/core/load';
import { Kernels, PARALLEL_MIN_WORK, ProductHelper, Workspace } from '../../src/core/kernels/workspace';
import { createRng } from '../../src/core/nn/rng';
import { matmulABt } from '../../src/core/kernels/matmul';
import { GemmExports, instantiateGemm, newSharedMemory } from '../../src/core/kernels/wasmKernels';
import { createProductHelper } from '../../src/host/worker/productHelper';

/** The real helper, counting the products shared with it. */
function countingHelper(): { helper: ProductHelper; started: () => number } {
  const real = createProductHelper();
  assert.ok(real, 'a helper runs here (two cores and WebAssembly SIMD)');
  let started = 0;
  const helper: ProductHelper = {
    abt: (...args) => {
      started++;
      real.abt(...args);
    },
  };
  return { helper, started: () => started };
}

/** C for each product kind on a fresh SIMD workspace (sharing products with `helper`), from the same seeded operands. */
function products(m: number, n: number, k: number, helper?: ProductHelper): Float64Array[] {
  const ws = Workspace.create(new Kernels('auto', helper));
  const rng = createRng(m * 7 + n * 3 + k);
  const filled = (length: number): Float64Array => {
    const v = ws.alloc(length);
    for (let i = 0; i < length; i++) v[i] = rng.next() - 0.5;
    return v;
  };
  const a = filled(m * k),
    bt = filled(n * k),
    b = filled(k * n),
    at = filled(k * m);
  const out = [ws.alloc(m * n), ws.alloc(m * n), ws.alloc(m * n)];
  ws.abt(a, bt, out[0], m, n, k);
  ws.ab(a, b, out[1], m, n, k);
  ws.atb(at, b, out[2], m, n, k);
  return out.map((c) => Float64Array.from(c));
}

suite('product helper thread', () => {
  test('products split between two threads equal the one-thread products bit for bit, odd sizes included', () => {
    const shapes = [
      [203, 101, 211],
      [2000, 31, 70],
      [9, 700, 701],
      [310, 310, 2000],
    ];
    for (const [m, n, k] of shapes) assert.ok(m * n * k >= PARALLEL_MIN_WORK, `${m}×${n}×${k} is split`);
    const alone = shapes.map(([m, n, k]) => products(m, n, k));
    const { helper, started } = countingHelper();
    const split = shapes.map(([m, n, k]) => products(m, n, k, helper));
    assert.ok(started() >= shapes.length, `${started()} products shared`); // every abt, and some ab, atb
    shapes.forEach(([m, n, k], s) =>
      alone[s].forEach((c, kind) => assert.deepStrictEqual(split[s][kind], c, `${m}×${n}×${k}, product ${kind}`)),
    );
  });

  test('a calling thread that gets little time leaves blocks to the helper thread, and C is still exact', () => {
    const [m, n, k] = [64, 40, 30];
    const memory = newSharedMemory(2);
    const gemm = instantiateGemm(memory)!;
    const rng = createRng(5);
    const a = new Float64Array(memory.buffer, 0, m * k);
    const b = new Float64Array(memory.buffer, a.byteLength, n * k);
    for (const v of [a, b]) for (let i = 0; i < v.length; i++) v[i] = rng.next() - 0.5;
    const at = a.byteLength + b.byteLength;
    const c = new Float64Array(memory.buffer, at, m * n);
    const expected = new Float64Array(m * n);
    matmulABt(a, b, expected, m, n, k);
    let callerRows = 0;
    const slow: GemmExports = {
      ...gemm,
      abt: (...args) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // 20 ms a block: the helper catches up
        callerRows += args[3];
        gemm.abt(...args);
      },
    };
    createProductHelper()!.abt(memory, slow, 0, a.byteLength, at, m, n, k);
    assert.ok(callerRows < m, `the calling thread multiplied ${callerRows} of ${m} rows`);
    c.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `C[${i}] = ${v}, expected ${expected[i]}`));
  });

  test('small products stay on the calling thread', () => {
    const { helper, started } = countingHelper();
    products(40, 30, 50, helper);
    assert.strictEqual(started(), 0);
  });

  test('an analysis of a 100k-parameter network is the same report with the helper as without', () => {
    const text = JSON.stringify({
      name: 'wide',
      seed: 7,
      input: 2,
      layers: [
        { name: 'h1', units: 310, activation: 'sigmoid', init: 'xavier' },
        { name: 'h2', units: 310, activation: 'tanh', init: 'xavier' },
        { name: 'out', units: 1, activation: 'sigmoid', init: 'xavier' },
      ],
      loss: 'binary_cross_entropy',
      data: { generate: 'circle', samples: 600, noise: 0.05 },
    });
    const report = (kernels?: Kernels) => analyze(loadNetwork(text, { kernels }).loaded!);
    const alone = report();
    const { helper, started } = countingHelper();
    const shared = new Kernels('auto', helper);
    // twice: the second network's memory is handed over to the helper too
    assert.deepStrictEqual(report(shared), alone);
    assert.deepStrictEqual(report(shared), alone);
    assert.ok(started() > 0);
  });
});
