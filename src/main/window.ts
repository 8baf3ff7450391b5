/**
 * The main window: secure web preferences, the CSP header, navigation and new windows blocked, no browser
 * permissions (all decided in window-security.ts), and "close hides to the tray" while the app keeps running.
 */
import { BrowserWindow, session, shell } from 'electron';
import path from 'node:path';
import { MIN_SIZE, type Rect, type SavedBounds } from './window-bounds.ts';
import {
  contentSecurityPolicy,
  isNavigationAllowed,
  isPermissionAllowed,
  secureWebPreferences,
  windowOpenDecision,
} from './window-security.ts';

export interface MainWindowOptions {
  /** Where the built app lives (out/main); preload and renderer are its siblings. */
  outDir: string;
  /** electron-vite's dev server, when running `electron-vite dev`. */
  devUrl?: string;
  show: boolean;
  /** Closing hides the window instead of destroying it (the tray keeps the app running). */
  hideOnClose: () => boolean;
  icon?: string;
  /** Where to open (window-bounds.ts restoreBounds) and where to report moves and resizes. */
  bounds?: { bounds: Partial<Rect> & { width: number; height: number }; maximized: boolean };
  onBounds?: (b: SavedBounds) => void;
}

let sessionHardened = false;

/** Once per session: the CSP on every response and a "no" to every permission request. */
function hardenSession(devUrl: string | undefined): void {
  if (sessionHardened) return;
  sessionHardened = true;
  const csp = contentSecurityPolicy(devUrl ? { dev: devUrl } : {});
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(isPermissionAllowed(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => isPermissionAllowed(permission));
}

export function createMainWindow(o: MainWindowOptions): BrowserWindow {
  hardenSession(o.devUrl);
  const win = new BrowserWindow({
    show: false,
    width: 1280,
    height: 800,
    ...o.bounds?.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Warp',
    backgroundColor: '#0f172a',
    ...(o.icon ? { icon: o.icon } : {}),
    webPreferences: secureWebPreferences(path.join(o.outDir, '../preload/index.cjs')),
  });
  const appUrl = o.devUrl ?? new URL(`file://${path.join(o.outDir, '../renderer/index.html')}`).href;

  win.webContents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url, appUrl)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!isNavigationAllowed(url, appUrl)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (windowOpenDecision(url) === 'open-external') void shell.openExternal(url);
    return { action: 'deny' };
  });

  if (o.bounds?.maximized) win.maximize();
  if (o.onBounds) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const save = () => {
      if (!win.isDestroyed()) o.onBounds!({ ...win.getNormalBounds(), maximized: win.isMaximized() });
    };
    const later = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, 500);
    };
    for (const ev of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(ev as 'resize', later);
    win.on('close', () => {
      if (timer) clearTimeout(timer);
      save();
    });
  }

  win.on('close', (event) => {
    if (o.hideOnClose()) {
      event.preventDefault();
      win.hide();
    }
  });
  if (o.show) win.once('ready-to-show', () => win.show());

  if (o.devUrl) void win.loadURL(o.devUrl);
  else void win.loadFile(path.join(o.outDir, '../renderer/index.html'));
  return win;
}
