/** Typed posting to webviews, and the runtime guard for what they send back (untrusted input). */
import * as vscode from 'vscode';
import { encodeNonFinite } from '../shared/numbers';
import { FromWebview, HostMessage, ToWebview, WEBVIEW_COMMANDS, WebviewCommand } from '../shared/protocol';

/**
 * Posts a message as a ToWebview (NaN/±Infinity as strings, which JSON transport would turn into
 * null); a hidden or disposed webview drops it and is replayed on ready.
 */
export function post(webview: vscode.Webview, message: HostMessage): void {
  const wire: ToWebview = encodeNonFinite(message);
  void webview.postMessage(wire).then(undefined, () => undefined);
}

const isIndex = (v: unknown, min = 0): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= 1_000_000;

/** Whether `x` is exactly one of the FromWebview messages, with every field of the right type and range. */
export function isFromWebview(x: unknown): x is FromWebview {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const m = x as Record<string, unknown>;
  const keys = Object.keys(m).sort().join(',');
  switch (m.type) {
    case 'ready':
      return keys === 'type';
    case 'reveal':
      return (
        (keys === 'layerIndex,type' || keys === 'layerIndex,type,warningIndex') &&
        isIndex(m.layerIndex, -1) &&
        (m.warningIndex === undefined || isIndex(m.warningIndex))
      );
    case 'applyFix':
      return (
        keys === 'fixIndex,type,warningId' &&
        typeof m.warningId === 'string' &&
        m.warningId.length <= 200 &&
        /^[a-z_]+@[\w-]+(#\d+)?(~\d+)?$/.test(m.warningId) &&
        isIndex(m.fixIndex)
      );
    case 'command':
      return (
        keys === 'command,type' &&
        typeof m.command === 'string' &&
        (WEBVIEW_COMMANDS as readonly string[]).includes(m.command)
      );
    case 'explainWeight':
      return keys === 'input,layerIndex,type,unit' && isIndex(m.layerIndex) && isIndex(m.unit) && isIndex(m.input, -1);
    default:
      return false;
  }
}

/** Command id run for each command a webview button may request. */
export const WEBVIEW_COMMAND_IDS: Record<WebviewCommand, string> = {
  analyze: 'gradientDebugger.analyze',
  gradientCheck: 'gradientDebugger.gradientCheck',
  train: 'gradientDebugger.train',
  step: 'gradientDebugger.step',
  pause: 'gradientDebugger.pause',
  reset: 'gradientDebugger.reset',
  openPanel: 'gradientDebugger.openPanel',
  exportReport: 'gradientDebugger.exportReport',
};
