/**
 * How the bridge contract (bridge.ts) travels over Electron IPC: one `ipcMain.handle` channel per operation of
 * operations.ts (`warp:<method>`, e.g. `warp:transfers.start`), one channel for events (main -> renderer), and a
 * result envelope, because Electron's invoke keeps only an Error's message and the renderer needs the stable code.
 * Shared by src/preload (client) and src/main (handlers). Plain data and types, no side effects.
 */
import type { ErrorDto } from './events.ts';
import type { PickPathRequest, WarpBridge } from './bridge.ts';
import type { Language } from './i18n/catalogue.ts';
import type { AppCommand } from './commands.ts';
import { OPERATION_NAMES, type OperationArgs, type OperationName, type OperationResult } from './operations.ts';

/** Every bridge method that crosses IPC, as "group.method": the operation table's names. */
export type IpcMethod = OperationName;
export type IpcArgs<M extends IpcMethod> = OperationArgs<M>;
export type IpcResult<M extends IpcMethod> = OperationResult<M>;

/** The same list at run time (the preload builds the bridge from it; main registers one handler per entry). */
export const IPC_METHODS: readonly IpcMethod[] = OPERATION_NAMES;

export const IPC_PREFIX = 'warp:';
/** main -> renderer: every WarpEvent, one message each. */
export const IPC_EVENT_CHANNEL = 'warp:event';
/** main -> renderer: an application-menu command (an AppCommand of commands.ts). */
export const IPC_COMMAND_CHANNEL = 'warp:command';
/** renderer -> main: the page's language (a Language of i18n/catalogue.ts); the application menu follows it. */
export const IPC_LANGUAGE_CHANNEL = 'warp:language';
/** renderer -> main: take the `.warp` files the OS asked the app to open (string[]), waiting since the last take. */
export const IPC_OPEN_FILES_CHANNEL = 'warp:open-files.take';
/** main -> renderer: files are waiting to be taken (no payload: the page takes them, so none is lost or doubled). */
export const IPC_OPEN_FILES_READY_CHANNEL = 'warp:open-files.ready';
/** renderer -> main: a native open dialog (PickPathRequest -> the chosen path, or undefined when cancelled). */
export const IPC_PICK_PATH_CHANNEL = 'warp:dialog.pickPath';

export function ipcChannel(method: IpcMethod): string {
  return `${IPC_PREFIX}${method}`;
}

/** What every `warp:<method>` handler resolves to. */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: ErrorDto };

/**
 * What the preload exposes as `window.warp`: the bridge (without the web-only upload/download) plus the
 * Electron-only helpers: the real path of a dropped or picked File (webUtils.getPathForFile; '' when the File
 * does not come from the file system) and native open dialogs (pickPath). The renderer's DesktopExtras (src/renderer/bridge/ipc.ts) names it the same.
 */
export type ElectronBridge = Omit<WarpBridge, 'archive'> & {
  archive: Omit<WarpBridge['archive'], 'upload' | 'downloadUrl'>;
  pathForFile(file: File): string;
  pickPath(req: PickPathRequest): Promise<string | undefined>;
  /** Application-menu commands (the menu owns the shortcuts in the desktop app); returns the unsubscribe. */
  onCommand(listener: (command: AppCommand) => void): () => void;
  /** Tells the main process the page's language, so the application menu speaks it too. */
  setLanguage(language: Language): void;
  /** `.warp` files the OS handed the app (double-click, Open With); those waiting are delivered at once. */
  onOpenFiles(listener: (paths: string[]) => void): () => void;
};

/**
 * Errors cross contextBridge as plain Errors (custom properties such as `code` are dropped), so the preload
 * rejects with this message form and the renderer's normalizeError reads the code back.
 */
export function ipcErrorMessage(e: ErrorDto): string {
  return `[${e.code}] ${e.message}`;
}
