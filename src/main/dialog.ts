/** Shows native open dialogs for the page (dialog-model.ts decides what; this only calls Electron). */
import { dialog, ipcMain, type BrowserWindow } from 'electron';
import { IPC_PICK_PATH_CHANNEL, type IpcEnvelope } from '../shared/ipc.ts';
import { openDialogPlan, parsePickRequest, pickedPath } from './dialog-model.ts';
import { isNavigationAllowed } from './window-security.ts';

export function registerDialogs(win: () => BrowserWindow | undefined, appUrl: () => string): () => void {
  ipcMain.handle(IPC_PICK_PATH_CHANNEL, async (e, raw: unknown): Promise<IpcEnvelope<string | undefined>> => {
    const url = e.senderFrame?.url;
    if (url === undefined || !isNavigationAllowed(url, appUrl()))
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'this page may not call Warp' } };
    let plan;
    try {
      plan = openDialogPlan(parsePickRequest(raw));
    } catch (err) {
      return { ok: false, error: { code: 'E_USAGE', message: (err as Error).message } };
    }
    const w = win();
    const r = w && !w.isDestroyed() ? await dialog.showOpenDialog(w, plan) : await dialog.showOpenDialog(plan);
    return { ok: true, value: pickedPath(r) };
  });
  return () => ipcMain.removeHandler(IPC_PICK_PATH_CHANNEL);
}
