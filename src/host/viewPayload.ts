/**
 * What each webview is sent of a state or a training run: no more than it draws, so a message stays
 * small however long a run is (every post is serialised by the host, relayed by the workbench and
 * parsed by the webview). Heat strips and chart lines are drawn figures; the summary view shows neither.
 */
import { StepRecord } from '../core/diagnosis/report';
import { DocumentState, TrainingView } from '../shared/protocol';
import { bucketFirsts, chartBucket } from '../shared/chartHistory';

/** Which webview a payload is for. */
export type ViewKind = 'panel' | 'summary';

/** Significant digits of a drawn figure (a heat-strip cell, a chart point): its colour, place and hover need no more. */
const DRAWN_DIGITS = 4;

/** `v` to `DRAWN_DIGITS` significant digits (NaN and ±∞ unchanged). */
const drawn = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(DRAWN_DIGITS)) : v);

/**
 * The state as `view` draws it: the panel's heat strips (units × samples activations, one canvas
 * colour per cell) to 4 significant digits; the summary view, which draws none, without them.
 */
export function stateFor(view: ViewKind, state: DocumentState | undefined): DocumentState | undefined {
  const report = state?.report;
  if (!state || !report || !report.layers.some((l) => l.heat)) return state;
  const layers = report.layers.map(({ heat, ...layer }) =>
    heat && view === 'panel' ? { ...layer, heat: { samples: heat.samples, values: heat.values.map(drawn) } } : layer,
  );
  return { ...state, report: { ...report, layers } };
}

/** One step for the panel's charts: its per-layer figures to 4 significant digits (step and loss exact). */
function chartRecord(r: StepRecord): StepRecord {
  return {
    ...r,
    gradNorms: r.gradNorms.map(drawn),
    updateRatios: r.updateRatios.map(drawn),
    deadFractions: r.deadFractions.map(drawn),
    saturatedFractions: r.saturatedFractions.map(drawn),
    activationPercentiles: r.activationPercentiles.map((p) => p.map(drawn)),
  };
}

/**
 * Steps per chart bucket for a run's panel charts: its records from the first step to the planned last one (or the
 * latest, past it). Planned, not reached: a run's progress messages then carry at most its share of the points
 * (a 500-step run every second step), not every step while the run is still short.
 */
export function panelBucket(training: TrainingView): number {
  const h = training.history;
  return h.length ? chartBucket(Math.max(training.stepsTotal, h[h.length - 1].step) - h[0].step) : 1;
}

/** The records the panel's charts draw (only those after step `after`), their figures to 4 significant digits. */
export function panelRecords(training: TrainingView, after = -Infinity): StepRecord[] {
  return bucketFirsts(training.history, panelBucket(training))
    .filter((r) => r.step > after)
    .map(chartRecord);
}

/** The decision surface as the panel draws it: one colour per value, to 4 significant digits. */
export function panelSurface(surface: NonNullable<TrainingView['surface']>): NonNullable<TrainingView['surface']> {
  return { ...surface, values: surface.values.map(drawn) };
}

/**
 * The training run as `view` draws it: the panel's charts get the first step of each of at most
 * PANEL_HISTORY_POINTS buckets and the latest (src/shared/chartHistory.ts), their per-layer figures and the
 * decision surface to 4 significant digits (the status line's loss exact); the summary view, which shows only
 * how far training got, the latest step alone.
 */
export function trainingFor(view: ViewKind, training: TrainingView): TrainingView {
  const h = training.history;
  if (view === 'summary') return { ...training, history: h.slice(-1) };
  const { surface } = training;
  return { ...training, history: panelRecords(training), ...(surface ? { surface: panelSurface(surface) } : {}) };
}
