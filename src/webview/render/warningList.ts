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

/** One fix button, with its measured effect beneath once verified. */
function fixButton(w: Wire<Warning>, k: number, h: WarningHandlers): HTMLElement {
  const f = w.fixes[k];
  const b = el(
    'button',
    { class: 'apply-fix', 'data-fix-index': k, title: 'Applies the change to the file as one undoable edit' },
    f.title,
  );
  if (w.id) {
    const id = w.id;
    b.addEventListener('click', () => h.applyFix(id, k));
  } else b.setAttribute('disabled', 'true');
  return el('div', { class: 'fix' }, b, f.effect ? el('span', { class: 'fix-effect' }, f.effect.summary) : undefined);
}

/**
 * A warning's buttons: one per verified fix, ranked, with its measured effect; the candidates that
 * did not help, said so; then "Show in editor".
 */
function warningActions(w: Wire<Warning>, i: number, layerIndex: number, h: WarningHandlers): HTMLElement {
  const actions = el('div', { class: 'actions' });
  if (w.fixesVerified) w.fixes.forEach((_, k) => actions.append(fixButton(w, k, h)));
  else if (w.fixes.length) actions.append(el('span', { class: 'verifying' }, 'Verifying fixes on a copy…'));
  for (const f of w.rejectedFixes ?? [])
    actions.append(
      el('p', { class: 'rejected-fix' }, `Tried, does not help: ${f.title}`, f.effect ? ` (${f.effect.summary})` : ''),
    );
  const show = el('button', { class: 'secondary reveal' }, 'Show in editor');
  show.addEventListener('click', () => h.reveal(layerIndex, i));
  actions.append(show);
  return actions;
}

/** One warning as an article; Enter on it reveals its layer in the editor. */
function warningItem(w: Wire<Warning>, i: number, h: WarningHandlers): HTMLElement {
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
    warningActions(w, i, layerIndex, h),
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
  list.forEach((w, i) => root.append(warningItem(w, i, h)));
  return root;
}
