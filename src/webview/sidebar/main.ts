/** The side-bar summary: loss, warnings (click or Enter reveals the layer), a short layer table, buttons. */
import { displayNumber, exactNumber, toNumber } from '../../shared/numbers';
import type { DocumentState, TrainingView, Wire } from '../../shared/protocol';
import { listen } from '../messages';
import { el, replaceChildren, svg, tip } from '../render/dom';
import { log10OrUndefined } from '../render/scales';
import { KIND_TITLES } from '../render/warningTitles';
import { post } from '../vscodeApi';

let state: Wire<DocumentState> | undefined;
let training: Wire<TrainingView> | undefined;
const app = document.getElementById('app')!;

function render(): void {
  const open = el('button', { id: 'open-panel' }, 'Open Gradient panel');
  open.addEventListener('click', () => post({ type: 'command', command: 'openPanel' }));
  if (!state) {
    replaceChildren(app, el('p', {}, 'Open a *.net.json network file.'), open);
    return;
  }
  const report = state.report;
  const train = el('button', { class: 'secondary' }, training?.running ? 'Pause' : 'Train');
  train.addEventListener('click', () => post({ type: 'command', command: training?.running ? 'pause' : 'train' }));
  const warningsList = el('ul', { id: 'summary-warnings' });
  for (const [i, w] of (report?.warnings ?? []).entries()) {
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
    warningsList.append(li);
  }
  if (report && !report.warnings.length) warningsList.append(el('li', { class: 'healthy' }, 'No warnings'));
  const logs = report?.layers.map((l) => log10OrUndefined(l.gradients.weightNorm)) ?? [];
  const finite = logs.filter((v): v is number => v !== undefined);
  const lo = Math.min(...finite, 0) - 1,
    hi = Math.max(...finite, lo + 1);
  const rows = (report?.layers ?? []).map((l, i) => {
    const v = logs[i];
    const width = v === undefined ? 0 : Math.max(2, ((v - lo) / (hi - lo)) * 60);
    const bar = svg(
      'svg',
      { class: 'bar-mini', viewBox: '0 0 60 8', role: 'img', 'aria-label': `log ‖∂E/∂W‖ bar` },
      svg(
        'rect',
        { class: 'bar', x: 0, y: 0, width, height: 8 },
        tip(`‖∂E/∂W‖ = ${exactNumber(l.gradients.weightNorm)}`),
      ),
    );
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
      el('td', {}, bar),
      el(
        'td',
        { class: `num${l.deadUnits.length || l.saturatedUnits.length ? ' bad' : ''}`, title: 'dead / saturated units' },
        l.deadUnits.length || l.saturatedUnits.length ? `${l.deadUnits.length + l.saturatedUnits.length}` : '',
      ),
    );
  });
  replaceChildren(
    app,
    el('h2', {}, state.fileName),
    report
      ? el(
          'p',
          {},
          'loss ',
          el(
            'strong',
            { id: 'summary-loss', 'data-value': exactNumber(report.loss), title: exactNumber(report.loss) },
            displayNumber(report.loss, 5),
          ),
          state.problems.length
            ? el('span', { class: 'stale' }, ` · ${state.problems.length} error(s) in the file`)
            : undefined,
        )
      : el('p', { class: 'stale' }, `${state.problems.length} error(s) in the file`),
    training && training.history.length
      ? el(
          'p',
          { id: 'summary-training' },
          training.running ? `training: step ${training.stepsDone}` : `trained ${training.stepsDone} steps`,
        )
      : undefined,
    el('h3', {}, 'Warnings'),
    warningsList,
    report
      ? el(
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
        )
      : undefined,
    el('div', { class: 'buttons' }, open, train),
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
