/** Typed readers for the extension's settings (contributes.configuration). */
import * as vscode from 'vscode';
import { DEFAULT_THRESHOLDS, Thresholds } from '../core/diagnosis/thresholds';
import { DEFAULT_MAX_MEMORY_MB } from '../core/memoryBudget';

const SECTION = 'gradientDebugger';

/** The extension's settings, typed and defaulted. */
export interface Settings {
  readonly liveUpdate: boolean;
  readonly updateDelay: number;
  readonly maxSamples: number;
  readonly codeLens: boolean;
  readonly thresholds: Partial<Thresholds>;
  readonly updatesPerSecond: number;
  /** Files whose predicted run memory exceeds this many MB are refused (gradientDebugger.limits.maxMemoryMB). */
  readonly maxMemoryMB: number;
}

/** Every key of the threshold table is settable as `gradientDebugger.thresholds.<key>`. */
const THRESHOLD_KEYS = Object.keys(DEFAULT_THRESHOLDS) as (keyof Thresholds)[];

/** The current settings, with defaults for anything unset or of the wrong type. */
export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const num = (key: string, fallback: number): number => {
    const v = c.get<unknown>(key);
    return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  };
  const thresholds: { -readonly [K in keyof Thresholds]?: number } = {};
  for (const k of THRESHOLD_KEYS) {
    const v = c.get<unknown>(`thresholds.${k}`);
    if (typeof v === 'number' && Number.isFinite(v)) thresholds[k] = v;
  }
  return {
    liveUpdate: c.get<boolean>('liveUpdate', true) !== false,
    updateDelay: Math.max(0, num('updateDelay', 300)),
    maxSamples: Math.max(1, Math.floor(num('maxSamples', 2000))),
    codeLens: c.get<boolean>('codeLens', true) !== false,
    thresholds,
    updatesPerSecond: Math.min(30, Math.max(1, num('training.updatesPerSecond', 5))),
    maxMemoryMB: Math.max(16, num('limits.maxMemoryMB', DEFAULT_MAX_MEMORY_MB)),
  };
}
