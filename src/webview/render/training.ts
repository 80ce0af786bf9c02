/**
 * Training over time: loss, per-layer gradient norms, update ratios with the healthy band,
 * dead/saturated fractions, activation percentiles, decision surface.
 */
import { WireNumber, displayNumber, toNumber } from '../../shared/numbers';
import type { TrainingView, Wire } from '../../shared/protocol';
import { LineChartOptions, Series, legend, lineChart, summaryParagraph } from './charts';
import { el } from './dom';

/** A chart with a visible title above it, then its legend (ordered series: depth colours) and its text summary. */
function figure(title: string, o: LineChartOptions, withLegend = true): HTMLElement {
  return el(
    'figure',
    {},
    el('h4', { class: 'chart-title' }, title),
    lineChart(o),
    withLegend ? legend(o.series, o.ordered) : undefined,
    summaryParagraph(o),
  );
}

/** The history of a training run, as received. */
type History = Wire<TrainingView>['history'];

/** Per layer, one series of the figure `pick` chooses from each step. */
function perLayer(
  h: History,
  layerNames: readonly string[],
  pick: (r: History[number]) => readonly WireNumber[],
): Series[] {
  return layerNames.map((name, l) => ({ name, values: h.map((r) => pick(r)[l]) }));
}

/** Progress while training runs, else the loss from first to last step, else "Not trained yet." */
function trainingStatus(t: Wire<TrainingView>): string {
  const h = t.history;
  const last = h[h.length - 1];
  return t.status
    ? t.status
    : t.running
      ? `Training: step ${t.stepsDone} of ${t.stepsTotal}`
      : h.length
        ? `Trained ${t.stepsDone} steps; loss ${displayNumber(h[0].loss, 4)} → ${displayNumber(last.loss, 4)}`
        : 'Not trained yet.';
}

/** The loss per step, on a log axis. */
function lossFigure(h: History, xs: readonly number[], pointMarks: boolean): HTMLElement {
  return figure(
    'Loss per step (log scale)',
    {
      pointMarks,
      id: 'chart-loss',
      title: 'Loss per step',
      xs,
      xLabel: 'step',
      series: [{ name: 'loss', values: h.map((r) => r.loss) }],
      log: true,
    },
    false,
  );
}

/**
 * Per layer over the steps: ‖∂E/∂W‖, the update ratio with its healthy band, the dead or saturated
 * fraction.
 */
function perLayerFigures(
  h: History,
  xs: readonly number[],
  layerNames: readonly string[],
  pointMarks: boolean,
): HTMLElement[] {
  const grad = perLayer(h, layerNames, (r) => r.gradNorms);
  const upd = perLayer(h, layerNames, (r) => r.updateRatios);
  const dead = perLayer(h, layerNames, (r) =>
    r.deadFractions.map((f, i) => toNumber(f) + toNumber(r.saturatedFractions[i])),
  );
  return [
    figure('‖∂E/∂W‖ per layer (log scale)', {
      pointMarks,
      id: 'chart-grad-norms',
      title: '‖∂E/∂W‖',
      xs,
      xLabel: 'step',
      series: grad,
      log: true,
      ordered: true,
    }),
    figure('Update ratio ‖lr·∇W‖/‖W‖ per layer (log; shaded: healthy ≈ 1e-3)', {
      pointMarks,
      id: 'chart-update-ratio',
      title: 'the update ratio',
      xs,
      xLabel: 'step',
      series: upd,
      log: true,
      ordered: true,
      band: { lo: 1e-4, hi: 1e-2, label: 'healthy update ratio, around 1e-3' },
    }),
    figure('Dead (ReLU) or saturated (sigmoid/tanh) fraction of units', {
      pointMarks,
      id: 'chart-dead',
      title: 'the dead or saturated fraction',
      xs,
      xLabel: 'step',
      series: dead,
      log: false,
      ordered: true,
      yDomain: [0, 1],
    }),
  ];
}

