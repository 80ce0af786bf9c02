/** Typed readers for the extension's settings (contributes.configuration). */
import * as vscode from 'vscode';
import { Thresholds } from '../core/diagnosis/thresholds';

const SECTION = 'gradientDebugger';

export interface Settings {
  readonly liveUpdate: boolean;
  readonly updateDelay: number;
  readonly maxSamples: number;
  readonly codeLens: boolean;
  readonly thresholds: Partial<Thresholds>;
  readonly updatesPerSecond: number;
}

const THRESHOLD_KEYS = ['vanishingRatio', 'vanishingNorm', 'stalledUpdateRatio', 'explodingRatio', 'explodingUpdateRatio', 'deadFraction', 'saturatedFraction'] as const;

/** The current settings, with defaults for anything unset or of the wrong type. */
export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const num = (key: string, fallback: number): number => {
    const v = c.get<unknown>(key);
    return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  };
  const thresholds: Partial<Record<(typeof THRESHOLD_KEYS)[number], number>> = {};
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
  };
}

/** Fires when any of the extension's settings change. */
export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) listener();
  });
}
