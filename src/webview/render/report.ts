/** The one-pass report: header, problems, warnings with fixes, the gradient-flow chart, the layer table, per-layer details. */
import { WireNumber, exactNumber, formatNumber, toNumber } from '../../shared/numbers';
import type { DocumentState } from '../../shared/protocol';
import type { AnalysisReport, LayerReport, Warning } from '../../core/diagnosis/report';
import { histogram, legend, lineChart } from './charts';
import { el } from './dom';

export interface ReportHandlers {
  reveal(layerIndex: number, warningIndex?: number): void;
  applyFix(warningIndex: number, fixIndex: number): void;
  selectLayer(layerIndex: number): void;
}

/** A number cell with its exact value in data-value and the hover. */
export function numberCell(field: string, v: WireNumber, what: string): HTMLTableCellElement {
  return el('td', { class: 'num', 'data-field': field, 'data-value': exactNumber(v), title: `${what}: ${exactNumber(v)}` }, formatNumber(v));
}

/** Title of each warning kind. */
export const KIND_TITLES: Record<string, string> = {
  vanishing_gradient: 'Vanishing gradient',
  exploding_gradient: 'Exploding gradient',
  dead_relu: 'Dead ReLU units',
  saturated_activation: 'Saturated units',
  non_finite: 'NaN or infinity',
  bad_init: 'Badly scaled initialisation',
  output_mismatch: 'Output cannot reach the targets',
  loss_diverging: 'Loss diverging',
};

/** File name, loss, sizes; marked stale when the file currently has errors. */
export function header(state: DocumentState, report: AnalysisReport | undefined): HTMLElement {
  const stale = state.problems.length > 0;
  return el('header', { class: 'report-header' },
    el('h1', {}, state.fileName),
    report ? el('p', { class: 'figures' },
      el('span', {}, 'loss '),
      el('strong', { id: 'loss', 'data-value': exactNumber(report.loss), title: `E = ${exactNumber(report.loss)}` }, formatNumber(report.loss, 6)),
      ` · ${report.samples} samples · ${report.parameters} parameters · `,
      el('span', { class: 'network-name' }, report.network)) : el('p', {}, 'No analysis yet.'),
    stale ? el('p', { class: 'stale', role: 'status' }, report ? 'The file has errors: showing the last good analysis.' : 'The file has errors.') : undefined);
}

/** Validation errors, each clickable to its place. */
export function problems(state: DocumentState): HTMLElement {
  const list = el('ul', { id: 'problems' });
  for (const p of state.problems) {
    list.append(el('li', { class: 'problem' }, el('span', { class: 'where' }, `line ${p.line + 1}, column ${p.character + 1}`), ' ', p.message));
  }
  return list;
}

/** The warnings with cause, fix and one button per suggested fix. */
export function warnings(list: readonly Warning[], h: ReportHandlers, id = 'warnings', trainingWarnings = false): HTMLElement {
  const root = el('div', { id, class: 'warnings' });
  if (!list.length) {
    root.append(el('p', { class: 'healthy' }, trainingWarnings ? 'Nothing went wrong during training.' : 'No warnings: gradients reach every layer at a healthy size.'));
    return root;
  }
  list.forEach((w, i) => {
    const item = el('article', { class: `warning severity-${w.severity}`, 'data-kind': w.kind, 'data-layer-index': w.layerIndex, tabindex: 0, 'aria-label': `${KIND_TITLES[w.kind] ?? w.kind} in ${w.layer}` },
      el('h3', {}, el('span', { class: 'kind' }, KIND_TITLES[w.kind] ?? w.kind), w.layerIndex >= 0 ? ` in '${w.layer}'` : '', w.firstStep !== undefined ? el('span', { class: 'step' }, ` · from step ${w.firstStep}`) : undefined),
      el('p', { class: 'warning-message' }, w.message),
      el('p', { class: 'warning-cause' }, el('strong', {}, 'Cause: '), w.cause),
      el('p', { class: 'warning-fix' }, el('strong', {}, 'Fix: '), w.fix));
    const actions = el('div', { class: 'actions' });
    if (!trainingWarnings) {
      w.fixes.forEach((f, k) => {
        const b = el('button', { class: 'apply-fix', 'data-fix-index': k, title: 'Applies the change to the file as one undoable edit' }, f.title);
        b.addEventListener('click', () => h.applyFix(i, k));
        actions.append(b);
      });
    }
    const show = el('button', { class: 'secondary reveal' }, 'Show in editor');
    show.addEventListener('click', () => h.reveal(w.layerIndex, i));
    actions.append(show);
    item.append(actions);
    item.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.target === item) h.reveal(w.layerIndex, i); });
    root.append(item);
  });
  return root;
}

