/** Scores of the evaluation: precision and recall per warning kind with Wilson 95% lower bounds. */
import { CorpusCase, EVAL_KINDS, EvalKind } from './kinds';

/** z of the two-sided 95% normal interval. */
export const Z95 = 1.959963984540054;

/**
 * Lower end of the Wilson score interval for k successes in n trials:
 * (p̂ + z²/2n − z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n); 0 when n = 0.
 */
export function wilsonLowerBound(k: number, n: number, z = Z95): number {
  if (n === 0) return 0;
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - margin) / (1 + z2 / n));
}

/** A share k/n with its Wilson lower bound (NaN share when n = 0). */
export interface Share {
  readonly k: number;
  readonly n: number;
  readonly value: number;
  readonly low: number;
}

/** k/n with its Wilson lower bound. */
export function share(k: number, n: number): Share {
  return { k, n, value: n ? k / n : NaN, low: wilsonLowerBound(k, n) };
}

/** One kind's confusion counts on one part. */
export interface KindScore {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  /** TP / (TP + FP). */
  readonly precision: Share;
  /** TP / (TP + FN). */
  readonly recall: Share;
}

/** Which kinds fired (severity warning or error) on one case. */
export interface Prediction {
  readonly id: string;
  readonly fired: readonly string[];
}

/**
 * Scores every kind: a firing is a true positive where the case lists the kind in `fires`, a false positive
 * where it lists it in neither `fires` nor `allow`; a listed kind that does not fire is a false negative.
 */
export function scoreKinds(
  cases: readonly CorpusCase[],
  predictions: ReadonlyMap<string, Prediction>,
): Record<EvalKind, KindScore> {
  const out = {} as Record<EvalKind, KindScore>;
  for (const kind of EVAL_KINDS) {
    let tp = 0,
      fp = 0,
      fn = 0;
    for (const c of cases) {
      const fired = predictions.get(c.id)?.fired.includes(kind) ?? false;
      if (c.fires.includes(kind)) fired ? tp++ : fn++;
      else if (fired && !c.allow.includes(kind)) fp++;
    }
    out[kind] = { tp, fp, fn, precision: share(tp, tp + fp), recall: share(tp, tp + fn) };
  }
  return out;
}
