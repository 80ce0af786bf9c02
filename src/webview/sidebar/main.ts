/** The side-bar summary: loss, warnings (click or Enter reveals the layer), a short layer table, buttons. */
import { displayNumber, exactNumber, toNumber } from '../../shared/numbers';
import type { AnalysisReport, DocumentState, LayerReport, TrainingView, Warning, Wire } from '../../shared/protocol';
import { listen } from '../messages';
import { el, replaceChildren, svg, tip } from '../render/dom';
import { log10OrUndefined } from '../render/scales';
import { KIND_TITLES } from '../render/warningTitles';
import { post } from '../vscodeApi';

let state: Wire<DocumentState> | undefined;
let training: Wire<TrainingView> | undefined;
const app = document.getElementById('app')!;

/** The button that opens the Gradient panel. */
function openPanelButton(): HTMLButtonElement {
  const open = el('button', { id: 'open-panel' }, 'Open Gradient panel');
  open.addEventListener('click', () => post({ type: 'command', command: 'openPanel' }));
  return open;
}

/** Train, or Pause while training runs. */
function trainButton(): HTMLButtonElement {
  const train = el('button', { class: 'secondary' }, training?.running ? 'Pause' : 'Train');
  train.addEventListener('click', () => post({ type: 'command', command: training?.running ? 'pause' : 'train' }));
  return train;
}

/** One warning as a list item; click, Enter or Space reveals its layer. */
function warningItem(w: Wire<Warning>, i: number): HTMLLIElement {
  const layerIndex = toNumber(w.layerIndex);
  const li = el(
    'li',
    {
      class: `warning severity-${w.severity}`,
      'data-kind': w.kind,
      'data-layer-index': w.layerIndex,
      tabindex: 0,
      role: 'button',
      title: `${w.cause}\nFix: ${w.fix}`,
    },
    el('strong', {}, KIND_TITLES[w.kind] ?? w.kind),
    layerIndex >= 0 ? ` · ${w.layer}` : '',
    el('br'),
    el('span', { class: 'message' }, w.message),
  );
  const reveal = (): void => post({ type: 'reveal', layerIndex, warningIndex: i });
  li.addEventListener('click', reveal);
  li.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      reveal();
    }
  });
  return li;
}

/** The warnings given, or "No warnings" when there are none (empty when there is nothing to judge yet). */
function warningsList(list: readonly Wire<Warning>[] | undefined): HTMLUListElement {
  const ul = el('ul', { id: 'summary-warnings' });
  for (const [i, w] of (list ?? []).entries()) ul.append(warningItem(w, i));
  if (list && !list.length) ul.append(el('li', { class: 'healthy' }, 'No warnings'));
  return ul;
}

/** A small bar of `width` (out of 60) for one layer's ‖∂E/∂W‖. */
function gradientBar(l: Wire<LayerReport>, width: number): SVGSVGElement {
  return svg(
    'svg',
    { class: 'bar-mini', viewBox: '0 0 60 8', role: 'img', 'aria-label': `log ‖∂E/∂W‖ bar` },
    svg(
      'rect',
      { class: 'bar', x: 0, y: 0, width, height: 8 },
      tip(`‖∂E/∂W‖ = ${exactNumber(l.gradients.weightNorm)}`),
    ),
  );
}

/** One row of the layer table: name, ‖∂E/∂W‖, its bar and the count of dead or saturated units. */
function layerRow(l: Wire<LayerReport>, barWidth: number): HTMLTableRowElement {
  const flagged = l.deadUnits.length || l.saturatedUnits.length;
  return el(
    'tr',
    { 'data-layer-index': l.index },
    el('td', {}, l.name),
    el(
      'td',
      {
        class: 'num',
        'data-value': exactNumber(l.gradients.weightNorm),
        title: `‖∂E/∂W‖ = ${exactNumber(l.gradients.weightNorm)}`,
      },
      displayNumber(l.gradients.weightNorm),
    ),
    el('td', {}, gradientBar(l, barWidth)),
    el(
      'td',
      { class: `num${flagged ? ' bad' : ''}`, title: 'dead / saturated units' },
      flagged ? `${l.deadUnits.length + l.saturatedUnits.length}` : '',
    ),
  );
}

/** The layer table, bars scaled on log ‖∂E/∂W‖ across the layers. */
function layersTable(report: Wire<AnalysisReport>): HTMLTableElement {
  const logs = report.layers.map((l) => log10OrUndefined(l.gradients.weightNorm));
  const finite = logs.filter((v): v is number => v !== undefined);
  const lo = Math.min(...finite, 0) - 1,
    hi = Math.max(...finite, lo + 1);
  const rows = report.layers.map((l, i) => {
    const v = logs[i];
    return layerRow(l, v === undefined ? 0 : Math.max(2, ((v - lo) / (hi - lo)) * 60));
  });
  return el(
    'table',
    { id: 'summary-layers' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', {}, 'layer'),
        el('th', {}, '‖∂E/∂W‖'),
        el('th', {}, ''),
        el('th', { title: 'dead or saturated units' }, '⚠'),
      ),
    ),
    el('tbody', {}, ...rows),
  );
}

/** The loss (with the file's error count, if any), or only the error count without a report. */
function lossLine(s: Wire<DocumentState>): HTMLParagraphElement {
  const report = s.report;
  if (!report) return el('p', { class: 'stale' }, `${s.problems.length} error(s) in the file`);
  return el(
    'p',
    {},
    'loss ',
    el(
      'strong',
      { id: 'summary-loss', 'data-value': exactNumber(report.loss), title: exactNumber(report.loss) },
      displayNumber(report.loss, 5),
    ),
    s.problems.length ? el('span', { class: 'stale' }, ` · ${s.problems.length} error(s) in the file`) : undefined,
  );
}

/** The training step reached, once there is a history. */
function trainingLine(): HTMLParagraphElement | undefined {
  if (!training || !training.history.length) return undefined;
  return el(
    'p',
    { id: 'summary-training' },
    training.status ??
      (training.running ? `training: step ${training.stepsDone}` : `trained ${training.stepsDone} steps`),
  );
}

/** Redraws the summary from the current state. */
function render(): void {
  const open = openPanelButton();
  if (!state) {
    replaceChildren(app, el('p', {}, 'Open a *.net.json network file.'), open);
    return;
  }
  if (state.run) {
    // a training run read from its log: its facts, how far it got, and the over-time warnings of every step
    const run = state.run;
    const facts =
      run.error ?? (toNumber(run.skippedLines) ? `${run.facts} · ${run.skippedLines} lines skipped` : run.facts);
    replaceChildren(
      app,
      el('h2', {}, state.fileName),
      el('p', { id: 'summary-run' }, facts),
      trainingLine(),
      el('h3', {}, 'Warnings'),
      warningsList(training?.warnings),
      el('div', { class: 'buttons' }, open),
    );
    return;
  }
  const report = state.report;
  replaceChildren(
    app,
    el('h2', {}, state.fileName),
    lossLine(state),
    trainingLine(),
    el('h3', {}, 'Warnings'),
    warningsList(report?.warnings),
    report ? layersTable(report) : undefined,
    el('div', { class: 'buttons' }, open, trainButton()),
  );
}

listen(
  {
    state: (next) => {
      if (next?.uri !== state?.uri) training = undefined;
      state = next;
    },
    training: (t) => {
      training = t;
    },
  },
  () => render(),
);

render();
post({ type: 'ready' });