/** Per-layer ‖∂E/∂W‖ and update ratio on one log axis, input to output, with the healthy update band. */
export function gradientFlow(report: AnalysisReport): HTMLElement {
  const series = [
    { name: '‖∂E/∂W‖', values: report.layers.map((l) => l.gradients.weightNorm) },
    { name: 'update ratio lr·‖∇W‖/‖W‖', values: report.layers.map((l) => l.gradients.updateRatio) },
    { name: "mean |f'(z)|", values: report.layers.map((l) => l.derivatives.meanAbs) },
  ];
  const marks = report.warnings.filter((w) => w.layerIndex >= 0 && (w.kind === 'vanishing_gradient' || w.kind === 'exploding_gradient'))
    .map((w) => ({ x: w.layerIndex, label: `${KIND_TITLES[w.kind]} starts at '${w.layer}'` }));
  return el('figure', { class: 'chart-figure' },
    lineChart({ id: 'gradient-flow', title: 'Gradient flow across layers (log scale)', xs: report.layers.map((l) => l.index), xTickLabels: report.layers.map((l) => l.name), xLabel: 'layer (input → output)', series, log: true, marks, band: { lo: 1e-4, hi: 1e-2, label: 'healthy update ratio, around 1e-3' } }),
    legend(series),
    el('figcaption', {}, 'Backpropagation runs right to left: a line falling towards the input means vanishing gradients, rising means exploding. The band marks healthy update ratios (≈ 1e-3).'));
}

/** The layer table with exact values in data attributes and hovers. */
export function layerTable(report: AnalysisReport, selected: number | undefined, h: ReportHandlers): HTMLTableElement {
  const head = el('tr', {}, ...['#', 'layer', 'units', 'activation', "mean |f'(z)|", '‖∂E/∂W‖', '‖∂E/∂b‖', 'update ratio', 'dead', 'saturated'].map((t) => el('th', { scope: 'col' }, t)));
  const body = el('tbody');
  for (const l of report.layers) {
    const flagged = report.warnings.some((w) => w.layerIndex === l.index);
    const row = el('tr', { 'data-layer-index': l.index, class: `${flagged ? 'flagged' : ''}${selected === l.index ? ' selected' : ''}`.trim() || undefined, tabindex: 0 },
      el('td', { class: 'num' }, String(l.index)),
      el('td', { 'data-field': 'name' }, l.name),
      el('td', { class: 'num', 'data-field': 'units', 'data-value': l.units }, String(l.units)),
      el('td', { 'data-field': 'activation' }, l.activation),
      numberCell('meanAbsDer', l.derivatives.meanAbs, "mean |f'(z)|"),
      numberCell('weightNorm', l.gradients.weightNorm, '‖∂E/∂W‖'),
      numberCell('biasNorm', l.gradients.biasNorm, '‖∂E/∂b‖'),
      numberCell('updateRatio', l.gradients.updateRatio, 'lr·‖∂E/∂W‖/‖W‖'),
      el('td', { class: `num${l.deadUnits.length ? ' bad' : ''}`, 'data-field': 'dead', 'data-value': l.deadUnits.length, title: l.deadUnits.length ? `dead units: ${l.deadUnits.join(', ')}` : 'no dead units' }, String(l.deadUnits.length)),
      el('td', { class: `num${l.saturatedUnits.length ? ' bad' : ''}`, 'data-field': 'saturated', 'data-value': l.saturatedUnits.length, title: l.saturatedUnits.length ? `saturated units: ${l.saturatedUnits.join(', ')}` : 'no saturated units' }, String(l.saturatedUnits.length)));
    row.addEventListener('click', () => h.selectLayer(l.index));
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter') h.selectLayer(l.index); });
    body.append(row);
  }
  return el('table', { id: 'layer-table', class: 'layer-table' }, el('caption', {}, 'Layers (click a row for details, exact values on hover)'), el('thead', {}, head), body);
}

