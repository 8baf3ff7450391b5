/**
 * The main window: secure web preferences, the CSP header, navigation and new windows blocked, no browser
 * permissions (all decided in window-security.ts), and "close hides to the tray" while the app keeps running.
 */
import { BrowserWindow, session, shell } from 'electron';
import path from 'node:path';
import { contentSecurityPolicy, isNavigationAllowed, isPermissionAllowed, secureWebPreferences, windowOpenDecision } from './window-security.ts';

export interface MainWindowOptions {
  /** Where the built app lives (out/main); preload and renderer are its siblings. */
  outDir: string;
  /** electron-vite's dev server, when running `electron-vite dev`. */
  devUrl?: string;
  show: boolean;
  /** Closing hides the window instead of destroying it (the tray keeps the app running). */
  hideOnClose: () => boolean;
  icon?: string;
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
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionAllowed(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => isPermissionAllowed(permission));
}

export function createMainWindow(o: MainWindowOptions): BrowserWindow {
  hardenSession(o.devUrl);
  const win = new BrowserWindow({
    show: false,
    width: 1280,
    height: 800,
    minWidth: 760,
    minHeight: 520,
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
