/**
 * A warning's identity and its place in the list: causes (a bad initialisation, badly scaled
 * data, a learning rate too high, an output that cannot fit) come before the symptoms they
 * explain, and each symptom points to its cause.
 */
import { Warning, WarningKind } from './report';

/** Reading order of the kinds: causes first, then what they cause, then symptoms of the run as a whole. */
const ORDER: readonly WarningKind[] = [
  'non_finite',
  'bad_init',
  'data_scale',
  'learning_rate_too_high',
  'output_mismatch',
  'exploding_gradient',
  'vanishing_gradient',
  'saturated_activation',
  'dead_relu',
  'loss_diverging',
  'not_learning',
];

/** Which causes can explain which symptoms. */
const CAUSES: Partial<Record<WarningKind, readonly WarningKind[]>> = {
  exploding_gradient: ['bad_init', 'data_scale', 'learning_rate_too_high'],
  vanishing_gradient: ['bad_init'],
  saturated_activation: ['data_scale', 'bad_init'],
  dead_relu: ['data_scale', 'bad_init', 'learning_rate_too_high'],
  loss_diverging: ['learning_rate_too_high', 'data_scale'],
  not_learning: ['data_scale', 'bad_init', 'learning_rate_too_high', 'output_mismatch'],
  non_finite: ['learning_rate_too_high', 'data_scale', 'bad_init'],
};

/** A stable id from kind, the layers covered and the first step, e.g. "dead_relu@1" or "loss_diverging@network#40". */
export function warningId(w: Warning): string {
  const layers = w.layers?.length ? w.layers.join('-') : w.layerIndex >= 0 ? String(w.layerIndex) : 'network';
  return `${w.kind}@${layers}${w.firstStep !== undefined ? `#${w.firstStep}` : ''}`;
}

/**
 * The warnings in reading order (stable within a kind), each with its id, and each symptom
 * pointing at the first cause found that can explain it.
 */
export function orderWarnings(warnings: readonly Warning[]): Warning[] {
  const rank = (w: Warning): number => ORDER.indexOf(w.kind);
  const sorted = [...warnings].sort((a, b) => rank(a) - rank(b));
  const seen = new Set<string>();
  const withIds = sorted.map((w) => {
    let id = warningId(w);
    for (let k = 2; seen.has(id); k++) id = `${warningId(w)}~${k}`;
    seen.add(id);
    return { ...w, id };
  });
  return withIds.map((w) => {
    const cause = (CAUSES[w.kind] ?? []).map((k) => withIds.find((c) => c.kind === k)).find(Boolean);
    return cause && cause !== w && w.severity !== 'info' ? { ...w, causeId: cause.id } : w;
  });
}
