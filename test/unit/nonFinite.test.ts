import * as assert from 'assert';
import { analyze } from '../../src/core/analysis';
import { loadNetwork } from '../../src/core/load';
import { norm } from '../../src/core/nn/train';

/** A 2-2-1 tanh network with explicit weights w in both layers. */
function network(w: number): string {
  return JSON.stringify({
    name: 'extreme',
    input: 2,
    layers: [
      {
        name: 'h',
        units: 2,
        activation: 'tanh',
        weights: [
          [w, w],
          [w, -w],
        ],
        bias: [0, 0],
      },
      { name: 'out', units: 1, activation: 'sigmoid', weights: [[w, w]], bias: [0] },
    ],
    loss: 'binary_cross_entropy',
    data: {
      inputs: [
        [1, 2],
        [3, 4],
      ],
      targets: [[0], [1]],
    },
  });
}

/** Every number in a value, walked recursively. */
function numbers(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => numbers(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => numbers(v, out));
  return out;
}

suite('non-finite numbers are always named', () => {
  test('weights of 1e308: infinite z and ‖W‖ give a non_finite warning, not "vanishing"', () => {
    const report = analyze(loadNetwork(network(1e308)).loaded!);
    const kinds = report.warnings.map((w) => w.kind);
    assert.ok(kinds.includes('non_finite'), kinds.join(', '));
    assert.ok(!kinds.includes('vanishing_gradient'), kinds.join(', '));
  });

  test('subnormal weights: the norms neither underflow to 0 nor print NaN', () => {
    assert.strictEqual(norm(Float64Array.of(5e-324, 5e-324)), 5e-324 * Math.SQRT2);
    assert.strictEqual(norm(Float64Array.of(1e300, 1e300)), 1e300 * Math.SQRT2);
    const report = analyze(loadNetwork(network(5e-324)).loaded!);
    for (const l of report.layers) assert.ok(Number.isFinite(l.weightNorm) && l.weightNorm > 0, String(l.weightNorm));
  });

  test('a report never shows NaN or ∞ without a non_finite warning beside it', () => {
    for (const w of [1e308, 1e200, 1e-300, 5e-324, 0, 1]) {
      const report = analyze(loadNetwork(network(w)).loaded!);
      const bad =
        numbers(report.layers).filter((v) => !Number.isFinite(v)).length + (Number.isFinite(report.loss) ? 0 : 1);
      if (bad)
        assert.ok(
          report.warnings.some((x) => x.kind === 'non_finite'),
          `w = ${w}: ${bad} non-finite figures`,
        );
    }
  });
});
