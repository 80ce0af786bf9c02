/**
 * One logged optimizer step of a run log: the fields of `train --json` `history[]` (a StepRecord, so the
 * over-time rules read it unchanged) plus the probe's own figures.
 */
import { toNumber } from '../../shared/numbers';
import { StepRecord } from '../diagnosis/report';

/** A logged step: a StepRecord per layer, and what only a real run logs. */
export interface RunStepRecord extends StepRecord {
  /** The first param group's learning rate. */
  readonly learningRate?: number;
  /** ‖∂E/∂b‖ per layer. */
  readonly biasGradNorms?: readonly number[];
  /** ‖W‖ per layer, before the step. */
  readonly weightNorms?: readonly number[];
  /** Mean |f'(z)| per layer (NaN where f is applied as a function and not observable). */
  readonly meanAbsDerivatives?: readonly number[];
  /** ‖ΔW‖/‖W‖ measured from a weight snapshot (opt-in). */
  readonly exactUpdateRatios?: readonly number[];
  /** Where NaN or ±∞ appeared: the loss, each layer's activations, each layer's gradients. */
  readonly nonFinite?: {
    readonly loss: boolean;
    readonly activations: readonly boolean[];
    readonly gradients: readonly boolean[];
  };
}

/** A record, or why the line is not one. */
export type RecordResult = { readonly record: RunStepRecord } | { readonly error: string };

/** The per-layer number arrays every step must carry. */
const PER_LAYER = ['gradNorms', 'updateRatios', 'deadFractions', 'saturatedFractions'] as const;
/** Optional per-layer number arrays. */
const OPTIONAL_PER_LAYER = ['biasGradNorms', 'weightNorms', 'meanAbsDerivatives', 'exactUpdateRatios'] as const;

/** A number, or one of the strings "NaN", "Infinity", "-Infinity" (NaN for anything else). */
function wireNumber(v: unknown): number {
  return typeof v === 'number' || typeof v === 'string' ? toNumber(v) : NaN;
}

/** `v` as numbers when it is an array of `length` wire numbers; undefined otherwise. */
function numbers(v: unknown, length: number): number[] | undefined {
  if (!Array.isArray(v) || v.length !== length) return undefined;
  const out = v.map(wireNumber);
  return v.every((x, i) => typeof x === 'number' || !Number.isNaN(out[i]) || x === 'NaN') ? out : undefined;
}

/** Checks and converts a parsed step line for a log of `layers` layers. */
export function readStepRecord(value: unknown, layers: number): RecordResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (!Number.isInteger(v.step) || (v.step as number) < 0) return { error: '"step" must be a whole number ≥ 0' };
  const out: Record<string, unknown> = { ...v, loss: wireNumber(v.loss) };
  for (const key of PER_LAYER) {
    const arr = numbers(v[key], layers);
    if (!arr) return { error: `"${key}" must be a list of ${layers} numbers (one per layer)` };
    out[key] = arr;
  }
  for (const key of OPTIONAL_PER_LAYER) {
    if (v[key] === undefined) continue;
    const arr = numbers(v[key], layers);
    if (!arr) return { error: `"${key}" must be a list of ${layers} numbers (one per layer)` };
    out[key] = arr;
  }
  const p = v.activationPercentiles;
  const percentiles = Array.isArray(p) && p.length === layers ? p.map((row) => numbers(row, 5)) : undefined;
  if (!percentiles || percentiles.some((row) => !row))
    return { error: `"activationPercentiles" must hold ${layers} lists of 5 numbers (p5, p25, p50, p75, p95)` };
  out.activationPercentiles = percentiles;
  if (v.learningRate !== undefined) out.learningRate = wireNumber(v.learningRate);
  return { record: out as unknown as RunStepRecord };
}
