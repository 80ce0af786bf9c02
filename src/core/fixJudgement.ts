/**
 * How tried fixes are judged beyond helping or not: their rank, whether one confirms the cause it repairs (a
 * curable cause none of whose repairs lowers the loss is only information), and which repairs uncover a masked
 * problem and are tried again together with that problem's repair.
 */
import { FITS_FRACTION } from './diagnosis/passContext';
import { Warning, WarningKind } from './diagnosis/report';
import { combinedFix } from './diagnosis/warningParts';
import { Fix, FixAction, FixEffect, editKey } from './format/fixEdits';

/** The loss reached as a share of the chance level, by the file as it is and by the patched copy. */
export const relativeBefore = (e: FixEffect): number => e.lossBefore / e.chanceBefore;
export const relativeAfter = (e: FixEffect): number => e.lossAfter / e.chanceAfter;

/** Follow-up repairs tried per repair that uncovers a new problem. */
const FOLLOW_UPS = 3;

/**
 * A repair that removes its warning and lowers the loss but raises a new serious one: it works, and uncovers
 * a problem it masked (weights that now move show that the learning rate is too high).
 */
export function uncoversProblem(f: Fix): boolean {
  const e = f.effect!;
  return e.removesWarning && e.newSerious.length > 0 && relativeAfter(e) < relativeBefore(e);
}

/**
 * `fix` combined with the first repairs of each new serious warning it raised (`serious`: the patched copy's
 * serious warnings), one edit each.
 */
export function followUps(fix: Fix, serious: readonly Warning[]): Fix[] {
  const raised = serious.filter((w) => fix.effect!.newSerious.includes(w.kind));
  const kinds = new Set(fix.actions.flatMap(settingsTouched));
  return raised
    .flatMap((w) => w.fixes.slice(0, 2))
    .filter((f) => f.actions.flatMap(settingsTouched).every((k) => !kinds.has(k)))
    .slice(0, FOLLOW_UPS)
    .map((f) => combinedFix(fix, f));
}

/** The settings an action changes, named by the action that changes only that one. */
function settingsTouched(a: FixAction): FixAction['kind'][] {
  return a.kind === 'set_optimizer' ? ['set_optimizer', 'set_learning_rate'] : [a.kind];
}

/** Whether a verified fix makes the network learn something: a loss reached below the chance level. */
export function learnsSomething(f: Fix): boolean {
  return relativeAfter(f.effect!) < 1;
}

/** A repair that uncovers a problem must lower the loss reached (as loss/chance) by this share to be offered. */
const NEW_PROBLEM_GAIN = 0.1;

/** New problems that say a run is unstable: a repair raising one may blow up on another seed. */
export const UNSTABLE: readonly string[] = ['non_finite', 'loss_diverging'];

/**
 * A repair that uncovers a problem is still offered when it lowers the loss reached clearly (by NEW_PROBLEM_GAIN)
 * below the original's and below every other helpful repair that raises nothing (`clean`), and below its own
 * follow-ups at all, and leaves the run stable:
 * a fix is for training better, e.g. Adam that takes a stuck network halfway to its targets while some tanh units
 * saturate.
 */
export function outweighsNewProblem(f: Fix, clean: readonly Fix[]): boolean {
  if (!uncoversProblem(f) || f.effect!.newSerious.some((k) => UNSTABLE.includes(k))) return false;
  const [own, others] = [clean.filter((c) => extendsFix(c, f)), clean.filter((c) => !extendsFix(c, f))];
  const bar = Math.min(relativeBefore(f.effect!), ...others.map((c) => relativeAfter(c.effect!)));
  // its own follow-ups exist to cure what it uncovered: if that cure costs loss, the repair alone is better
  const after = relativeAfter(f.effect!);
  return after <= (1 - NEW_PROBLEM_GAIN) * bar && own.every((c) => after < relativeAfter(c.effect!));
}

/** Whether `c` is `f` followed by more actions (a follow-up made by combinedFix). */
function extendsFix(c: Fix, f: Fix): boolean {
  return (
    c.actions.length > f.actions.length &&
    editKey({ ...c, actions: c.actions.slice(0, f.actions.length) }) === editKey(f)
  );
}

/**
 * Causes named by a measurement whose cure can be tried, and the share by which one of their repairs must lower
 * the loss reached (as loss/chance) to confirm them: a tenth for the data's scale; a third for a learning rate
 * (a tenth of a rate that is too high about halves the loss reached, while a brisk one gains little).
 */
const CONFIRMING_GAIN: Partial<Record<WarningKind, number>> = { data_scale: 0.1, learning_rate_too_high: 0.35 };

/**
 * The repairs that can confirm each cause, by what they change: a rate too high is confirmed by a lower rate, not
 * by clipping, which tames large gradients (exploding_gradient's cause) whatever the rate.
 */
const CONFIRMING_ACTIONS: Partial<Record<WarningKind, readonly FixAction['kind'][]>> = {
  learning_rate_too_high: ['set_learning_rate', 'set_optimizer'],
};

/** Whether a warning of this kind is a cause its repairs must confirm (demoteUnconfirmedCause). */
export const needsConfirmation = (kind: WarningKind): boolean => CONFIRMING_GAIN[kind] !== undefined;

/**
 * A curable cause none of whose own tried repairs lowers the loss of a copy by its confirming gain (whatever other
 * problem the repair uncovers) is reported as information: the measurement holds, but it is not what holds this
 * network back (e.g. Adam coping with raw-scale inputs). Any other warning is returned as it is.
 */
export function demoteUnconfirmedCause(
  warning: Warning,
  tried: readonly Fix[],
  addedAlone: ReadonlyMap<string, FixEffect> = new Map(),
): Warning {
  const gain = CONFIRMING_GAIN[warning.kind];
  // another cause's repair (one carrying `cause`) confirms that cause, not this one
  const actions = CONFIRMING_ACTIONS[warning.kind];
  const own = tried.filter((f) => !f.cause && (!actions || f.actions.some((a) => actions.includes(a.kind))));
  if (gain === undefined || warning.severity === 'info' || !own.length) return warning;
  // a follow-up's gain may all be the repair it adds: it confirms this cause only by beating that repair alone
  const bar = (f: Fix): number => {
    const alone = addedAlone.get(editKey(f));
    return Math.min(relativeBefore(f.effect!), alone ? relativeAfter(alone) : Infinity);
  };
  // the loss is the evidence: a repair that lowers it may still uncover another problem (a second cause)
  const confirms = (f: Fix): boolean => relativeAfter(f.effect!) <= (1 - gain) * bar(f);
  if (own.some(confirms)) return warning;
  return {
    ...warning,
    severity: 'info',
    cause:
      `${warning.cause} Its repairs were tried on a copy (${own.map((f) => f.title).join('; ')}) and none ` +
      `lowered the loss reached by ${gain * 100}%` +
      (own.some((f) => addedAlone.has(editKey(f))) ? ' beyond what the repair combined with it does alone' : '') +
      ', so it is not what holds this network back.',
  };
}

/**
 * Helpful fixes ranked by the loss reached (as loss/chance); among those that make the network fit its data
 * (loss ≤ 10% of chance), a repair of the cause comes before a repair of the symptom.
 */
export function compareFixes(a: Fix, b: Fix): number {
  const [ra, rb] = [relativeAfter(a.effect!), relativeAfter(b.effect!)];
  if (ra <= FITS_FRACTION && rb <= FITS_FRACTION && !a.cause !== !b.cause) return a.cause ? -1 : 1;
  return ra - rb;
}
