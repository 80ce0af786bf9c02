/** "Explain this weight": the chain rule with the actual numbers, as a teacher would write it. */
import { displayNumber, exactNumber, toNumber } from '../../shared/numbers';
import type { WeightExplanation, Wire } from '../../shared/protocol';
import { el } from './dom';

/** The chain-rule breakdown of one weight's gradient, term by term. */
export function explanation(e: Wire<WeightExplanation>, layerName: string): HTMLElement {
  const name = toNumber(e.input) < 0 ? `b_${e.unit}` : `w_${e.unit},${e.input}`;
  const rows = e.terms.map((t) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, t.label),
      el('td', { class: 'formula' }, t.formula),
      el(
        'td',
        { class: 'num', 'data-value': exactNumber(t.value), title: exactNumber(t.value) },
        displayNumber(t.value, 5),
      ),
    ),
  );
  const samples = `${e.samples} sample${e.samples === 1 ? '' : 's'}`;
  const step = `${displayNumber(e.weight, 5)} − ${e.learningRate} × ${displayNumber(e.gradient, 5)}`;
  return el(
    'div',
    { class: 'explanation-body' },
    el('h3', {}, `∂E/∂${name} in '${layerName}'`),
    el(
      'p',
      {},
      `${name} = ${displayNumber(e.weight, 5)}. ` +
        `The chain rule: ∂E/∂${name} = Σ over the ${samples} of ∂E/∂a · f'(z) · ∂z/∂${name}; ` +
        'for a hidden unit ∂E/∂a sums over the units it feeds.',
    ),
    el('table', { class: 'terms' }, el('tbody', {}, ...rows)),
    el(
      'p',
      { class: 'update' },
      `One SGD step: ${name} ← ${step} = `,
      el('strong', { 'data-value': exactNumber(e.updated) }, displayNumber(e.updated, 6)),
    ),
  );
}
