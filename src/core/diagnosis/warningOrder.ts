/**
 * A warning's identity and its place in the list: causes (a bad initialisation, badly scaled
 * data, a learning rate too high, an output that cannot fit) come before the symptoms they
 * explain, and each symptom points to its cause.
 */
import { FITS_FRACTION } from './passContext';
import { Fix, editKey } from '../format/fixEdits';
import { AnalysisReport, Warning, WarningKind } from './report';

/** Kinds that name a cause in the file (an initialisation, the data's scale, the output, the learning rate). */
const CAUSE_KINDS: readonly WarningKind[] = ['bad_init', 'data_scale', 'output_mismatch', 'learning_rate_too_high'];

/** Whether a warning names a cause in the file rather than a symptom of the network's state. */
export function isCause(w: Warning): boolean {
  return CAUSE_KINDS.includes(w.kind);
}

/** Kinds about one layer's units: a warning of one says nothing about the units of another layer. */
export const PER_LAYER_KINDS: readonly WarningKind[] = ['dead_relu', 'saturated_activation'];

/** Reading order of the kinds: causes first, then what they cause, then symptoms of the run as a whole. */
const ORDER: readonly WarningKind[] = [
  ...CAUSE_KINDS,
  'non_finite',
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
  saturated_activation: ['data_scale', 'bad_init', 'output_mismatch', 'learning_rate_too_high'],
  dead_relu: ['data_scale', 'bad_init', 'learning_rate_too_high'],
  loss_diverging: ['learning_rate_too_high', 'data_scale'],
  not_learning: ['data_scale', 'bad_init', 'learning_rate_too_high', 'output_mismatch'],
  non_finite: ['learning_rate_too_high', 'data_scale', 'bad_init'],
  learning_rate_too_high: ['bad_init', 'data_scale'],
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
    if (w.severity === 'info') return w;
    const causes = withIds.filter((c) => c !== w && (CAUSES[w.kind] ?? []).includes(c.kind)); // reading order
    if (!causes.length) return w;
    // the causes' repairs are candidates for their symptom too (verification ranks them all), and an own
    // candidate that makes the same edit as a cause's repair is that repair (the first cause's, in reading order)
    const repairs = new Map<string, Fix>();
    for (const c of causes)
      for (const f of c.fixes) if (!repairs.has(editKey(f))) repairs.set(editKey(f), { ...f, cause: c.id });
    const own = w.fixes.map((f) => {
      const cause = repairs.get(editKey(f))?.cause;
      return cause ? { ...f, cause } : f;
    });
    const ownEdits = new Set(w.fixes.map(editKey));
    const inherited = [...repairs.values()].filter((r) => !ownEdits.has(editKey(r)));
    return { ...w, causeId: causes[0].id, fixes: [...own, ...inherited] };
  });
}

/** Kinds that describe a symptom of the network's state rather than a cause in the file. */
const SYMPTOMS: readonly WarningKind[] = [
  'vanishing_gradient',
  'exploding_gradient',
  'saturated_activation',
  'dead_relu',
];

/** Over-time kinds that say a layer stopped moving: information only when the run ends fitting its data. */
const SETTLED_WHEN_FITTING: readonly WarningKind[] = ['vanishing_gradient', 'saturated_activation'];

/**
 * A deeper layer's dead units are information in one pass, since they revive when the layers below them change;
 * a run that ends with the layer still mostly dead, and not fitting its data, showed that they did not. Either
 * way the run has judged them: they are no longer `revivable`.
 */
function revivedNot(w: Warning, stillDead: readonly number[], run = 'Training'): Warning {
  if (!w.revivable) return w;
  const { revivable: _judged, ...judged } = w;
  if (!stillDead.includes(w.layerIndex)) return judged;
  return {
    ...judged,
    severity: 'warning',
    cause: `${w.cause} ${run} did not revive them: the layer ends mostly dead.`,
  };
}

/**
 * `revivable` dead units of a one-pass analysis judged by a short trial run of the unchanged file (fix
 * verification's): still dead at its end, in a run that does not fit its data (`trialSerious`: that run's serious
 * warnings), they are a warning.
 */
export function revivedNotInTrial(w: Warning, trialSerious: readonly Warning[], steps: number): Warning {
  const stillDead = trialSerious.filter((t) => t.kind === 'dead_relu').map((t) => t.layerIndex);
  return revivedNot(w, stillDead, `A trial run of ${steps} steps`);
}

/**
 * The warnings of a training run: the over-time ones (they carry the step it began), then those of the
 * analysis at the start and at the end of the run for kinds (for dead or saturated units: layers) not already
 * reported, in reading order. A symptom seen at the start of a run that ends fitting its data (loss ≤ 10% of
 * chance) did not stop it learning: it stays, as information; so do layers that stop moving (vanishing,
 * saturated) while such a run trains.
 */
export function runWarnings(overTime: readonly Warning[], atStart: AnalysisReport, atEnd: AnalysisReport): Warning[] {
  const endFits = Number.isFinite(atEnd.loss) && atEnd.loss <= FITS_FRACTION * atEnd.chanceLoss;
  // layers that stop moving in a run that ends fitting its data are done, not stuck
  const merged: Warning[] = overTime.map((w) =>
    endFits && SETTLED_WHEN_FITTING.includes(w.kind) ? { ...w, severity: 'info' } : w,
  );
  const stillDead = endFits ? [] : atEnd.warnings.filter((w) => w.kind === 'dead_relu').map((w) => w.layerIndex);
  const start = atStart.warnings
    .map((w) => revivedNot(w, stillDead))
    .map((w): Warning => (endFits && SYMPTOMS.includes(w.kind) ? { ...w, severity: 'info' } : w));
  // vanishing is a property of the start (the over-time rule watches it while training): at the end of a
  // run that diverged or saturated, small gradients are that symptom, not a vanishing gradient
  const end = atEnd.warnings.filter((w) => w.kind !== 'vanishing_gradient').map((w) => revivedNot(w, stillDead));
  for (const source of [start, end]) merged.push(...source.filter((w) => !merged.some((m) => reports(m, w))));
  return orderWarnings(merged);
}

/** Whether `earlier` already reports what `w` does: the same kind, and for a per-layer kind every layer of `w`. */
function reports(earlier: Warning, w: Warning): boolean {
  if (earlier.kind !== w.kind) return false;
  const covered = earlier.layers ?? [earlier.layerIndex];
  return !PER_LAYER_KINDS.includes(w.kind) || (w.layers ?? [w.layerIndex]).every((l) => covered.includes(l));
}

/** The warnings, in order, without those an earlier one already reports (e.g. two rules seeing one saturation). */
export function unreported(warnings: readonly Warning[]): Warning[] {
  return warnings.filter((w, i) => !warnings.slice(0, i).some((earlier) => reports(earlier, w)));
}