/** The p5, p25, median, p75 and p95 of the selected layer's activations over the steps. */
function activationFigure(
  h: History,
  xs: readonly number[],
  layerNames: readonly string[],
  selectedLayer: number,
  pointMarks: boolean,
): HTMLElement {
  const sel = Math.min(Math.max(0, selectedLayer), layerNames.length - 1);
  const pct = ['p5', 'p25', 'median', 'p75', 'p95'].map((name, k) => ({
    name,
    values: h.map((r) => r.activationPercentiles[sel]?.[k] ?? NaN),
  }));
  return figure(`Activations of '${layerNames[sel] ?? ''}': p5–p95 percentiles (pick a layer in the table)`, {
    pointMarks,
    id: 'chart-activations',
    title: 'the activation',
    xs,
    xLabel: 'step',
    series: pct,
    log: false,
    ordered: true,
  });
}

/**
 * One training run's charts under a status line; `selectedLayer` picks the layer whose activation
 * percentiles are drawn. While the run goes on, the lines carry no per-value marks (see pointMarks).
 */
export function trainingCharts(
  t: Wire<TrainingView>,
  layerNames: readonly string[],
  selectedLayer: number,
): HTMLElement {
  const h = t.history;
  const xs = h.map((r) => toNumber(r.step));
  const pointMarks = !t.running;
  return el(
    'div',
    { class: 'training-body' },
    el('p', { id: 'training-status', role: 'status' }, trainingStatus(t)),
    h.length
      ? el(
          'div',
          { class: 'chart-grid' },
          lossFigure(h, xs, pointMarks),
          ...perLayerFigures(h, xs, layerNames, pointMarks),
          activationFigure(h, xs, layerNames, selectedLayer, pointMarks),
          t.surface
            ? el(
                'figure',
                {},
                el('h4', { class: 'chart-title' }, 'Decision surface: output over the input plane, with the data'),
                surfaceCanvas(t.surface),
              )
            : undefined,
        )
      : undefined,
  );
}

/** The decision surface on a canvas (colours read from the theme's chart variables). */
function surfaceCanvas(s: NonNullable<Wire<TrainingView>['surface']>): HTMLCanvasElement {
  const size = 240;
  const canvas = el('canvas', {
    id: 'decision-surface',
    width: size,
    height: size,
    role: 'img',
    'aria-label': 'decision surface of the network over its two inputs',
  });
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  const css = getComputedStyle(document.body);
  const colour = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const palette = [
    colour('--vscode-charts-blue', '#3794ff'),
    colour('--vscode-charts-orange', '#d18616'),
    colour('--vscode-charts-green', '#89d185'),
    colour('--vscode-charts-purple', '#b180d7'),
    colour('--vscode-charts-red', '#f14c4c'),
    colour('--vscode-charts-yellow', '#cca700'),
  ];
  const values = s.values.map((v) => toNumber(v));
  const res = toNumber(s.res);
  // one output: probabilities of class 1; several: the index of the winning class
  const binary = values.some((v) => Number.isFinite(v) && !Number.isInteger(v));
  const cell = size / res;
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      const v = values[r * res + c];
      ctx.globalAlpha = binary ? 0.15 + 0.55 * Math.abs(v - 0.5) * 2 : 0.45;
      ctx.fillStyle = binary ? palette[v >= 0.5 ? 1 : 0] : palette[Math.max(0, Math.round(v)) % palette.length];
      ctx.fillRect(c * cell, r * cell, cell + 0.5, cell + 0.5);
    }
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = colour('--vscode-editor-background', '#1e1e1e');
  const [xMin, xMax, yMin, yMax] = [s.xMin, s.xMax, s.yMin, s.yMax].map(toNumber);
  for (const p of s.points) {
    const x = ((toNumber(p.x) - xMin) / (xMax - xMin)) * size,
      y = ((yMax - toNumber(p.y)) / (yMax - yMin)) * size;
    ctx.fillStyle = palette[Math.max(0, Math.round(toNumber(p.label))) % palette.length];
    ctx.beginPath();
    ctx.arc(x, y, 3, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  return canvas;
}
