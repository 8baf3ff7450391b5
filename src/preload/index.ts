/**
 * Preload bridge: exposes the typed contract of src/shared (bridge.ts over the IPC channels of ipc.ts) as
 * `window.warp`, nothing more: one invoke per contract method, one event subscription, and the real path of a
 * dropped File. It runs sandboxed (only 'electron' is available; electron-vite bundles this file as CommonJS),
 * and it hands the page functions only, never ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  IPC_COMMAND_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_LANGUAGE_CHANNEL,
  IPC_OPEN_FILES_CHANNEL,
  IPC_OPEN_FILES_READY_CHANNEL,
  IPC_PICK_PATH_CHANNEL,
  ipcChannel,
  ipcErrorMessage,
  type ElectronBridge,
  type IpcEnvelope,
  type IpcMethod,
} from '../shared/ipc.ts';
import { nestOperations } from '../shared/operations.ts';
import type { WarpEvent, WarpEventListener } from '../shared/events.ts';
import type { PickPathRequest } from '../shared/bridge.ts';
import { isAppCommand, type AppCommand } from '../shared/commands.ts';

async function call(method: IpcMethod, args: unknown[]): Promise<unknown> {
  const r = (await ipcRenderer.invoke(ipcChannel(method), ...args)) as IpcEnvelope<unknown>;
  if (r.ok) return r.value;
  throw new Error(ipcErrorMessage(r.error));
}

const api: Record<string, unknown> = nestOperations(
  (method) =>
    (...args: unknown[]) =>
      call(method, args),
);

api.onEvent = (listener: WarpEventListener): (() => void) => {
  if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
  const handler = (_e: IpcRendererEvent, event: WarpEvent) => listener(event);
  ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
  return () => {
    ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  };
};

api.pathForFile = (file: File): string => webUtils.getPathForFile(file);

api.onCommand = (listener: (command: AppCommand) => void): (() => void) => {
  if (typeof listener !== 'function') throw new TypeError('onCommand needs a function');
  const handler = (_e: IpcRendererEvent, command: unknown) => {
    if (isAppCommand(command)) listener(command);
  };
  ipcRenderer.on(IPC_COMMAND_CHANNEL, handler);
  return () => {
    ipcRenderer.removeListener(IPC_COMMAND_CHANNEL, handler);
  };
};

api.setLanguage = (language: unknown): void => {
  if (typeof language === 'string') ipcRenderer.send(IPC_LANGUAGE_CHANNEL, language);
};

api.onOpenFiles = (listener: (paths: string[]) => void): (() => void) => {
  if (typeof listener !== 'function') throw new TypeError('onOpenFiles needs a function');
  const take = async () => {
    const r = (await ipcRenderer.invoke(IPC_OPEN_FILES_CHANNEL)) as IpcEnvelope<string[]>;
    if (r.ok && r.value.length > 0) listener(r.value.filter((p) => typeof p === 'string'));
  };
  const handler = () => void take();
  ipcRenderer.on(IPC_OPEN_FILES_READY_CHANNEL, handler);
  void take();
  return () => {
    ipcRenderer.removeListener(IPC_OPEN_FILES_READY_CHANNEL, handler);
  };
};

api.pickPath = async (req: PickPathRequest): Promise<string | undefined> => {
  const r = (await ipcRenderer.invoke(IPC_PICK_PATH_CHANNEL, req)) as IpcEnvelope<string | undefined>;
  if (r.ok) return r.value;
  throw new Error(ipcErrorMessage(r.error));
};

contextBridge.exposeInMainWorld('warp', api as ElectronBridge);
