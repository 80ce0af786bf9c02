import * as assert from 'assert';
import { StepRecord } from '../../src/core/diagnosis/report';
import { createRng } from '../../src/core/nn/rng';
import { TrainingFeed } from '../../src/host/trainingFeed';
import { trainingFor } from '../../src/host/viewPayload';
import { bucketFirsts, chartBucket } from '../../src/shared/chartHistory';
import { encodeNonFinite } from '../../src/shared/numbers';
import { HostMessage, TrainingView, Wire } from '../../src/shared/protocol';
import { withProgress } from '../../src/webview/trainingProgress';

/** A step record of a 6-layer network, as the training worker measures it. */
function record(step: number): StepRecord {
  const layer = (k: number) => Math.exp(-step / 300) * (k + 1) * 1.2345678e-3;
  const six = <T>(f: (k: number) => T): T[] => Array.from({ length: 6 }, (_, k) => f(k));
  return {
    step,
    loss: 0.7 * Math.exp(-step / 200) + 1e-3,
    gradNorms: six(layer),
    updateRatios: six((k) => layer(k) / 7),
    deadFractions: six(() => 0),
    saturatedFractions: six((k) => (k === 0 ? 0.125 : 0)),
    activationPercentiles: six((k) => [0.1, 0.3, 0.5, 0.7, 0.9].map((p) => p + layer(k))),
  };
}

const SURFACE_A = { res: 2, xMin: 0, xMax: 1, yMin: 0, yMax: 1, values: [0.1, 0.2, 0.3, 0.4], points: [] };
const SURFACE_B = { ...SURFACE_A, values: [0.5, 0.6, 0.7, 0.8] };

/** The host's view of a run `runId` after `steps` steps of `total`. */
function hostView(runId: number, steps: number, total: number, surface = SURFACE_A, running = true): TrainingView {
  return {
    running,
    stepsDone: steps,
    stepsTotal: total,
    history: Array.from({ length: steps }, (_, i) => record(i)),
    runId,
    warnings: [],
    surface,
  };
}

/** A panel webview's training view, fed messages as the webview's handlers take them. */
class Webview {
  training: Wire<TrainingView> | undefined;
  resyncs = 0;
  receive(message: HostMessage): void {
    const wire = JSON.parse(JSON.stringify(encodeNonFinite(message)));
    if (wire.type === 'training') this.training = wire.training;
    else if (wire.type === 'trainingProgress') {
      const next = withProgress(this.training, wire.progress);
      if (next) this.training = next;
      else this.resyncs++;
    }
  }
}

const bytes = (m: HostMessage) => JSON.stringify(encodeNonFinite(m)).length;

suite("the panel's training messages: whole views, then only what is new", () => {
  test('chart buckets are powers of 2 leaving at most 300 points; selecting from a selection changes nothing', () => {
    assert.strictEqual(chartBucket(0), 1);
    assert.strictEqual(chartBucket(296), 1);
    assert.strictEqual(chartBucket(499), 2);
    assert.strictEqual(chartBucket(1_000_000), 4096);
    const records = Array.from({ length: 1000 }, (_, i) => ({ step: i }));
    const once = bucketFirsts(records, 4);
    assert.deepStrictEqual(
      once.slice(0, 3).map((r) => r.step),
      [0, 4, 8],
    );
    assert.strictEqual(once[once.length - 1].step, 999); // the latest, though not first in its bucket
    assert.deepStrictEqual(bucketFirsts(once, 8), bucketFirsts(records, 8)); // a run that grows merges buckets
  });

  test('a webview fed the progress messages of a run holds what a whole view would give it, for far fewer bytes', () => {
    const rng = createRng(5);
    const feed = new TrainingFeed();
    const webview = new Webview();
    let steps = 0;
    let progressBytes = 0;
    let progressMessages = 0;
    webview.receive(feed.next(hostView(1, 0, 500)));
    // Train for 500 steps, then 1500 more: chart buckets of 2 steps, then of 8
    for (const [more, total] of [
      [500, 500],
      [1500, 2000],
    ]) {
      const target = steps + more;
      while (steps < target) {
        steps = Math.min(target, steps + 1 + Math.floor(rng.next() * 120)); // the worker posts every 1 to 120 steps
        const m = feed.next(hostView(1, steps, total, steps > 900 ? SURFACE_B : SURFACE_A, steps < target));
        assert.strictEqual(m.type, 'trainingProgress');
        progressBytes += bytes(m);
        progressMessages++;
        webview.receive(m);
      }
    }
    const final = hostView(1, steps, 2000, SURFACE_B, false);
    const whole = trainingFor('panel', final);
    assert.strictEqual(webview.resyncs, 0);
    assert.deepStrictEqual(webview.training, JSON.parse(JSON.stringify(encodeNonFinite(whole))));
    const wholeBytes = bytes({ type: 'training', training: whole });
    assert.ok(
      progressBytes / progressMessages < wholeBytes / 10,
      `a progress message ${Math.round(progressBytes / progressMessages)} B, a whole view ${wholeBytes} B`,
    );
  });

  test('the surface travels only when redrawn; the view reports the run as it is now', () => {
    const feed = new TrainingFeed();
    feed.next(hostView(3, 10, 100));
    const same = feed.next(hostView(3, 20, 100));
    assert.ok(same.type === 'trainingProgress' && same.progress.surface === undefined);
    const redrawn = feed.next(hostView(3, 30, 100, SURFACE_B));
    assert.ok(redrawn.type === 'trainingProgress');
    assert.deepStrictEqual(redrawn.progress.surface?.values, SURFACE_B.values);
    assert.deepStrictEqual(
      redrawn.progress.records.map((r) => r.step),
      Array.from({ length: 10 }, (_, i) => 20 + i),
    );
    assert.strictEqual(redrawn.progress.since, 19);
    const done = feed.next(hostView(3, 30, 100, SURFACE_B, false));
    assert.ok(done.type === 'trainingProgress' && !done.progress.running && done.progress.records.length === 0);
  });

  test('another run, a Reset, or a replay gets a whole view; a missed message makes the webview ask for one', () => {
    const feed = new TrainingFeed();
    const webview = new Webview();
    webview.receive(feed.next(hostView(1, 50, 100)));
    assert.strictEqual(feed.next(hostView(2, 0, 100)).type, 'training'); // Reset: a new run id, an empty history
    assert.strictEqual(feed.next(hostView(2, 40, 100)).type, 'trainingProgress');
    assert.strictEqual(feed.next(hostView(2, 10, 100)).type, 'training'); // fewer steps than sent: start again
    feed.reset();
    assert.strictEqual(feed.next(hostView(2, 20, 100)).type, 'training'); // after a replay
    assert.strictEqual(feed.next({ ...hostView(2, 30, 100), runId: undefined }).type, 'training'); // a run log

    // a webview that missed the whole view of run 2 (hidden) cannot apply its progress
    const missed = new TrainingFeed();
    missed.next(hostView(2, 10, 100));
    webview.receive(missed.next(hostView(2, 20, 100)));
    assert.strictEqual(webview.resyncs, 1);
    assert.strictEqual(webview.training?.history.length, 50); // what it had stays on screen until the replay
  });
});
