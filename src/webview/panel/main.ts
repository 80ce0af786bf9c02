/** The Gradient panel: renders the host's state; every user action becomes a typed message. */
import { toNumber } from '../../shared/numbers';
import type { DocumentState, TrainingView, WeightExplanation, Wire } from '../../shared/protocol';
import { listen } from '../messages';
import { getUiState, post, setUiState } from '../vscodeApi';
import { AnalysisViewHandlers, gradientFlow, header, layerTable, problems, warnings } from '../render/analysisView';
import { diagram } from '../render/diagram';
import { el, replaceChildren, section } from '../render/dom';
import { explanation } from '../render/explanation';
import { layerDetail } from '../render/layerDetail';
import { trainingCharts } from '../render/training';

let state: Wire<DocumentState> | undefined;
let training: Wire<TrainingView> | undefined;
let explained: Wire<WeightExplanation> | undefined;

const app = document.getElementById('app')!;

const handlers: AnalysisViewHandlers = {
  reveal: (layerIndex, warningIndex) =>
    post({ type: 'reveal', layerIndex, ...(warningIndex !== undefined ? { warningIndex } : {}) }),
  applyFix: (warningIndex, fixIndex) => post({ type: 'applyFix', warningIndex, fixIndex }),
  selectLayer: (layerIndex) => {
    setUiState({ selectedLayer: layerIndex });
    render();
    document.querySelector(`.layer-detail[data-layer-index="${layerIndex}"]`)?.scrollIntoView({ block: 'nearest' });
  },
};

function collapsible(id: string, title: string, ...content: (Node | undefined)[]): HTMLDetailsElement {
  const collapsed = getUiState().collapsed ?? [];
  return section(
    id,
    title,
    collapsed.includes(id),
    (open) => {
      const now = new Set(getUiState().collapsed ?? []);
      if (open) now.delete(id);
      else now.add(id);
      setUiState({ collapsed: [...now] });
    },
    ...content,
  );
}

function toolbar(): HTMLElement {
  const running = !!training?.running;
  const buttons: [string, Parameters<typeof post>[0], boolean, string][] = [
    ['Analyze', { type: 'command', command: 'analyze' }, false, 'Run one full-batch forward/backward pass'],
    [
      'Gradient check',
      { type: 'command', command: 'gradientCheck' },
      false,
      'Compare analytic gradients with central differences',
    ],
    ['Train', { type: 'command', command: 'train' }, running, "Train with the file's settings"],
    ['Step', { type: 'command', command: 'step' }, running, 'One training step'],
    ['Pause', { type: 'command', command: 'pause' }, !running, 'Stop training, keeping the weights reached'],
    ['Reset', { type: 'command', command: 'reset' }, running, "Back to the file's initial weights"],
    ['Export', { type: 'command', command: 'exportReport' }, false, 'Markdown report with charts, JSON and CSV'],
  ];
  return el(
    'nav',
    { class: 'toolbar', 'aria-label': 'actions' },
    ...buttons.map(([label, msg, disabled, title]) => {
      const b = el('button', { title, class: label === 'Train' ? undefined : 'secondary' }, label);
      b.disabled = disabled;
      b.addEventListener('click', () => post(msg));
      return b;
    }),
  );
}

function render(): void {
  if (!state) {
    replaceChildren(app, el('p', { class: 'empty' }, 'Open a *.net.json network file to see its gradients.'));
    return;
  }
  const report = state.report;
  const ui = getUiState();
  // details for one layer at a time: the one chosen, else where the first warning starts, else the first
  const firstFlagged = toNumber(report?.warnings.find((w) => toNumber(w.layerIndex) >= 0)?.layerIndex ?? 0);
  const selected = report
    ? ui.selectedLayer !== undefined && ui.selectedLayer < report.layers.length
      ? ui.selectedLayer
      : firstFlagged
    : undefined;
  const names = report?.layers.map((l) => l.name) ?? state.shape?.layers.map((l) => l.name) ?? [];
  const shapeLayers = state.shape?.layers ?? [];
  replaceChildren(
    app,
    header(state, report),
    toolbar(),
    state.problems.length
      ? collapsible('problems-section', `Problems (${state.problems.length})`, problems(state))
      : undefined,
    report
      ? collapsible('warnings-section', `Warnings (${report.warnings.length})`, warnings(report.warnings, handlers))
      : undefined,
    report ? collapsible('flow-section', 'Gradient flow', gradientFlow(report)) : undefined,
    report
      ? collapsible(
          'layers-section',
          'Layers',
          layerTable(report, selected, handlers),
          ...report.layers
            .filter((l) => l.index === selected)
            .map((l) => layerDetail(l, shapeLayers[toNumber(l.index)])),
        )
      : undefined,
    state.shape
      ? collapsible(
          'diagram-section',
          'Network',
          diagram(
            state.shape,
            report,
            ui.colorBy ?? 'derivative',
            (layerIndex, unit, input) => post({ type: 'explainWeight', layerIndex, unit, input }),
            (colorBy) => {
              setUiState({ colorBy });
              render();
            },
          ),
        )
      : undefined,
    explained
      ? collapsible(
          'explanation-section',
          'Explain this weight',
          el('div', { id: 'explanation' }, explanation(explained, names[toNumber(explained.layerIndex)] ?? '')),
        )
      : undefined,
    collapsible(
      'training-section',
      'Training over time',
      el(
        'div',
        { id: 'training' },
        training
          ? trainingCharts(training, names, selected ?? 0)
          : el(
              'p',
              { id: 'training-status' },
              'Not trained yet: press Train to watch the loss, gradient norms and update ratios step by step.',
            ),
        training?.warnings.length ? warnings(training.warnings, handlers, 'training-warnings', true) : undefined,
      ),
    ),
  );
}

listen(
  {
    state: (next) => {
      if (next?.uri !== state?.uri) {
        training = undefined;
        explained = undefined;
      }
      state = next;
    },
    training: (t) => {
      training = t;
    },
    explanation: (e) => {
      explained = e;
    },
    busy: (busy) => app.setAttribute('aria-busy', String(busy)),
  },
  (msg) => {
    render();
    if (msg.type === 'explanation')
      document.getElementById('explanation-section')?.scrollIntoView({ block: 'nearest' });
  },
);

render();
post({ type: 'ready' });
