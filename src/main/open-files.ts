/**
 * Hands the page the `.warp` files the OS asked the app to open (open-file-model.ts queues them): the page takes
 * them over IPC when it starts and whenever it is told more are waiting.
 */
import { ipcMain, type BrowserWindow } from 'electron';
import { IPC_OPEN_FILES_CHANNEL, IPC_OPEN_FILES_READY_CHANNEL, type IpcEnvelope } from '../shared/ipc.ts';
import type { OpenQueue } from './open-file-model.ts';
import { isNavigationAllowed } from './window-security.ts';

export function registerOpenFiles(
  queue: OpenQueue,
  appUrl: () => string,
): { announce(win: BrowserWindow | undefined): void; dispose(): void } {
  ipcMain.handle(IPC_OPEN_FILES_CHANNEL, (e): IpcEnvelope<string[]> => {
    const url = e.senderFrame?.url;
    if (url === undefined || !isNavigationAllowed(url, appUrl()))
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'this page may not call Warp' } };
    return { ok: true, value: queue.take() };
  });
  return {
    // A window still loading takes the queue itself when its page starts.
    announce(win) {
      if (win && !win.isDestroyed() && !win.webContents.isLoading()) win.webContents.send(IPC_OPEN_FILES_READY_CHANNEL);
    },
    dispose: () => ipcMain.removeHandler(IPC_OPEN_FILES_CHANNEL),
  };
}
