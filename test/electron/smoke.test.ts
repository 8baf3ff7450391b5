/**
 * Electron smoke test, with Playwright's Electron support (playwright-core `_electron`): builds the app
 * (electron-vite), starts it over a temporary WARP_HOME, and checks that the window opens, the preload bridge
 * is exactly the contract, an IPC round trip works (info(), and a rejected call keeps its error code), the page
 * has no Node, and navigation away from the app is blocked.
 *
 * It runs only where an Electron binary exists and a display can be had (DISPLAY, or Xvfb on Linux, which it
 * starts itself); otherwise it is skipped and says why. The binary is located without require('electron'),
 * which would try to download it (scripts/electron-binary.ts).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary, NO_ELECTRON_REASON, repoRoot } from '../../scripts/electron-binary.ts';
import { IPC_METHODS } from '../../src/shared/ipc.ts';
import type { ElectronBridge } from '../../src/shared/ipc.ts';
import { tmpDir } from '../helpers/tmp.ts';

declare global {
  interface Window {
    warp?: ElectronBridge;
  }
}

const binary = electronBinary();
const needsXvfb = process.platform === 'linux' && !process.env.DISPLAY;
const xvfb = needsXvfb ? spawnSync('sh', ['-c', 'command -v Xvfb'], { encoding: 'utf8' }).stdout.trim() : '';
const skipReason = !binary
  ? NO_ELECTRON_REASON
  : needsXvfb && !xvfb
    ? 'no display: DISPLAY is unset and Xvfb is not installed (apt-get install xvfb)'
    : undefined;
if (skipReason) console.warn(`Electron smoke test skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('Electron app', () => {
  let display: ChildProcess | undefined;
  const env: Record<string, string> = {};

  beforeAll(() => {
    execFileSync(
      process.execPath,
      [path.join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
      { cwd: repoRoot, stdio: 'pipe' },
    );
    Object.assign(env, process.env as Record<string, string>, {
      WARP_HOME: tmpDir('warp-electron-'),
      // The app's peer listener: loopback and a free port, never the real default.
      WARP_TRANSFER_HOST: '127.0.0.1',
      WARP_TRANSFER_PORT: '0',
    });
    if (needsXvfb) {
      const n = 90 + Math.floor(Math.random() * 400);
      display = spawn(xvfb, [`:${n}`, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
      env.DISPLAY = `:${n}`;
    }
  }, 120_000);

  afterAll(() => {
    display?.kill();
  });

  async function launch(extraEnv: Record<string, string> = {}): Promise<ElectronApplication> {
    return electron.launch({
      executablePath: binary!,
      args: ['--no-sandbox', repoRoot],
      env: { ...env, ...extraEnv },
      timeout: 60_000,
    });
  }

  it('boots, shows its window and quits cleanly (WARP_ELECTRON_SMOKE hook)', () => {
    const r = spawnSync(binary!, ['--no-sandbox', repoRoot], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...env, WARP_ELECTRON_SMOKE: '1' },
    });
    expect(r.stdout, r.stderr).toMatch(/WARP_SMOKE_OK electron=\d+/);
    expect(r.status, r.stderr).toBe(0);
  }, 90_000);

  it('opens a sandboxed window whose bridge is exactly the contract, with a working IPC round trip', async () => {
    const app = await launch();
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');

      const shape = await page.evaluate(() => {
        const w = window.warp!;
        const keys: string[] = [];
        for (const [k, v] of Object.entries(w)) {
          if (typeof v === 'function') keys.push(k);
          else for (const k2 of Object.keys(v as object)) keys.push(`${k}.${k2}`);
        }
        return {
          keys: keys.sort(),
          node: typeof (globalThis as { require?: unknown }).require,
          process: typeof (globalThis as { process?: unknown }).process,
        };
      });
      expect(shape.keys).toEqual([...IPC_METHODS, 'onEvent', 'pathForFile'].sort());
      expect(shape.node).toBe('undefined');
      expect(shape.process).toBe('undefined');

      const info = await page.evaluate(() => window.warp!.info());
      expect(info).toMatchObject({
        host: 'electron',
        home: env.WARP_HOME,
        peerId: expect.stringMatching(/^12D3/) as string,
      });

      const rejected = await page.evaluate(() =>
        window.warp!.archive.info({ archive: 'not/absolute.warp' }).then(
          () => 'resolved',
          (e: Error) => e.message,
        ),
      );
      expect(rejected).toMatch(/^\[BAD_REQUEST\] .*absolute/);

      // getLastWebPreferences is Electron's (untyped) record of what the window really got.
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const wc = BrowserWindow.getAllWindows()[0]!.webContents as unknown as {
          getLastWebPreferences(): Record<string, unknown>;
        };
        const p = wc.getLastWebPreferences();
        return {
          contextIsolation: p.contextIsolation,
          sandbox: p.sandbox,
          nodeIntegration: p.nodeIntegration,
          webviewTag: p.webviewTag,
        };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });

      const before = page.url();
      await page
        .evaluate(() => {
          window.location.href = 'https://example.com/';
        })
        .catch(() => undefined);
      await page.waitForTimeout(500);
      expect(page.url()).toBe(before);
      const opened = await page.evaluate(() => window.open('file:///etc/passwd') === null);
      expect(opened).toBe(true);
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
    }
  }, 120_000);
});
