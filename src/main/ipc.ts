/**
 * Registers one `ipcMain.handle` per contract method (channels in src/shared/ipc.ts) and forwards engine
 * events to the window over the one event channel. Only the app's own page may call: a frame from anywhere
 * else (which navigation rules should already prevent) gets UNAUTHORIZED. Validation, dispatch and error
 * mapping are in ipc-dispatch.ts / ipc-validate.ts.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { WarpEvent } from '../shared/events.ts';
import { IPC_EVENT_CHANNEL, IPC_METHODS, ipcChannel, type IpcEnvelope } from '../shared/ipc.ts';
import { handleIpc, type IpcDispatch } from './ipc-dispatch.ts';
import { isNavigationAllowed } from './window-security.ts';

export function registerIpc(dispatch: IpcDispatch, appUrl: () => string): () => void {
  const trusted = (e: IpcMainInvokeEvent) => {
    const url = e.senderFrame?.url;
    return url !== undefined && isNavigationAllowed(url, appUrl());
  };
  for (const method of IPC_METHODS) {
    ipcMain.handle(ipcChannel(method), async (e, ...args: unknown[]): Promise<IpcEnvelope<unknown>> => {
      if (!trusted(e)) return { ok: false, error: { code: 'UNAUTHORIZED', message: 'this page may not call Warp' } };
      return handleIpc(dispatch, method, args);
    });
  }
  return () => {
    for (const method of IPC_METHODS) ipcMain.removeHandler(ipcChannel(method));
  };
}

/** Sends every engine event to the window's page (dropped while there is no live page, e.g. hidden and reloading). */
export function forwardEvents(
  subscribe: (l: (e: WarpEvent) => void) => () => void,
  target: () => WebContents | undefined,
): () => void {
  return subscribe((e) => {
    const wc = target();
    if (wc && !wc.isDestroyed() && !wc.isLoading()) wc.send(IPC_EVENT_CHANNEL, e);
  });
}
