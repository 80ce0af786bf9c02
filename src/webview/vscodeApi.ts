/** The webview's one handle on VS Code: typed messages out, typed UI state kept across reloads. */
import type { FromWebview } from '../shared/protocol';

/** UI state the webview keeps (restored when the panel is hidden and shown, or after a restart). */
export interface UiState {
  readonly selectedLayer?: number;
  readonly collapsed?: readonly string[];
  readonly colorBy?: 'activation' | 'derivative';
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

/** Sends a typed message to the extension host. */
export function post(message: FromWebview): void {
  api.postMessage(message);
}

/** The panel's saved UI state (selected layer, open sections). */
export function getUiState(): UiState {
  const s = api.getState();
  return s && typeof s === 'object' ? (s as UiState) : {};
}

/** Saves the panel's UI state across hides and reloads. */
export function setUiState(patch: Partial<UiState>): void {
  api.setState({ ...getUiState(), ...patch });
}
