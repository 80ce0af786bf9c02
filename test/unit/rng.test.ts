import * as assert from 'assert';
import { createRng } from '../../src/core/nn/rng';
import { erf, erfc } from '../../src/core/nn/special';
import { assertClose } from './helpers';

suite('random numbers and special functions', () => {
  test('the same seed replays the same sequence; different seeds differ', () => {
    const a = createRng(42),
      b = createRng(42),
      c = createRng(43);
    const xa = Array.from({ length: 10 }, () => a.next());
    assert.deepStrictEqual(
      xa,
      Array.from({ length: 10 }, () => b.next()),
    );
    assert.notDeepStrictEqual(
      xa,
      Array.from({ length: 10 }, () => c.next()),
    );
  });

  test('uniforms lie in [0, 1) with mean ½; normals have mean 0 and variance 1', () => {
    const rng = createRng(5);
    let sum = 0,
      sumN = 0,
      sumN2 = 0;
    const n = 50000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      assert.ok(u >= 0 && u < 1);
      sum += u;
      const z = rng.normal();
      sumN += z;
      sumN2 += z * z;
    }
    assert.ok(Math.abs(sum / n - 0.5) < 0.01, `mean ${sum / n}`);
    assert.ok(Math.abs(sumN / n) < 0.02, `normal mean ${sumN / n}`);
    assert.ok(Math.abs(sumN2 / n - 1) < 0.03, `normal variance ${sumN2 / n}`);
  });

  test('erf and erfc agree with tabulated values to double precision', () => {
    const table: [number, number][] = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
    ];
    for (const [x, v] of table) {
      assertClose(erf(x), v, 1e-15, `erf(${x})`);
      assertClose(erf(-x), -v, 1e-15, `erf(${-x})`);
    }
    assertClose(erfc(3), 2.209049699858544e-5, 1e-14, 'erfc(3)');
    assertClose(erfc(5), 1.5374597944280349e-12, 1e-14, 'erfc(5)');
    assertClose(erfc(10), 2.088487583762545e-45, 1e-13, 'erfc(10)');
  });
});
