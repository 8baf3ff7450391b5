/**
 * Electron main process: one instance per user, the engine hosted here (engine-host.ts), the secure window
 * (window.ts), IPC (ipc.ts), the tray (tray.ts) with the app running on in the background after the window
 * closes, start at login (login-item.ts), and the power monitor feeding the engine (power.ts).
 * The decisions live in plain modules with unit tests (test/main); this file only wires Electron to them.
 *
 * WARP_ELECTRON_SMOKE=1 (test/electron/smoke.test.ts): print one line when the window is ready and quit.
 */
import { app, nativeTheme, Notification, screen, shell, type BrowserWindow } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { warpHome } from '../engine/core/warp-home.ts';
import type { WarpEvent } from '../shared/events.ts';
import { startEngineHost, type EngineHost } from './engine-host.ts';
import { createActivity } from './activity.ts';
import { registerDialogs } from './dialog.ts';
import { installMenu } from './menu.ts';
import type { Language } from '../shared/i18n/catalogue.ts';
import { forwardEvents, registerIpc } from './ipc.ts';
import { serviceDispatch } from './ipc-dispatch.ts';
import { planLoginItem, startedHidden } from './login-item.ts';
import { initialNotifyState, notificationFor, type Note, type NotifyState } from '../shared/notify-model.ts';
import { watchPower } from './power.ts';
import { powerFlags } from './power-state.ts';
import { createTray, type TrayController } from './tray.ts';
import { panelTheme } from './tray-theme.ts';
import {
  applyTrayEvent,
  initialTrayState,
  trayView,
  withJobs,
  withSyncJobs,
  type TrayAction,
  type TrayState,
} from './tray-model.ts';
import { archivesInArgv, OpenQueue } from './open-file-model.ts';
import { registerOpenFiles } from './open-files.ts';
import { createMainWindow } from './window.ts';
import { boundsFile, readBounds, restoreBounds, writeBounds } from './window-bounds.ts';

const smoke = process.env.WARP_ELECTRON_SMOKE === '1';
const outDir = import.meta.dirname;
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
// Tray icons: packaged under resources/assets (electron-builder extraResources), in a checkout under resources/
// of the app folder (the one holding package.json, which `electron .` runs).
const assetsDir = app.isPackaged
  ? path.join(process.resourcesPath, 'assets')
  : path.join(app.getAppPath(), 'resources');
const appUrl = devUrl ?? new URL(`file://${path.join(outDir, '../renderer/index.html')}`).href;

const log = (m: string) => process.stderr.write(`warp: ${m}\n`);

let win: BrowserWindow | undefined;
let engine: EngineHost | undefined;
let tray: TrayController | undefined;
let trayState: TrayState = initialTrayState();
/** The language the page shows (the menu's, menu.ts): the tray and the notifications speak it too. */
let uiLanguage: () => Language = () => 'en';
let notifyState: NotifyState = initialNotifyState();
let quitting = false;
/** `.warp` files the OS asked to open (this start's command line, open-file, a second instance), until the page takes them. */
const opens = new OpenQueue();
opens.push(archivesInArgv(process.argv, process.cwd(), process.platform));
let announceOpens: ((w: BrowserWindow | undefined) => void) | undefined;

/** Shows the window with the files just queued (it takes them once its page runs). */
function openQueued(paths: string[]): void {
  if (!opens.push(paths) || !app.isReady() || !engine) return;
  showWindow();
  announceOpens?.(win);
}

