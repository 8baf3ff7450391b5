/**
 * How the bridge contract (bridge.ts) travels over Electron IPC: one `ipcMain.handle` channel per bridge method
 * (`warp:<method>`, e.g. `warp:transfers.start`), one channel for events (main -> renderer), and a result
 * envelope, because Electron's invoke keeps only an Error's message and the renderer needs the stable code.
 * Shared by src/preload (client) and src/main (handlers). Plain data and types, no side effects.
 */
import type { ErrorDto } from './events.ts';
import type { WarpBridge } from './bridge.ts';

/** Every bridge method that crosses IPC, as "group.method" (the daemon's route ids use the same names). */
export type IpcMethods = {
  info: WarpBridge['info'];
  'archive.create': WarpBridge['archive']['create'];
  'archive.extract': WarpBridge['archive']['extract'];
  'archive.verify': WarpBridge['archive']['verify'];
  'archive.list': WarpBridge['archive']['list'];
  'archive.info': WarpBridge['archive']['info'];
  'jobs.list': WarpBridge['jobs']['list'];
  'jobs.get': WarpBridge['jobs']['get'];
  'jobs.cancel': WarpBridge['jobs']['cancel'];
  'transfers.start': WarpBridge['transfers']['start'];
  'transfers.list': WarpBridge['transfers']['list'];
  'transfers.get': WarpBridge['transfers']['get'];
  'transfers.cancel': WarpBridge['transfers']['cancel'];
  'transfers.pause': WarpBridge['transfers']['pause'];
  'transfers.resume': WarpBridge['transfers']['resume'];
  'peers.self': WarpBridge['peers']['self'];
  'peers.list': WarpBridge['peers']['list'];
  'peers.pairStart': WarpBridge['peers']['pairStart'];
  'peers.pairJoin': WarpBridge['peers']['pairJoin'];
  'peers.remove': WarpBridge['peers']['remove'];
  'swarm.status': WarpBridge['swarm']['status'];
  'sync.list': WarpBridge['sync']['list'];
  'sync.add': WarpBridge['sync']['add'];
  'sync.remove': WarpBridge['sync']['remove'];
  'sync.pause': WarpBridge['sync']['pause'];
  'sync.resume': WarpBridge['sync']['resume'];
  'config.get': WarpBridge['config']['get'];
  'config.set': WarpBridge['config']['set'];
};

export type IpcMethod = keyof IpcMethods;
export type IpcArgs<M extends IpcMethod> = Parameters<IpcMethods[M]>;
export type IpcResult<M extends IpcMethod> = Awaited<ReturnType<IpcMethods[M]>>;

/** The same list at run time (the preload builds the bridge from it; main registers one handler per entry). */
export const IPC_METHODS = [
  'info',
  'archive.create', 'archive.extract', 'archive.verify', 'archive.list', 'archive.info',
  'jobs.list', 'jobs.get', 'jobs.cancel',
  'transfers.start', 'transfers.list', 'transfers.get', 'transfers.cancel', 'transfers.pause', 'transfers.resume',
  'peers.self', 'peers.list', 'peers.pairStart', 'peers.pairJoin', 'peers.remove',
  'swarm.status',
  'sync.list', 'sync.add', 'sync.remove', 'sync.pause', 'sync.resume',
  'config.get', 'config.set',
] as const satisfies readonly IpcMethod[];

// Compile-time check that IPC_METHODS lists every key of IpcMethods (a missing one makes this `false`).
type Missing = Exclude<IpcMethod, (typeof IPC_METHODS)[number]>;
export const IPC_METHODS_COMPLETE: [Missing] extends [never] ? true : false = true;

export const IPC_PREFIX = 'warp:';
/** main -> renderer: every WarpEvent, one message each. */
export const IPC_EVENT_CHANNEL = 'warp:event';

export function ipcChannel(method: IpcMethod): string {
  return `${IPC_PREFIX}${method}`;
}

/** What every `warp:<method>` handler resolves to. */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: ErrorDto };

/**
 * What the preload exposes as `window.warp`: the bridge (without the web-only upload/download) plus the one
 * Electron-only helper, the real path of a dropped or picked File (webUtils.getPathForFile; '' when the File
 * does not come from the file system). The renderer's DesktopExtras (src/renderer/bridge/ipc.ts) names it the same.
 */
export type ElectronBridge = Omit<WarpBridge, 'archive'> & {
  archive: Omit<WarpBridge['archive'], 'upload' | 'downloadUrl'>;
  pathForFile(file: File): string;
};

/**
 * Errors cross contextBridge as plain Errors (custom properties such as `code` are dropped), so the preload
 * rejects with this message form and the renderer's normalizeError reads the code back.
 */
export function ipcErrorMessage(e: ErrorDto): string {
  return `[${e.code}] ${e.message}`;
}
