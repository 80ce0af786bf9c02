/**
 * Network files over VS Code's 50 MB limit: the editor opens them but never hands their text to
 * extensions, so they are known here by URI and size only. The worker reads them from disk, and
 * their trained weights go to a new file (the original cannot be edited through a document).
 */
import * as vscode from 'vscode';

/** Files larger than this are not synchronised to extensions by VS Code (its 50 MB limit). */
export const EDITOR_SYNC_LIMIT_BYTES = 50 * 2 ** 20;

/** A network file too large for the editor to hand over: its URI, size and modification time. */
export interface LargeFile {
  readonly uri: vscode.Uri;
  readonly size: number;
  readonly mtime: number;
}

/** `uri` as a large network file (on disk, over the limit), else undefined. */
export async function largeFileAt(uri: vscode.Uri | undefined): Promise<LargeFile | undefined> {
  if (!uri || uri.scheme !== 'file' || !uri.path.endsWith('.net.json')) return undefined;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    const isFile = (stat.type & vscode.FileType.File) !== 0;
    return isFile && stat.size > EDITOR_SYNC_LIMIT_BYTES ? { uri, size: stat.size, mtime: stat.mtime } : undefined;
  } catch {
    return undefined;
  }
}

/** The large network file in the active editor tab, if that is what it shows. */
export async function activeLargeFile(): Promise<LargeFile | undefined> {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return largeFileAt(input instanceof vscode.TabInputText ? input.uri : undefined);
}

/** Asks where the trained weights of a large file go: a new file beside it (`*.trained.net.json`). */
export async function askNewWeightsFile(file: LargeFile): Promise<vscode.Uri | undefined> {
  return vscode.window.showSaveDialog({
    defaultUri: file.uri.with({ path: file.uri.path.replace(/\.net\.json$/, '.trained.net.json') }),
    filters: { 'Network files': ['net.json'] },
    title: 'Write the trained weights into a new file (the original is too large to edit)',
  });
}
