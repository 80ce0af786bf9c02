/**
 * The HTML shell shared by the panel and the side view: strict CSP, one nonce'd script, CSS links;
 * the DOM is built by the script.
 */
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';

/** Webview options: scripts on, and only `media/` and `dist/webview/` readable. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'media'),
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
    ],
  };
}

/** The shell for webview `entry` ('panel' or 'sidebar'). */
export function renderShell(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  entry: 'panel' | 'sidebar',
  title: string,
): string {
  const nonce = randomBytes(16).toString('base64');
  const media = (file: string): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', file));
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${entry}.js`));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${media('reset.css')}" rel="stylesheet">
<link href="${media('vscode.css')}" rel="stylesheet">
<link href="${media(`${entry}.css`)}" rel="stylesheet">
<title>${esc(title)}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