/** Histograms and the heat strip of one layer. */
export function layerDetail(l: LayerReport, formulas: { f: string; d: string } | undefined): HTMLElement {
  const derMean = toNumber(l.derivatives.meanAbs);
  const root = el('section', { class: 'layer-detail', 'data-layer-index': l.index },
    el('h3', {}, `'${l.name}': ${l.units} ${l.activation} units`),
    formulas ? el('p', { class: 'formula', title: 'activation and its derivative' }, `${formulas.f}   ·   ${formulas.d}`) : undefined,
    el('div', { class: 'histograms' },
      el('figure', {}, histogram(`activations a = f(z) of '${l.name}'`, l.activations.histogram, 'activations', { value: toNumber(l.activations.mean), label: `mean a = ${exactNumber(l.activations.mean)}` }), el('figcaption', {}, `activations: mean ${formatNumber(l.activations.mean)}, std ${formatNumber(l.activations.std)}, ${formatNumber(toNumber(l.activations.fractionZero) * 100)}% exactly 0`)),
      el('figure', {}, histogram(`|f'(z)| of '${l.name}'`, l.derivatives.histogram, 'derivatives', { value: derMean, label: `mean |f'(z)| = ${exactNumber(derMean)}` }), el('figcaption', {}, `|f'(z)|: mean ${formatNumber(derMean)}, min ${formatNumber(l.derivatives.min)}, max ${formatNumber(l.derivatives.max)}`))));
  if (l.heat) root.append(heatStrip(l));
  return root;
}

/** Units × samples activations on a canvas (blue low → red high, theme colours); the hover names the cell under the pointer. */
function heatStrip(l: LayerReport): HTMLElement {
  const heat = l.heat!;
  const values = heat.values.map((v) => toNumber(v));
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(...finite), hi = Math.max(...finite);
  const cell = Math.max(2, Math.min(8, Math.floor(720 / heat.samples)));
  const canvas = el('canvas', { class: 'heat', width: heat.samples * cell, height: l.units * cell, role: 'img', 'aria-label': `activations of ${l.units} units over ${heat.samples} samples, from ${formatNumber(lo)} to ${formatNumber(hi)}` });
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const css = getComputedStyle(document.body);
    const low = css.getPropertyValue('--vscode-charts-blue').trim() || '#3794ff';
    const high = css.getPropertyValue('--vscode-charts-red').trim() || '#f14c4c';
    for (let j = 0; j < l.units; j++) {
      for (let s = 0; s < heat.samples; s++) {
        const v = values[j * heat.samples + s];
        const t = Number.isFinite(v) && hi > lo ? (v - lo) / (hi - lo) : 0.5;
        ctx.fillStyle = t < 0.5 ? low : high;
        ctx.globalAlpha = Math.abs(t - 0.5) * 1.8 + 0.05;
        ctx.fillRect(s * cell, j * cell, cell, cell);
      }
    }
    ctx.globalAlpha = 1;
    ctx.strokeStyle = css.getPropertyValue('--vscode-errorForeground').trim() || '#f14c4c';
    for (const j of l.deadUnits) ctx.strokeRect(0.5, j * cell + 0.5, heat.samples * cell - 1, cell - 1);
  }
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    const s = Math.floor(((e.clientX - r.left) / r.width) * heat.samples);
    const j = Math.floor(((e.clientY - r.top) / r.height) * l.units);
    if (s >= 0 && s < heat.samples && j >= 0 && j < l.units) canvas.title = `unit ${j}, sample ${s + 1}: a = ${values[j * heat.samples + s]}${l.deadUnits.includes(j) ? ' (dead unit)' : ''}`;
  });
  return el('figure', { class: 'heat-figure' }, canvas, el('figcaption', {}, `activations, units (rows) × samples (columns), blue ${formatNumber(lo)} → red ${formatNumber(hi)}; dead units outlined`));
}