function showWindow(): void {
  if (!win || win.isDestroyed()) {
    const file = boundsFile(app.getPath('userData'));
    win = createMainWindow({
      outDir,
      devUrl,
      show: true,
      icon: path.join(assetsDir, 'icon.png'),
      hideOnClose: () => !quitting && tray !== undefined && engine?.config.desktop.closeToTray !== false,
      bounds: restoreBounds(
        readBounds(file),
        screen.getAllDisplays().map((d) => d.workArea),
      ),
      onBounds: (b) => writeBounds(file, b),
    });
    win.on('closed', () => {
      win = undefined;
    });
    return;
  }
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/** Notifications only while Warp works unseen (window hidden or another app in front). */
function notify(note: Note): void {
  if (smoke || !Notification.isSupported()) return;
  if (win && !win.isDestroyed() && win.isVisible() && win.isFocused()) return;
  const n = new Notification({ title: note.title, body: note.body, icon: path.join(assetsDir, 'icon.png') });
  n.on('click', () => showWindow());
  n.show();
}

/** The taskbar progress and the power-save blocker follow the same picture of the jobs as the tray. */
const activity = createActivity(() => win);

function renderTray(): void {
  tray?.render(trayView(trayState, uiLanguage()));
  activity.render(trayState);
}

async function refreshSync(): Promise<void> {
  if (!engine?.service.sync) return;
  try {
    trayState = withSyncJobs(trayState, await engine.service.syncList());
    renderTray();
  } catch (e) {
    log(`sync status: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Pause or resume every sync job (the tray's one switch); per-job control is in the window. */
async function setAllSync(paused: boolean): Promise<void> {
  const s = engine?.service;
  if (!s?.sync) return;
  for (const j of await s.syncList()) {
    try {
      if (paused && !j.paused) await s.syncPause(j.id);
      else if (!paused && j.paused) await s.syncResume(j.id);
    } catch (e) {
      log(`sync ${j.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  await refreshSync();
}

const HOUR_MS = 3_600_000;
/** Jobs the tray paused for an hour, and the timer that resumes each. */
const pausedForAnHour = new Map<string, ReturnType<typeof setTimeout>>();

/** A synced folder's submenu: open it, sync it now, pause it for an hour, resume it. */
async function folderAction(a: Exclude<TrayAction, string>): Promise<void> {
  const s = engine?.service;
  if (a.do === 'open-folder') {
    const err = await shell.openPath(a.folder);
    if (err) log(`open ${a.folder}: ${err}`);
    return;
  }
  if (!s?.sync) return;
  clearTimeout(pausedForAnHour.get(a.id));
  pausedForAnHour.delete(a.id);
  try {
    if (a.do === 'sync-now') await s.syncNow(a.id);
    else if (a.do === 'resume') await s.syncResume(a.id);
    else {
      await s.syncPause(a.id);
      const t = setTimeout(() => {
        pausedForAnHour.delete(a.id);
        void s.syncResume(a.id).then(refreshSync, (e: unknown) => log(`sync ${a.id}: ${String(e)}`));
      }, HOUR_MS);
      t.unref();
      pausedForAnHour.set(a.id, t);
    }
  } catch (e) {
    log(`sync ${a.id}: ${e instanceof Error ? e.message : String(e)}`);
  }
  await refreshSync();
}

/** The OS panel's theme as nativeTheme reports it (the tray icon's variant follows it). */
function currentPanelTheme() {
  return panelTheme({
    platform: process.platform,
    darkColors: nativeTheme.shouldUseDarkColors,
    darkSystemUi: nativeTheme.shouldUseDarkColorsForSystemIntegratedUI,
  });
}

function onTrayAction(a: TrayAction): void {
  if (typeof a === 'object') void folderAction(a);
  else if (a === 'open') showWindow();
  else if (a === 'pause-sync') void setAllSync(true);
  else if (a === 'resume-sync') void setAllSync(false);
  else if (a === 'quit') {
    quitting = true;
    app.quit();
  }
}

function applyLoginItem(startAtLogin: boolean): void {
  const plan = planLoginItem({
    startAtLogin,
    isPackaged: app.isPackaged,
    platform: process.platform,
    execPath: process.execPath,
    configHome: process.env.XDG_CONFIG_HOME || path.join(app.getPath('home'), '.config'),
    appImage: process.env.APPIMAGE,
  });
  try {
    if (plan.kind === 'electron') app.setLoginItemSettings(plan.settings);
    else if (plan.kind === 'xdg-autostart') {
      if (plan.enable) {
        fs.mkdirSync(path.dirname(plan.file), { recursive: true });
        fs.writeFileSync(plan.file, plan.contents);
      } else fs.rmSync(plan.file, { force: true });
    }
  } catch (e) {
    log(`start at login: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function start(): Promise<void> {
  engine = await startEngineHost(log);
  const service = engine.service;
  const disposeIpc = registerIpc(serviceDispatch(service), () => appUrl);
  // Replaces Electron's default menu (which ships Reload and Toggle Developer Tools) before any window opens.
  const menu = installMenu(
    { platform: process.platform, dev: !app.isPackaged },
    () => win,
    showWindow,
    () => appUrl,
    () => renderTray(),
  );
  uiLanguage = menu.language;
  const disposeDialogs = registerDialogs(
    () => win,
    () => appUrl,
  );
  const openFiles = registerOpenFiles(opens, () => appUrl);
  announceOpens = openFiles.announce;
  const stopForward = forwardEvents(
    (l) => service.onEvent(l),
    () => win?.webContents,
  );

  if (!smoke) {
    try {
      tray = createTray(assetsDir, onTrayAction, currentPanelTheme());
    } catch (e) {
      // Some Linux desktops have no status area; the app then quits when its window closes.
      log(`no tray: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  trayState = withJobs(trayState, service.jobList());
  if (engine.listenError) trayState = { ...trayState, notice: 'noListener' };
  const stopTray = service.onEvent((e: WarpEvent) => {
    trayState = applyTrayEvent(trayState, e);
    const n = notificationFor(notifyState, e, uiLanguage());
    notifyState = n.state;
    if (n.note) notify(n.note);
    if (e.type === 'sync.state' || e.type === 'sync.error') void refreshSync();
    if (e.type === 'config.changed' && e.keys.includes('desktop.start_at_login')) {
      const r = service.configGet().entries.find((x) => x.key === 'desktop.start_at_login');
      applyLoginItem(r?.value === true);
    }
    renderTray();
  });
  void refreshSync();
  const onTheme = () => tray?.setTheme(currentPanelTheme());
  nativeTheme.on('updated', onTheme);
  const stopSyncJobs = engine.syncManager?.events.on((e) => {
    if (e.type === 'sync.job-added' || e.type === 'sync.job-removed') void refreshSync();
  });

  const power = watchPower((p) => {
    const f = powerFlags(p);
    trayState = { ...trayState, onBattery: f.onBattery };
    renderTray();
    // Sync's "pause on battery" (SyncManager.setPowerState) when the host attached one; see engine-host.ts.
    engine?.setPower(p);
  });

  if (!smoke) applyLoginItem(engine.config.desktop.startAtLogin);
  const hidden = startedHidden(
    process.argv,
    process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin,
  );
  // Started to open a file (a double-click): the window shows even when the login item started the app hidden.
  if (!hidden || !tray || opens.size > 0) showWindow();
  renderTray();

  if (smoke) {
    win?.once('ready-to-show', () => {
      process.stdout.write(`WARP_SMOKE_OK electron=${process.versions.electron} node=${process.versions.node}\n`);
      app.quit();
    });
  }

  // Quit cleanly: stop the engine (in-flight jobs abort, resumable sessions stay on disk), then exit.
  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    stopped = true;
    power.stop();
    stopTray();
    nativeTheme.removeListener('updated', onTheme);
    stopSyncJobs?.();
    stopForward();
    disposeIpc();
    disposeDialogs();
    openFiles.dispose();
    activity.stop();
    tray?.destroy();
    const done = () => app.exit(0);
    const timer = setTimeout(done, 5000);
    void engine!
      .stop()
      .catch((e: unknown) => log(`stop: ${String(e)}`))
      .finally(() => {
        clearTimeout(timer);
        done();
      });
  });
}

// One instance per Warp home: with WARP_HOME set (a second profile, the tests) Chromium's profile and the
// single-instance lock live under it, so it neither collides with nor reuses the default instance.
if (process.env.WARP_HOME) app.setPath('userData', path.join(warpHome(), 'electron'));
// Windows shows notifications only for an app with an AppUserModelID (the installer's, build/electron-builder.yml).
if (process.platform === 'win32') app.setAppUserModelId('dev.warp.desktop');

// Linux Chromium keeps WebGPU behind a flag for most drivers; the renderer still uses it only on a real
// (non-fallback, non-software) adapter and falls back to the CPU scheduler otherwise (src/renderer/sched).
if (process.platform === 'linux') app.commandLine.appendSwitch('enable-unsafe-webgpu');

if (!app.requestSingleInstanceLock()) {
  // Another Warp runs for this user: it shows its window (second-instance below) and this one leaves.
  app.quit();
} else {
  app.on('second-instance', (_e, argv, workingDirectory) => {
    if (app.isReady()) showWindow();
    openQueued(archivesInArgv(argv, workingDirectory, process.platform));
  });
  // macOS: a double-clicked .warp or one dropped on the Dock icon, also before the app is ready (queued).
  app.on('open-file', (e, file) => {
    e.preventDefault();
    openQueued(archivesInArgv(['', file], '/', process.platform));
  });
  // Belt and braces for any web contents (not only the main window): no <webview>, no new windows.
  app.on('web-contents-created', (_e, wc) => {
    wc.on('will-attach-webview', (ev) => ev.preventDefault());
    wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  // With a tray the app lives on when the window closes; without one (or close_to_tray off) it quits.
  app.on('window-all-closed', () => {
    if (!tray || engine?.config.desktop.closeToTray === false) app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && engine) showWindow();
  });
  void app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      log(`failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      app.exit(1);
    });
}
