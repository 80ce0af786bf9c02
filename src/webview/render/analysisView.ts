/** The analysis of one pass: header, problems, the gradient-flow chart, the layer table (warnings: warningList.ts). */
import { WireNumber, displayNumber, exactNumber, toNumber } from '../../shared/numbers';
import type { AnalysisReport, DocumentState, LayerReport, Wire } from '../../shared/protocol';
import { LineChartOptions, legend, lineChart, summaryParagraph } from './charts';
import { el } from './dom';
import { KIND_TITLES } from './warningTitles';

/** What the analysis view's buttons and rows ask the panel to do. */
export interface AnalysisViewHandlers {
  reveal(layerIndex: number, warningIndex?: number): void;
  applyFix(warningId: string, fixIndex: number): void;
  selectLayer(layerIndex: number): void;
}

/** A number cell with its exact value in data-value and the hover. */
export function numberCell(field: string, v: WireNumber, what: string): HTMLTableCellElement {
  return el(
    'td',
    { class: 'num', 'data-field': field, 'data-value': exactNumber(v), title: `${what}: ${exactNumber(v)}` },
    displayNumber(v),
  );
}

/** File name, loss, sizes; marked stale when the file currently has errors. */
export function header(state: Wire<DocumentState>, report: Wire<AnalysisReport> | undefined): HTMLElement {
  const stale = state.problems.length > 0;
  return el(
    'header',
    { class: 'report-header' },
    el('h1', {}, state.fileName),
    report
      ? el(
          'p',
          { class: 'figures' },
          el('span', {}, 'loss '),
          el(
            'strong',
            { id: 'loss', 'data-value': exactNumber(report.loss), title: `E = ${exactNumber(report.loss)}` },
            displayNumber(report.loss, 6),
          ),
          ` · ${report.samples} samples · ${report.parameters} parameters · `,
          el('span', { class: 'network-name' }, report.network),
        )
      : el('p', {}, 'No analysis yet.'),
    stale
      ? el(
          'p',
          { class: 'stale', role: 'status' },
          report ? 'The file has errors: showing the last good analysis.' : 'The file has errors.',
        )
      : undefined,
  );
}

/** Validation errors, each clickable to its place. */
export function problems(state: Wire<DocumentState>): HTMLElement {
  const list = el('ul', { id: 'problems' });
  for (const p of state.problems) {
    list.append(
      el(
        'li',
        { class: 'problem' },
        el('span', { class: 'where' }, `line ${toNumber(p.line) + 1}, column ${toNumber(p.character) + 1}`),
        ' ',
        p.message,
      ),
    );
  }
  return list;
}

/** Per-layer ‖∂E/∂W‖ and update ratio on one log axis, input to output, with the healthy update band. */
export function gradientFlow(report: Wire<AnalysisReport>): HTMLElement {
  const series = [
    { name: '‖∂E/∂W‖', values: report.layers.map((l) => l.gradients.weightNorm) },
    { name: 'update ratio lr·‖∇W‖/‖W‖', values: report.layers.map((l) => l.gradients.updateRatio) },
    { name: "mean |f'(z)|", values: report.layers.map((l) => l.derivatives.meanAbs) },
  ];
  const marks = report.warnings
    .filter((w) => toNumber(w.layerIndex) >= 0 && (w.kind === 'vanishing_gradient' || w.kind === 'exploding_gradient'))
    .map((w) => ({ x: toNumber(w.layerIndex), label: `${KIND_TITLES[w.kind]} starts at '${w.layer}'` }));
  const chart: LineChartOptions = {
    id: 'gradient-flow',
    title: 'Gradient flow across layers (log scale)',
    xs: report.layers.map((l) => toNumber(l.index)),
    xTickLabels: report.layers.map((l) => l.name),
    xLabel: 'layer (input → output)',
    series,
    log: true,
    marks,
    band: { lo: 1e-4, hi: 1e-2, label: 'healthy update ratio, around 1e-3' },
  };
  return el(
    'figure',
    { class: 'chart-figure' },
    lineChart(chart),
    legend(series),
    summaryParagraph(chart),
    el(
      'figcaption',
      {},
      'Backpropagation runs right to left: a line falling towards the input means vanishing gradients, ' +
        'rising means exploding. The band marks healthy update ratios (≈ 1e-3).',
    ),
  );
}

/** The column headings of the layer table. */
const LAYER_COLUMNS = [
  '#',
  'layer',
  'units',
  'activation',
  "mean |f'(z)|",
  '‖∂E/∂W‖',
  '‖∂E/∂b‖',
  'update ratio',
  'dead',
  'saturated',
];

/** The count of dead or saturated units, marked bad when there are any, which the hover lists. */
function unitCountCell(field: 'dead' | 'saturated', units: readonly WireNumber[]): HTMLTableCellElement {
  return el(
    'td',
    {
      class: `num${units.length ? ' bad' : ''}`,
      'data-field': field,
      'data-value': units.length,
      title: units.length ? `${field} units: ${units.join(', ')}` : `no ${field} units`,
    },
    String(units.length),
  );
}

/** One row of the layer table, flagged when a warning names the layer; click or Enter selects it. */
function layerRow(
  l: Wire<LayerReport>,
  flagged: boolean,
  selected: number | undefined,
  h: AnalysisViewHandlers,
): HTMLTableRowElement {
  const index = toNumber(l.index);
  const row = el(
    'tr',
    {
      'data-layer-index': l.index,
      class: `${flagged ? 'flagged' : ''}${selected === l.index ? ' selected' : ''}`.trim() || undefined,
      tabindex: 0,
    },
    el('td', { class: 'num' }, String(l.index)),
    el('td', { 'data-field': 'name' }, l.name),
    el('td', { class: 'num', 'data-field': 'units', 'data-value': l.units }, String(l.units)),
    el('td', { 'data-field': 'activation' }, l.activation),
    numberCell('meanAbsDer', l.derivatives.meanAbs, "mean |f'(z)|"),
    numberCell('weightNorm', l.gradients.weightNorm, '‖∂E/∂W‖'),
    numberCell('biasNorm', l.gradients.biasNorm, '‖∂E/∂b‖'),
    numberCell('updateRatio', l.gradients.updateRatio, 'lr·‖∂E/∂W‖/‖W‖'),
    unitCountCell('dead', l.deadUnits),
    unitCountCell('saturated', l.saturatedUnits),
  );
  row.addEventListener('click', () => h.selectLayer(index));
  row.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') h.selectLayer(index);
  });
  return row;
}

/** The layer table with exact values in data attributes and hovers. */
export function layerTable(
  report: Wire<AnalysisReport>,
  selected: number | undefined,
  h: AnalysisViewHandlers,
): HTMLTableElement {
  const head = el('tr', {}, ...LAYER_COLUMNS.map((t) => el('th', { scope: 'col' }, t)));
  const rows = report.layers.map((l) =>
    layerRow(
      l,
      report.warnings.some((w) => w.layerIndex === l.index),
      selected,
      h,
    ),
  );
  return el(
    'table',
    { id: 'layer-table', class: 'layer-table' },
    el('caption', {}, 'Layers (click a row for details, exact values on hover)'),
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
}
