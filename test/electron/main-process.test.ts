/**
 * The built Electron main process (electron-vite output) run under plain Node with a stand-in for the
 * 'electron' module (test/electron/fake/), so the wiring of src/main/index.ts is exercised where no Electron
 * binary exists: the real engine starts over a temporary WARP_HOME, the IPC handlers answer (and refuse foreign
 * frames and bad input), navigation and new windows are blocked, the CSP header and permission denial are in
 * place, the tray renders and follows the power monitor, events reach the page, sync is hosted and the tray
 * pauses it, closing hides to the tray, and "Quit" stops the engine and exits 0. What it cannot show: Chromium,
 * the preload in a real sandbox (the Playwright smoke test does that where a binary exists).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/electron-binary.ts';
import { IPC_METHODS, IPC_OPEN_FILES_CHANNEL, IPC_PICK_PATH_CHANNEL, ipcChannel } from '../../src/shared/ipc.ts';
import { tmpDir } from '../helpers/tmp.ts';

const outDir = path.join(repoRoot, 'test-results', 'electron-main-out');
type Step = { step: string } & Record<string, unknown>;

function runMain(): Promise<{ steps: Map<string, Step>; code: number | null; stderr: string; home: string }> {
  const home = tmpDir('warp-main-');
  const child = spawn(
    process.execPath,
    [
      '--import',
      path.join(repoRoot, 'test', 'electron', 'fake', 'register.mjs'),
      path.join(outDir, 'main', 'index.js'),
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        FAKE_ELECTRON_SCENARIO: '1',
        FAKE_ELECTRON_OUT: outDir,
        WARP_HOME: home,
        WARP_TRANSFER_HOST: '127.0.0.1',
        WARP_TRANSFER_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      const steps = new Map<string, Step>();
      for (const line of stdout.split('\n'))
        if (line.startsWith('FAKE ')) {
          const s = JSON.parse(line.slice(5)) as Step;
          steps.set(s.step, s);
        }
      resolve({ steps, code, stderr, home });
    });
  });
}

describe('Electron main process (built, under Node with a stand-in electron module)', () => {
  let run: Awaited<ReturnType<typeof runMain>>;

  beforeAll(async () => {
    fs.rmSync(outDir, { recursive: true, force: true });
    execFileSync(
      process.execPath,
      [path.join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', outDir],
      { cwd: repoRoot, stdio: 'pipe' },
    );
    run = await runMain();
  }, 120_000);

  const step = (name: string): Step => {
    const s = run.steps.get(name);
    if (!s)
      throw new Error(`step '${name}' missing; steps: ${[...run.steps.keys()].join(', ')}; stderr: ${run.stderr}`);
    return s;
  };

  it('opens the window with the secure preferences and the CommonJS preload', () => {
    expect(step('window').webPreferences).toMatchObject({
      preload: path.join(outDir, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    });
    // A sandboxed preload may require nothing but 'electron', and must not be an ES module.
    const preload = fs.readFileSync(path.join(outDir, 'preload', 'index.cjs'), 'utf8');
    expect([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    expect(fs.existsSync(path.join(outDir, 'main', 'chunk-worker.js'))).toBe(true);
  });

  it("keeps Chromium's profile (and the single-instance lock) under WARP_HOME when it is set", () => {
    expect(step('set-path')).toMatchObject({
      name: 'userData',
      value: expect.stringMatching(/warp-main-.*\/electron$/) as string,
    });
  });

  it("replaces Electron's default menu (no Reload or developer tools in a packaged build) before the window", () => {
    // Run from a checkout (isPackaged false): the View menu has the development items; menu-model.test.ts
    // covers the packaged one.
    expect(step('application-menu').labels).toEqual(['File', 'Edit', 'Go', 'Transfer', 'View', 'Help']);
  });

  it('registers one handler per contract method; info() answers from the hosted engine', () => {
    expect(step('handlers').channels).toEqual(
      [...IPC_METHODS.map(ipcChannel), IPC_PICK_PATH_CHANNEL, IPC_OPEN_FILES_CHANNEL].sort(),
    );
    expect(step('info').r).toMatchObject({
      ok: true,
      value: {
        host: 'electron',
        peerId: expect.stringMatching(/^12D3/) as string,
        listen: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as string,
      },
    });
  });

  it('refuses calls from foreign frames and invalid input', () => {
    expect(step('foreign-frame').r).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(step('bad-input').r).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/inputs\[0\].*absolute/) as string },
    });
  });

  it('blocks navigation and new windows (https goes to the system browser), sets the CSP, denies permissions', () => {
    expect(step('navigation')).toMatchObject({ external: true, file: true, self: false });
    expect(step('window-open')).toMatchObject({ https: { action: 'deny' }, file: { action: 'deny' } });
    expect(step('open-external').url).toBe('https://example.com/docs');
    expect((step('csp').header as string[])[0]).toMatch(/^default-src 'self'; script-src 'self';.*object-src 'none'/);
    expect(step('permission').allowed).toBe(false);
  });

  it("tray: icon from resources/ in the OS theme's variant, status and menu, and the power monitor shows through", () => {
    expect(step('tray').image).toBe(path.join(repoRoot, 'resources', 'tray', 'idle.png'));
    expect(step('tray-dark').image).toBe(path.join(repoRoot, 'resources', 'tray', 'idle-on-dark.png'));
    expect(step('tray').labels).toEqual([
      'Warp: idle',
      '---',
      'No active transfers',
      '---',
      'Sync: no folders',
      'Pause sync',
      '---',
      'Open Warp',
      'Quit Warp',
    ]);
    expect((step('tray-on-battery').labels as string[])[0]).toBe('Warp: idle · on battery');
  });

  it('forwards engine events to the page over the one event channel', () => {
    expect(step('events')).toMatchObject({
      channels: ['warp:event'],
      types: expect.arrayContaining(['job.update']) as string[],
    });
  });

  it('.warp files from a second instance and open-file reach the page once each, through the app page only', () => {
    expect(step('open-files')).toMatchObject({
      pings: 2,
      foreign: { ok: false, error: expect.objectContaining({ code: 'UNAUTHORIZED' }) as unknown },
      taken: { ok: true, value: ['/home/fake/in-cwd.warp', '/Users/fake/mac.warp'] },
      again: { ok: true, value: [] },
    });
  });

  it('the menu and the tray speak the language the app page shows; another page cannot change it', () => {
    const s = step('menu-language') as unknown as Record<
      'foreign' | 'own' | 'back',
      { menu: string[]; tray: string[] }
    >;
    expect(s.foreign.menu).toEqual(['File', 'Edit', 'Go', 'Transfer', 'View', 'Help']);
    expect(s.foreign.tray).toContain('Open Warp');
    expect(s.own.menu).toEqual(['Datei', 'Bearbeiten', 'Gehe zu', 'Übertragung', 'Darstellung', 'Hilfe']);
    expect(s.own.tray).toEqual(expect.arrayContaining(['Warp öffnen', 'Warp beenden']));
    expect(s.back.menu).toEqual(s.foreign.menu);
    expect(s.back.tray).toEqual(s.foreign.tray);
  });

  it('hosts sync: a job added over IPC shows in the tray, and the tray pauses it', () => {
    expect(step('sync-add')).toMatchObject({
      r: { ok: true, value: { remotePath: '/docs', paused: false } },
      features: { sync: true },
    });
    expect(step('tray-sync').labels).toContain('Pause sync');
    expect((step('tray-sync').labels as string[]).some((l) => l.startsWith('Sync: 1 folder'))).toBe(true);
    expect(step('tray-sync-paused').labels).toEqual(expect.arrayContaining(['Sync: 1 folder · paused', 'Resume sync']));
    expect(step('tray-sync-paused').list).toMatchObject({ ok: true, value: [{ paused: true }] });
  });

  it('while the window is hidden, a finished job is a desktop notification', () => {
    expect(step('notifications').notes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ title: expect.stringMatching(/^Done: Create warp-fake-\d+\.warp$/) as string }),
      ]),
    );
  });

  it('closing the window hides it to the tray (saving its bounds); Quit stops the engine and exits 0', () => {
    expect(step('close')).toMatchObject({ prevented: true, visible: false });
    expect(JSON.parse(fs.readFileSync(path.join(run.home, 'electron', 'window-bounds.json'), 'utf8'))).toEqual({
      x: 10,
      y: 20,
      width: 1280,
      height: 800,
      maximized: false,
    });
    expect(step('exit').code).toBe(0);
    expect(run.code, run.stderr).toBe(0);
  });
});
