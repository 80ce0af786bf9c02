/**
 * The warnings of one pass or one training run: kind, layer, message, cause and fix, with buttons
 * to apply or reveal.
 */
import { toNumber } from '../../shared/numbers';
import type { Warning, Wire } from '../../shared/protocol';
import type { AnalysisViewHandlers } from './analysisView';
import { el } from './dom';
import { KIND_TITLES } from './warningTitles';

/** What a warning's buttons ask the panel to do. */
type WarningHandlers = Pick<AnalysisViewHandlers, 'reveal' | 'applyFix'>;

/** The line shown in place of an empty list. */
function noWarnings(trainingWarnings: boolean): HTMLElement {
  return el(
    'p',
    { class: 'healthy' },
    trainingWarnings
      ? 'Nothing went wrong during training.'
      : 'No warnings: gradients reach every layer at a healthy size.',
  );
}

/** A warning's heading: its kind, the layer it names and the step it started at. */
function warningHeading(w: Wire<Warning>, layerIndex: number): HTMLElement {
  return el(
    'h3',
    {},
    el('span', { class: 'kind' }, KIND_TITLES[w.kind] ?? w.kind),
    layerIndex >= 0 ? ` in '${w.layer}'` : '',
    w.firstStep !== undefined ? el('span', { class: 'step' }, ` · from step ${w.firstStep}`) : undefined,
  );
}

/** A warning's buttons: one per suggested fix (none for training warnings), then "Show in editor". */
function warningActions(
  w: Wire<Warning>,
  i: number,
  layerIndex: number,
  h: WarningHandlers,
  trainingWarnings: boolean,
): HTMLElement {
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
  return actions;
}

/** One warning as an article; Enter on it reveals its layer in the editor. */
function warningItem(w: Wire<Warning>, i: number, h: WarningHandlers, trainingWarnings: boolean): HTMLElement {
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
    warningHeading(w, layerIndex),
    el('p', { class: 'warning-message' }, w.message),
    el('p', { class: 'warning-cause' }, el('strong', {}, 'Cause: '), w.cause),
    el('p', { class: 'warning-fix' }, el('strong', {}, 'Fix: '), w.fix),
    warningActions(w, i, layerIndex, h, trainingWarnings),
  );
  item.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target === item) h.reveal(layerIndex, i);
  });
  return item;
}

/** The warnings with cause, fix and one button per suggested fix. */
export function warnings(
  list: readonly Wire<Warning>[],
  h: WarningHandlers,
  id = 'warnings',
  trainingWarnings = false,
): HTMLElement {
  const root = el('div', { id, class: 'warnings' });
  if (!list.length) {
    root.append(noWarnings(trainingWarnings));
    return root;
  }
  list.forEach((w, i) => root.append(warningItem(w, i, h, trainingWarnings)));
  return root;
}
