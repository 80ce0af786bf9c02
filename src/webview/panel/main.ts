/** The Gradient panel: renders the host's state; every user action becomes a typed message. */
import { toNumber } from '../../shared/numbers';
import type {
  AnalysisReport,
  DocumentState,
  RunStateView,
  ShapeView,
  TrainingView,
  WebviewCommand,
  WeightExplanation,
  Wire,
} from '../../shared/protocol';
import { listen } from '../messages';
import { getUiState, post, setUiState } from '../vscodeApi';
import { withProgress } from '../trainingProgress';
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

/** Disables the toolbar's buttons that would clash with a running training (Pause: only while one runs). */
function syncToolbar(bar: ParentNode): void {
  const running = !!training?.running;
  for (const b of bar.querySelectorAll<HTMLButtonElement>('button[data-command]'))
    b.disabled = b.dataset.command === 'pause' ? !running : running && b.dataset.clashes === 'true';
}

/** The action buttons; those that would clash with a running training are disabled. */
function toolbar(): HTMLElement {
  // label, command, whether it clashes with a running training, tooltip
  const buttons: [string, WebviewCommand, boolean, string][] = [
    ['Analyze', 'analyze', false, 'Run one full-batch forward/backward pass'],
    ['Gradient check', 'gradientCheck', false, 'Compare analytic gradients with central differences'],
    ['Train', 'train', true, "Train with the file's settings"],
    ['Step', 'step', true, 'One training step'],
    ['Pause', 'pause', false, 'Stop training, keeping the weights reached'],
    ['Reset', 'reset', true, "Back to the file's initial weights"],
    ['Export', 'exportReport', false, 'Markdown report with charts, JSON and CSV'],
  ];
  const bar = el(
    'nav',
    { class: 'toolbar', 'aria-label': 'actions' },
    ...buttons.map(([label, command, clashes, title]) => {
      const b = el(
        'button',
        {
          title,
          class: label === 'Train' ? undefined : 'secondary',
          'data-command': command,
          'data-clashes': String(clashes),
        },
        label,
      );
      b.addEventListener('click', () => post({ type: 'command', command }));
      return b;
    }),
  );
  syncToolbar(bar);
  return bar;
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

/**
 * Redraws only what a training update changes: the toolbar's enabled buttons and the training section
 * (the layer table, diagram and heat strip stay as they are); the whole panel when that section is absent.
 */
function renderTraining(): void {
  const section = document.getElementById('training-section');
  const bar = app.querySelector('.toolbar');
  if (!state || state.run || !section || !bar) return render();
  syncToolbar(bar);
  const report = state.report;
  const names = report?.layers.map((l) => l.name) ?? state.shape?.layers.map((l) => l.name) ?? [];
  section.replaceWith(trainingSection(names, selectedLayer(report, getUiState().selectedLayer)));
}

/** Whether a training update waits for the next frame. */
let trainingPending = false;

/** Draws the training update that waited for this frame (one however many arrived since the last frame). */
function flushTraining(): void {
  if (!trainingPending) return;
  trainingPending = false;
  const start = performance.now();
  renderTraining();
  // a User Timing entry: how long drawing a training update takes (read by bench/panelSpeed.mjs)
  performance.measure('gd: training drawn', { start });
}

/**
 * Redraws for a message: a new state at once (the live edit's numbers show in the frame they arrive in),
 * training updates once per frame (at once while the panel is hidden, when frames do not come).
 */
function schedule(what: 'all' | 'training'): void {
  if (what === 'all') {
    trainingPending = false; // the whole redraw draws the training too
    render();
  } else if (document.visibilityState === 'hidden') {
    trainingPending = true;
    flushTraining();
  } else if (!trainingPending) {
    trainingPending = true;
    requestAnimationFrame(flushTraining);
  }
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
    trainingProgress: (p) => {
      const next = withProgress(training, p);
      if (next) training = next;
      else post({ type: 'ready' }); // a message was missed: the host replays the whole view
    },
    explanation: (e) => {
      explained = e;
    },
    busy: (busy) => app.setAttribute('aria-busy', String(busy)),
  },
  (msg) => {
    schedule(msg.type === 'training' || msg.type === 'trainingProgress' ? 'training' : 'all');
    if (msg.type === 'explanation')
      document.getElementById('explanation-section')?.scrollIntoView({ block: 'nearest' });
  },
);

render();
post({ type: 'ready' });
