/** The Gradient panel: renders the host's state; every user action becomes a typed message. */
import { toNumber } from '../../shared/numbers';
import type {
  AnalysisReport,
  DocumentState,
  RunStateView,
  ShapeView,
  TrainingView,
  WeightExplanation,
  Wire,
} from '../../shared/protocol';
import { listen } from '../messages';
import { getUiState, post, setUiState } from '../vscodeApi';
import { AnalysisViewHandlers, gradientFlow, header, layerTable, problems } from '../render/analysisView';
import { diagram } from '../render/diagram';
import { el, replaceChildren, section } from '../render/dom';
import { explanation } from '../render/explanation';
import { layerDetail } from '../render/layerDetail';
import { runHeader } from '../render/runView';
import { trainingCharts } from '../render/training';
import { warnings } from '../render/warningList';

let state: Wire<DocumentState> | undefined;
let training: Wire<TrainingView> | undefined;
let explained: Wire<WeightExplanation> | undefined;

const app = document.getElementById('app')!;

const handlers: AnalysisViewHandlers = {
  reveal: (layerIndex, warningIndex) =>
    post({ type: 'reveal', layerIndex, ...(warningIndex !== undefined ? { warningIndex } : {}) }),
  applyFix: (warningId, fixIndex) => post({ type: 'applyFix', warningId, fixIndex }),
  selectLayer: (layerIndex) => {
    setUiState({ selectedLayer: layerIndex });
    render();
    document.querySelector(`.layer-detail[data-layer-index="${layerIndex}"]`)?.scrollIntoView({ block: 'nearest' });
  },
};

/** A section whose open/closed state is saved in the UI state. */
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

/** The action buttons; those that would clash with a running training are disabled. */
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

/** The layer whose details are shown: the one chosen, else where the first warning starts, else the first. */
function selectedLayer(report: Wire<AnalysisReport> | undefined, chosen: number | undefined): number | undefined {
  const firstFlagged = toNumber(report?.warnings.find((w) => toNumber(w.layerIndex) >= 0)?.layerIndex ?? 0);
  return report ? (chosen !== undefined && chosen < report.layers.length ? chosen : firstFlagged) : undefined;
}

/** The layer table, then the details of the selected layer. */
function layersSection(
  report: Wire<AnalysisReport>,
  selected: number | undefined,
  shapeLayers: Wire<ShapeView>['layers'],
): HTMLDetailsElement {
  return collapsible(
    'layers-section',
    'Layers',
    el(
      'div',
      { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'layer table, scrolls sideways' },
      layerTable(report, selected, handlers),
    ),
    ...report.layers.filter((l) => l.index === selected).map((l) => layerDetail(l, shapeLayers[toNumber(l.index)])),
  );
}

/** The network diagram: clicking a weight asks for its explanation, the toggle recolours the units. */
function diagramSection(
  shape: Wire<ShapeView>,
  report: Wire<AnalysisReport> | undefined,
  colorBy: 'activation' | 'derivative',
): HTMLDetailsElement {
  return collapsible(
    'diagram-section',
    'Network',
    diagram(
      shape,
      report,
      colorBy,
      (layerIndex, unit, input) => post({ type: 'explainWeight', layerIndex, unit, input }),
      (next) => {
        setUiState({ colorBy: next });
        render();
      },
    ),
  );
}

/** The chain-rule explanation of the weight last clicked. */
function explanationSection(e: Wire<WeightExplanation>, names: readonly string[]): HTMLDetailsElement {
  return collapsible(
    'explanation-section',
    'Explain this weight',
    el('div', { id: 'explanation' }, explanation(e, names[toNumber(e.layerIndex)] ?? '')),
  );
}

/** The over-time charts and training warnings, or a line saying training has not started. */
function trainingSection(
  names: readonly string[],
  selected: number | undefined,
  h: AnalysisViewHandlers = handlers,
  idle = 'Not trained yet: press Train to watch the loss, gradient norms and update ratios step by step.',
): HTMLDetailsElement {
  return collapsible(
    'training-section',
    'Training over time',
    el(
      'div',
      { id: 'training' },
      training ? trainingCharts(training, names, selected ?? 0) : el('p', { id: 'training-status' }, idle),
      training?.warnings.length ? warnings(training.warnings, h, 'training-warnings', true) : undefined,
    ),
  );
}

/**
 * A training run read from its log: how it was made, the lines skipped, then the charts and warnings of
 * training; a warning's button picks its layer for the activation chart (there is no file to reveal).
 */
function renderRun(s: Wire<DocumentState>, run: Wire<RunStateView>): void {
  const warned = training?.warnings.find((w) => toNumber(w.layerIndex) >= 0)?.layerIndex;
  const selected = getUiState().selectedLayer ?? (warned === undefined ? 0 : toNumber(warned));
  const pick: AnalysisViewHandlers = { ...handlers, reveal: (layerIndex) => handlers.selectLayer(layerIndex) };
  replaceChildren(
    app,
    runHeader(s, run),
    s.problems.length
      ? collapsible('problems-section', `Skipped lines (${toNumber(run.skippedLines)})`, problems(s))
      : undefined,
    trainingSection(run.layerNames, selected, pick, 'Waiting for the first logged step…'),
  );
}

/** Redraws the whole panel from the current state. */
function render(): void {
  if (!state) {
    replaceChildren(app, el('p', { class: 'empty' }, 'Open a *.net.json network file to see its gradients.'));
    return;
  }
  if (state.run) return renderRun(state, state.run);
  const report = state.report;
  const ui = getUiState();
  const selected = selectedLayer(report, ui.selectedLayer);
  const names = report?.layers.map((l) => l.name) ?? state.shape?.layers.map((l) => l.name) ?? [];
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
    report ? layersSection(report, selected, state.shape?.layers ?? []) : undefined,
    state.shape ? diagramSection(state.shape, report, ui.colorBy ?? 'derivative') : undefined,
    explained ? explanationSection(explained, names) : undefined,
    trainingSection(names, selected),
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
