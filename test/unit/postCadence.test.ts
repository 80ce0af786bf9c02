/** How often a training worker posts progress: about 5 times a second whether steps take 20 ms or 190 ms. */
import * as assert from 'assert';
import { PostCadence } from '../../src/host/worker/postCadence';

/** The times of the posts over `ms` of slices that each take `sliceMs`, at one post per `intervalMs`. */
function posts(intervalMs: number, sliceMs: number, ms: number): number[] {
  const cadence = new PostCadence(intervalMs);
  const at: number[] = [];
  for (let now = sliceMs; now <= ms; now += sliceMs) if (cadence.due(now, sliceMs)) at.push(now);
  return at;
}

suite('progress posts on a steady cadence', () => {
  test('short slices: one post per interval, on time', () => {
    const at = posts(200, 20, 2000);
    assert.deepStrictEqual(at, [20, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000]);
  });

  test('slices nearly as long as the interval (a 100k network’s steps): a post after every slice, not every other', () => {
    const at = posts(200, 190, 1900);
    assert.strictEqual(at.length, 10); // waiting for the full interval had posted every other slice: 5
  });

  test('slices of 120 ms: about 5 posts a second, never more than one per slice', () => {
    const at = posts(200, 120, 6000);
    const perSecond = (at.length - 1) / ((at[at.length - 1] - at[0]) / 1000);
    assert.ok(perSecond >= 4.5 && perSecond <= 5.5, String(perSecond));
  });

  test('after one long slice it does not burst to catch up', () => {
    const cadence = new PostCadence(200);
    assert.ok(cadence.due(10, 10));
    assert.ok(cadence.due(2000, 1990)); // a slice of 2 s
    assert.ok(!cadence.due(2020, 20), 'not again 20 ms later');
    assert.ok(cadence.due(2200, 20));
  });
});
