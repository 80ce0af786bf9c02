import * as assert from 'assert';
import { analyze } from '../../src/core/analysis';
import { Kernels, Workspace } from '../../src/core/kernels/workspace';
import { loadNetwork } from '../../src/core/load';

suite('workspace memory reuse', () => {
  test('a released workspace’s memory comes back zeroed to the next workspace of the same kernels', () => {
    const kernels = new Kernels();
    const first = Workspace.create(kernels);
    assert.ok(first.simd);
    const dirty = first.alloc(5000);
    dirty.fill(7.5);
    first.release();
    const other = Workspace.create().alloc(5000); // another caller's workspace: memory of its own
    other[0] = 2;
    assert.strictEqual(dirty[0], 7.5);
    const next = Workspace.create(kernels);
    const fresh = next.alloc(5000);
    assert.ok(
      fresh.every((v) => v === 0),
      'every reused double is 0',
    );
    fresh[0] = 1;
    assert.strictEqual(dirty[0], 1, 'the same memory was reused (the old view sees the new write)');
  });

  test('a released workspace allocates nothing more', () => {
    const ws = Workspace.create();
    ws.alloc(10);
    ws.release();
    assert.throws(() => ws.alloc(10), /released workspace/);
  });

  test('analyses on reused memory give the same reports as on fresh memory', () => {
    const text = JSON.stringify({
      name: 'reuse',
      seed: 3,
      input: 2,
      layers: [
        { name: 'h1', units: 40, activation: 'relu' },
        { name: 'out', units: 1, activation: 'sigmoid' },
      ],
      loss: 'binary_cross_entropy',
      data: { generate: 'xor', samples: 200 },
    });
    const kernels = new Kernels();
    const run = (release: boolean) => {
      const { loaded } = loadNetwork(text, { kernels });
      const report = analyze(loaded!);
      if (release) loaded!.network.workspace.release();
      return report;
    };
    const fresh = run(false);
    run(true);
    assert.deepStrictEqual(run(true), fresh);
    assert.deepStrictEqual(run(false), fresh);
  });
});
