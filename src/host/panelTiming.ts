/**
 * Timing marks along the live-edit path (host → analysis worker → host → webview), for the panel-speed
 * benchmark only: written as JSON lines to the file named by GD_PANEL_TIMING when that variable is set, and
 * nothing at all otherwise. Times are epoch milliseconds with sub-millisecond precision, comparable with the
 * webview's `performance.timeOrigin + performance.now()` on the same machine.
 */
import * as fs from 'fs';

const file = process.env.GD_PANEL_TIMING;

/** Records that `label` happened now (a no-op unless GD_PANEL_TIMING names a file). */
export function panelMark(label: string): void {
  if (!file) return;
  const at = performance.timeOrigin + performance.now();
  try {
    fs.appendFileSync(file, `${JSON.stringify({ label, at })}\n`);
  } catch {
    // a benchmark aid: never let it disturb the extension
  }
}
