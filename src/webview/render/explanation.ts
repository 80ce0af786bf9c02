/** "Explain this weight": the chain rule with the actual numbers, as a teacher would write it. */
import { exactNumber, formatNumber } from '../../shared/numbers';
import type { WeightExplanation } from '../../shared/protocol';
import { el } from './dom';

export function explanation(e: WeightExplanation, layerName: string): HTMLElement {
  const name = e.input < 0 ? `b_${e.unit}` : `w_${e.unit},${e.input}`;
  const rows = e.terms.map((t) => el('tr', {},
    el('th', { scope: 'row' }, t.label),
    el('td', { class: 'formula' }, t.formula),
    el('td', { class: 'num', 'data-value': exactNumber(t.value), title: exactNumber(t.value) }, formatNumber(t.value, 5))));
  return el('div', { class: 'explanation-body' },
    el('h3', {}, `∂E/∂${name} in '${layerName}'`),
    el('p', {}, `${name} = ${formatNumber(e.weight, 5)}. The chain rule: ∂E/∂${name} = Σ over the ${e.samples} sample${e.samples === 1 ? '' : 's'} of ∂E/∂a · f'(z) · ∂z/∂${name}; for a hidden unit ∂E/∂a sums over the units it feeds.`),
    el('table', { class: 'terms' }, el('tbody', {}, ...rows)),
    el('p', { class: 'update' }, `One SGD step: ${name} ← ${formatNumber(e.weight, 5)} − ${e.learningRate} × ${formatNumber(e.gradient, 5)} = `, el('strong', { 'data-value': exactNumber(e.updated) }, formatNumber(e.updated, 6))));
}
