/** The analysis of one pass: header, problems, warnings with fixes, the gradient-flow chart, the layer table. */
import { WireNumber, displayNumber, exactNumber, toNumber } from '../../shared/numbers';
import type { AnalysisReport, DocumentState, Warning, Wire } from '../../shared/protocol';
import { legend, lineChart } from './charts';
import { el } from './dom';
import { KIND_TITLES } from './warningTitles';

/** What the analysis view's buttons and rows ask the panel to do. */
export interface AnalysisViewHandlers {
  reveal(layerIndex: number, warningIndex?: number): void;
  applyFix(warningIndex: number, fixIndex: number): void;
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

/** The warnings with cause, fix and one button per suggested fix. */
export function warnings(
  list: readonly Wire<Warning>[],
  h: AnalysisViewHandlers,
  id = 'warnings',
  trainingWarnings = false,
): HTMLElement {
  const root = el('div', { id, class: 'warnings' });
  if (!list.length) {
    root.append(
      el(
        'p',
        { class: 'healthy' },
        trainingWarnings
          ? 'Nothing went wrong during training.'
          : 'No warnings: gradients reach every layer at a healthy size.',
      ),
    );
    return root;
  }
  list.forEach((w, i) => {
    const layerIndex = toNumber(w.layerIndex);
    const item = el(
      'article',
      {
        class: `warning severity-${w.severity}`,
        'data-kind': w.kind,
        'data-layer-index': w.layerIndex,
        tabindex: 0,
        'aria-label': `${KIND_TITLES[w.kind] ?? w.kind} in ${w.layer}`,
      },
      el(
        'h3',
        {},
        el('span', { class: 'kind' }, KIND_TITLES[w.kind] ?? w.kind),
        layerIndex >= 0 ? ` in '${w.layer}'` : '',
        w.firstStep !== undefined ? el('span', { class: 'step' }, ` · from step ${w.firstStep}`) : undefined,
      ),
      el('p', { class: 'warning-message' }, w.message),
      el('p', { class: 'warning-cause' }, el('strong', {}, 'Cause: '), w.cause),
      el('p', { class: 'warning-fix' }, el('strong', {}, 'Fix: '), w.fix),
    );
    const actions = el('div', { class: 'actions' });
    if (!trainingWarnings) {
      w.fixes.forEach((f, k) => {
        const b = el(
          'button',
          { class: 'apply-fix', 'data-fix-index': k, title: 'Applies the change to the file as one undoable edit' },
          f.title,
        );
        b.addEventListener('click', () => h.applyFix(i, k));
        actions.append(b);
      });
    }
    const show = el('button', { class: 'secondary reveal' }, 'Show in editor');
    show.addEventListener('click', () => h.reveal(layerIndex, i));
    actions.append(show);
    item.append(actions);
    item.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && e.target === item) h.reveal(layerIndex, i);
    });
    root.append(item);
  });
  return root;
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
  return el(
    'figure',
    { class: 'chart-figure' },
    lineChart({
      id: 'gradient-flow',
      title: 'Gradient flow across layers (log scale)',
      xs: report.layers.map((l) => toNumber(l.index)),
      xTickLabels: report.layers.map((l) => l.name),
      xLabel: 'layer (input → output)',
      series,
      log: true,
      marks,
      band: { lo: 1e-4, hi: 1e-2, label: 'healthy update ratio, around 1e-3' },
    }),
    legend(series),
    el(
      'figcaption',
      {},
      'Backpropagation runs right to left: a line falling towards the input means vanishing gradients, rising means exploding. The band marks healthy update ratios (≈ 1e-3).',
    ),
  );
}

/** The layer table with exact values in data attributes and hovers. */
export function layerTable(
  report: Wire<AnalysisReport>,
  selected: number | undefined,
  h: AnalysisViewHandlers,
): HTMLTableElement {
  const head = el(
    'tr',
    {},
    ...[
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
    ].map((t) => el('th', { scope: 'col' }, t)),
  );
  const body = el('tbody');
  for (const l of report.layers) {
    const index = toNumber(l.index);
    const flagged = report.warnings.some((w) => w.layerIndex === l.index);
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
      el(
        'td',
        {
          class: `num${l.deadUnits.length ? ' bad' : ''}`,
          'data-field': 'dead',
          'data-value': l.deadUnits.length,
          title: l.deadUnits.length ? `dead units: ${l.deadUnits.join(', ')}` : 'no dead units',
        },
        String(l.deadUnits.length),
      ),
      el(
        'td',
        {
          class: `num${l.saturatedUnits.length ? ' bad' : ''}`,
          'data-field': 'saturated',
          'data-value': l.saturatedUnits.length,
          title: l.saturatedUnits.length ? `saturated units: ${l.saturatedUnits.join(', ')}` : 'no saturated units',
        },
        String(l.saturatedUnits.length),
      ),
    );
    row.addEventListener('click', () => h.selectLayer(index));
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') h.selectLayer(index);
    });
    body.append(row);
  }
  return el(
    'table',
    { id: 'layer-table', class: 'layer-table' },
    el('caption', {}, 'Layers (click a row for details, exact values on hover)'),
    el('thead', {}, head),
    body,
  );
}
