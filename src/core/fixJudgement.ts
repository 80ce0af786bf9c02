/**
 * How tried fixes are judged beyond helping or not: their rank, whether one confirms the cause it repairs (a
 * curable cause none of whose repairs lowers the loss is only information), and which repairs uncover a masked
 * problem and are tried again together with that problem's repair.
 */
import { FITS_FRACTION } from './diagnosis/passContext';
import { Warning } from './diagnosis/report';
import { combinedFix } from './diagnosis/warningParts';
import { Fix, FixEffect } from './format/fixEdits';

/** The loss reached as a share of the chance level, by the file as it is and by the patched copy. */
const relativeBefore = (e: FixEffect): number => e.lossBefore / e.chanceBefore;
const relativeAfter = (e: FixEffect): number => e.lossAfter / e.chanceAfter;

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
  const kinds = new Set(fix.actions.map((a) => a.kind));
  return raised
    .flatMap((w) => w.fixes.slice(0, 2))
    .filter((f) => f.actions.every((a) => !kinds.has(a.kind)))
    .slice(0, FOLLOW_UPS)
    .map((f) => combinedFix(fix, f));
}

/** A repair must lower the loss reached (as loss/chance) by this share to confirm the cause it repairs. */
const CONFIRMING_GAIN = 0.1;

/** Whether a tried fix helps and lowers the loss reached clearly (by CONFIRMING_GAIN). */
export function improves(f: Fix): boolean {
  const e = f.effect!;
  return e.helps && relativeAfter(e) <= (1 - CONFIRMING_GAIN) * relativeBefore(e);
}

/** Causes named by a measurement whose cure can be tried: when no repair improves the loss, the cause is doubtful. */
const CURABLE_CAUSES: readonly string[] = ['data_scale', 'learning_rate_too_high'];

/**
 * A curable cause none of whose repairs clearly improves the loss of a copy is reported as information: the
 * measurement holds, but it is not what holds this network back (e.g. Adam coping with raw-scale inputs).
 */
export function demoteUnconfirmedCause(warning: Warning): Warning {
  if (!CURABLE_CAUSES.includes(warning.kind) || warning.severity === 'info') return warning;
  const tried = [...warning.fixes, ...(warning.rejectedFixes ?? [])].map((f) => f.title).join('; ');
  return {
    ...warning,
    severity: 'info',
    cause:
      `${warning.cause} Its repairs were tried on a copy (${tried}) and none lowered the loss reached by ` +
      `${CONFIRMING_GAIN * 100}%, so it is not what holds this network back.`,
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
