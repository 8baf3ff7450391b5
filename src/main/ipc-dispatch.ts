/**
 * Which service-facade method (src/engine/daemon/service.ts, the same object the HTTP daemon hosts) serves
 * each IPC method, and how a failure becomes the ErrorDto the renderer sees. No Electron here: the table is
 * type-checked against the contract (a renamed facade method or changed DTO fails `npm run typecheck`) and
 * exercised in test/main/ipc-dispatch.test.ts.
 */
import { isWarpError } from '../engine/core/errors.ts';
import type { WarpService } from '../engine/daemon/service.ts';
import type { ErrorDto } from '../shared/events.ts';
import type { IpcArgs, IpcEnvelope, IpcMethod, IpcResult } from '../shared/ipc.ts';
import { validateIpcArgs } from './ipc-validate.ts';

export type IpcDispatch = { [M in IpcMethod]: (...args: IpcArgs<M>) => IpcResult<M> | Promise<IpcResult<M>> };

/** The facade methods the IPC handlers use (a structural subset, so tests can pass a stand-in). */
export type ServiceFacade = Pick<WarpService,
  | 'info' | 'archiveCreate' | 'archiveExtract' | 'archiveVerify' | 'archiveList' | 'archiveInfo'
  | 'jobList' | 'jobGet' | 'jobCancel'
  | 'transferStart' | 'transferList' | 'transferGet' | 'transferCancel' | 'transferPause' | 'transferResume'
  | 'peersSelf' | 'peersList' | 'peersPairStart' | 'peersPairJoin' | 'peersRemove'
  | 'swarmStatus' | 'syncList' | 'syncAdd' | 'syncRemove' | 'syncPause' | 'syncResume' | 'configGet' | 'configSet'>;

export function serviceDispatch(s: ServiceFacade): IpcDispatch {
  return {
    info: () => ({ ...s.info(), host: 'electron' }),
    'archive.create': (req) => s.archiveCreate(req),
    'archive.extract': (req) => s.archiveExtract(req),
    'archive.verify': (req) => s.archiveVerify(req),
    'archive.list': (req) => s.archiveList(req),
    'archive.info': (req) => s.archiveInfo(req),
    'jobs.list': () => s.jobList(),
    'jobs.get': (id) => s.jobGet(id),
    'jobs.cancel': (id) => s.jobCancel(id),
    'transfers.start': (req) => s.transferStart(req),
    'transfers.list': (req) => s.transferList(req),
    'transfers.get': (id) => s.transferGet(id),
    'transfers.cancel': (id) => s.transferCancel(id),
    'transfers.pause': (id) => s.transferPause(id),
    'transfers.resume': (id) => s.transferResume(id),
    'peers.self': () => s.peersSelf(),
    'peers.list': () => s.peersList(),
    'peers.pairStart': (req) => s.peersPairStart(req),
    'peers.pairJoin': (req) => s.peersPairJoin(req),
    'peers.remove': (id) => s.peersRemove(id),
    'swarm.status': () => s.swarmStatus(),
    'sync.list': () => s.syncList(),
    'sync.add': (req) => s.syncAdd(req),
    'sync.remove': (id) => s.syncRemove(id),
    'sync.pause': (id) => s.syncPause(id),
    'sync.resume': (id) => s.syncResume(id),
    'config.get': () => s.configGet(),
    'config.set': (req) => s.configSet(req),
  };
}

/**
 * A failure as the renderer sees it: the engine's WarpError code (or the daemon-level code it carries in
 * details, e.g. SYNC_UNAVAILABLE), BAD_REQUEST for invalid input, INTERNAL for anything unexpected (with the
 * message, which is all there is to act on).
 */
export function toErrorDto(e: unknown): ErrorDto {
  if (isWarpError(e)) {
    const daemonCode = typeof e.details.code === 'string' ? e.details.code : undefined;
    return { code: daemonCode ?? e.code, message: e.message };
  }
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    if (code === 'BAD_REQUEST' || e.name === 'InputError') return { code: 'BAD_REQUEST', message: e.message };
    return { code: 'INTERNAL', message: e.message || e.name };
  }
  return { code: 'INTERNAL', message: String(e) };
}

/** Validates, calls the facade and wraps the outcome: what every `warp:<method>` handler returns. */
export async function handleIpc<M extends IpcMethod>(dispatch: IpcDispatch, method: M, args: unknown[]): Promise<IpcEnvelope<IpcResult<M>>> {
  try {
    const valid = validateIpcArgs(method, args);
    const fn = dispatch[method] as (...a: IpcArgs<M>) => IpcResult<M> | Promise<IpcResult<M>>;
    return { ok: true, value: await fn(...valid) };
  } catch (e) {
    return { ok: false, error: toErrorDto(e) };
  }
}
