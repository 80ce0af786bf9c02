/** A training worker that dies mid-run in a real VS Code: the views keep their last state, say so, and Train starts again. */
import * as assert from 'assert';
import { VsCode, waitFor } from './harness';

/** The worker exits as a crash would once its run passes this step (coreWorker.ts, GD_TEST_WORKER_EXIT_AT_STEP). */
const EXIT_AT_STEP = 3000;

suite('A training worker that dies mid-training (dark theme)', function () {
  let vs: VsCode;

  suiteSetup(async function () {
    this.timeout(240_000);
    process.env.GD_TEST_WORKER_EXIT_AT_STEP = String(EXIT_AT_STEP); // inherited by code-server's extension host
    try {
      vs = await VsCode.start('Default Dark Modern');
    } finally {
      delete process.env.GD_TEST_WORKER_EXIT_AT_STEP;
    }
  });

  teardown(async function () {
    if (this.currentTest?.state === 'failed') await vs?.screenshot('FAILED-worker-crash').catch(() => undefined);
  });

  suiteTeardown(async () => {
    await vs?.close();
  });

  test('the panel keeps its charts and says the worker stopped; Train then starts afresh', async () => {
    await vs.openFile('xor-healthy.net.json');
    await vs.train(1_000_000);
    const panel = await vs.webview('#training');
    const status = (): Promise<string> => panel.locator('#training-status').innerText();
    await waitFor(async () => /Training stopped at step/.test(await status()), 90_000, 'the worker stop reported');
    const stopped = await status();
    assert.match(stopped, /the worker stopped \(exit code 70\)/, stopped);
    assert.match(stopped, /Train starts again from the file/, stopped);
    const step = Number(/at step (\d+)/.exec(stopped)![1]);
    assert.ok(step > 0 && step <= EXIT_AT_STEP, stopped);
    for (const id of ['chart-loss', 'chart-grad-norms', 'chart-update-ratio'])
      assert.strictEqual(await panel.locator(`svg#${id}`).count(), 1, `${id} kept after the worker died`);
    await vs.screenshot('worker-stopped-dark');
    await vs.train(300);
    await waitFor(async () => /^Trained 300 steps/.test(await status()), 60_000, 'a fresh training after the stop');
  });
});
