/**
 * Preload bridge: exposes the typed contract of src/shared (bridge.ts over the IPC channels of ipc.ts) as
 * `window.warp`, nothing more: one invoke per contract method, one event subscription, and the real path of a
 * dropped File. It runs sandboxed (only 'electron' is available; electron-vite bundles this file as CommonJS),
 * and it hands the page functions only, never ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_METHODS, ipcChannel, ipcErrorMessage, type ElectronBridge, type IpcEnvelope } from '../shared/ipc.ts';
import type { WarpEvent, WarpEventListener } from '../shared/events.ts';

async function call(method: (typeof IPC_METHODS)[number], args: unknown[]): Promise<unknown> {
  const r = (await ipcRenderer.invoke(ipcChannel(method), ...args)) as IpcEnvelope<unknown>;
  if (r.ok) return r.value;
  throw new Error(ipcErrorMessage(r.error));
}

const api: Record<string, unknown> = {};
for (const method of IPC_METHODS) {
  const [group, name] = method.split('.') as [string, string | undefined];
  const fn = (...args: unknown[]) => call(method, args);
  if (name === undefined) api[group] = fn;
  else ((api[group] ??= {}) as Record<string, unknown>)[name] = fn;
}

api.onEvent = (listener: WarpEventListener): (() => void) => {
  if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
  const handler = (_e: IpcRendererEvent, event: WarpEvent) => listener(event);
  ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
  return () => { ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler); };
};

api.pathForFile = (file: File): string => webUtils.getPathForFile(file);

contextBridge.exposeInMainWorld('warp', api as ElectronBridge);
