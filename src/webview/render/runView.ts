/** A training run read from its log (`*.gd.jsonl`): the heading with how the run was made, or why it cannot be read. */
import type { DocumentState, RunStateView, Wire } from '../../shared/protocol';
import { el } from './dom';

/** The log's name, the run's facts, the skipped-line count and, when the log cannot be read, why. */
export function runHeader(state: Wire<DocumentState>, run: Wire<RunStateView>): HTMLElement {
  const skipped = Number(run.skippedLines);
  return el(
    'header',
    { class: 'report-header' },
    el('h1', {}, state.fileName),
    el(
      'p',
      { id: 'run-facts', class: 'figures' },
      run.facts || 'Waiting for the header line…',
      skipped ? el('span', { class: 'stale' }, ` · ${skipped} line${skipped === 1 ? '' : 's'} skipped`) : undefined,
    ),
    run.error ? el('p', { id: 'run-error', class: 'stale', role: 'alert' }, run.error) : undefined,
  );
}
