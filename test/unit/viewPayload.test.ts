import * as assert from 'assert';
import { LayerReport, StepRecord } from '../../src/core/diagnosis/report';
import { stateFor, trainingFor } from '../../src/host/viewPayload';
import { PANEL_HISTORY_POINTS } from '../../src/shared/chartHistory';
import { DocumentState, TrainingView } from '../../src/shared/protocol';

/** A step record whose per-layer figures carry more digits than a chart draws. */
function record(step: number): StepRecord {
  return {
    step,
    loss: 0.69314718055994 + step * 1e-9,
    gradNorms: [1.0042542744298327e-9, 0.017088530235866917],
    updateRatios: [1.849395286337796e-10, NaN],
    deadFractions: [0, 0.3333333333333333],
    saturatedFractions: [0.125, Infinity],
    activationPercentiles: [[0.4744477445131166, 0.4938294229357499, 0.4997921868798656, 0.5051987494514985, 1]],
  };
}

function view(steps: number): TrainingView {
  return {
    running: true,
    stepsDone: steps,
    stepsTotal: 1000,
    history: Array.from({ length: steps }, (_, i) => record(i + 1)),
    warnings: [],
  };
}

suite('what each webview is sent', () => {
  test('the panel gets the first step of each power-of-2 chart bucket and the latest, at most PANEL_HISTORY_POINTS', () => {
    const sent = trainingFor('panel', view(1201)).history;
    assert.ok(sent.length <= PANEL_HISTORY_POINTS && sent.length >= PANEL_HISTORY_POINTS / 2, `${sent.length}`);
    assert.strictEqual(sent[0].step, 1);
    assert.strictEqual(sent[sent.length - 1].step, 1201);
    assert.strictEqual(sent[sent.length - 1].loss, 0.69314718055994 + 1201e-9); // the status line's loss, exact
    // buckets of 8 steps (1200 / 4 would leave more than 300): steps 1, 8, 16, …, 1200, then the latest
    assert.deepStrictEqual(
      sent.slice(0, 4).map((r) => r.step),
      [1, 8, 16, 24],
    );
    assert.deepStrictEqual(
      sent.slice(-2).map((r) => r.step),
      [1200, 1201],
    );
    // 40 steps of a run planned for 1000: buckets of 4 steps from the start (its messages stay small)
    assert.deepStrictEqual(
      trainingFor('panel', view(40)).history.map((r) => r.step),
      [1, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40],
    );
    assert.strictEqual(trainingFor('panel', { ...view(40), stepsTotal: 40 }).history.length, 40); // a short run, whole
  });

  test("the panel's chart figures are rounded to 4 significant digits, NaN and infinities kept", () => {
    const r = trainingFor('panel', view(1)).history[0];
    assert.deepStrictEqual(r.gradNorms, [1.004e-9, 0.01709]);
    assert.ok(Number.isNaN(r.updateRatios[1]));
    assert.strictEqual(r.updateRatios[0], 1.849e-10);
    assert.deepStrictEqual(r.deadFractions, [0, 0.3333]);
    assert.deepStrictEqual(r.saturatedFractions, [0.125, Infinity]);
    assert.deepStrictEqual(r.activationPercentiles, [[0.4744, 0.4938, 0.4998, 0.5052, 1]]);
  });

  test('the summary view gets only the latest step', () => {
    const sent = trainingFor('summary', view(30));
    assert.deepStrictEqual(
      sent.history.map((r) => r.step),
      [30],
    );
    assert.strictEqual(sent.stepsDone, 30);
  });

  test('heat strips: 4 significant digits in the panel, none in the summary view; the rest untouched', () => {
    const layer = {
      index: 0,
      name: 'h1',
      units: 1,
      weightNorm: 1.23456789,
      heat: { samples: 3, values: [0.123456789, -1.5e-7, NaN] },
    } as unknown as LayerReport;
    const state = {
      uri: 'file:///a.net.json',
      fileName: 'a.net.json',
      problems: [],
      report: { loss: 0.5, layers: [layer], warnings: [] },
    } as unknown as DocumentState;
    const panel = stateFor('panel', state)!.report!.layers[0];
    assert.deepStrictEqual(panel.heat!.values.slice(0, 2), [0.1235, -1.5e-7]);
    assert.ok(Number.isNaN(panel.heat!.values[2]));
    assert.strictEqual(panel.weightNorm, 1.23456789);
    assert.strictEqual(stateFor('summary', state)!.report!.layers[0].heat, undefined);
    assert.strictEqual(state.report!.layers[0].heat!.values[0], 0.123456789); // the session's own state unchanged
    assert.strictEqual(stateFor('panel', undefined), undefined);
  });
});
