/** Electron main process (minimal until the desktop issue): one secure window over the renderer. */
import { app, BrowserWindow } from 'electron';
import path from 'node:path';

function createWindow(): void {
  const win = new BrowserWindow({
    show: !process.env.WARP_ELECTRON_SMOKE,
    width: 1280,
    height: 800,
    webPreferences: { preload: path.join(import.meta.dirname, '../preload/index.mjs'), contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  // Smoke test hook (test/electron/smoke.test.ts): report that the window came up, then quit.
  if (process.env.WARP_ELECTRON_SMOKE) {
    win.once('ready-to-show', () => {
      process.stdout.write(`WARP_SMOKE_OK electron=${process.versions.electron} node=${process.versions.node}\n`);
      app.quit();
    });
  }
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(path.join(import.meta.dirname, '../renderer/index.html'));
}

void app.whenReady().then(createWindow);
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
