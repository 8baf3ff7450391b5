/**
 * Hosts the sync engine (SyncManager, src/engine/sync) behind the service facade's SyncBackend, in the
 * contract's shapes: the engine names states `pushing` and `waiting-window`, the contract `syncing` and
 * `waiting`; peers given as paired ids or names resolve to what the engine dials. `warp daemon` uses it; the
 * same adapter lives in src/main/sync-backend.ts for Electron main (which could import this one instead).
 */
import type { WarpConfig } from '../config/index.ts';
import {
  GUARD_DEFAULTS,
  SyncManager,
  type SyncEvent as EngineSyncEvent,
  type SyncJobStatus,
  type SyncStateName,
} from '../sync/index.ts';
import type {
  SyncAddRequest,
  SyncJobDto,
  SyncResolveRequest,
  SyncRestoreRequest,
  SyncSettingsRequest,
} from '../../shared/bridge.ts';
import { jobVersionsPolicy } from '../sync/job-file.ts';
import { pushLine } from '../sync/push-line.ts';
import { incomingLine, readIncoming, type IncomingSync } from '../sync/incoming.ts';
import { parsePeerAddress } from '../net/address.ts';
import { formatBytes } from '../core/bytes.ts';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { listVersions, restoreVersion } from '../transfer/versions-keep.ts';
import type { SyncEvent, SyncState } from '../../shared/events.ts';
import type { SyncBackend } from './service-types.ts';
import type { WarpService } from './warp-service.ts';

const STATE: Record<SyncStateName, SyncState> = {
  idle: 'idle',
  scanning: 'scanning',
  pushing: 'syncing',
  paused: 'paused',
  'waiting-window': 'waiting',
  error: 'error',
};

export function syncJobDto(s: SyncJobStatus): SyncJobDto {
  const j = s.job;
  return {
    id: s.id,
    direction: 'out',
    localPath: j.folder,
    peer: j.peer,
    remotePath: j.remotePath,
    windows: j.schedule.map((w) =>
      w.days ? { start: w.start, end: w.end, days: w.days } : { start: w.start, end: w.end },
    ),
    pauseOnBattery: j.pauseOnBattery,
    pauseOnMetered: j.pauseOnMetered,
    mode: j.mode ?? 'two-way',
    ...(j.only ? { only: j.only } : {}),
    conflict: j.conflict,
    ...(j.ignore?.patterns?.length ? { exclude: j.ignore.patterns } : {}),
    ...(j.ignore?.presets?.length ? { presets: j.ignore.presets } : {}),
    ...(s.held ? { held: s.held } : {}),
    state: STATE[s.state],
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    paused: j.paused,
    ...(s.lastSyncAt !== undefined ? { lastSyncAt: s.lastSyncAt } : {}),
    ...(s.lastError !== undefined ? { lastError: { code: s.lastErrorCode ?? 'INTERNAL', message: s.lastError } } : {}),
    pendingChanges: s.pendingChanges,
    syncedFiles: s.syncedFiles,
    syncedBytes: s.syncedBytes,
    ...(s.guard ? { guard: s.guard } : {}),
    ...(s.lastPush ? { lastPushLine: pushLine(s.lastPush) } : {}),
    // The settings in effect (defaults filled in), so every number the UI shows is the one the sync uses.
    deletionGuard: { ...GUARD_DEFAULTS, ...j.guard },
    versions: (({ kind, ...rest }) => ({ policy: kind, ...rest }))(jobVersionsPolicy(j)),
  };
}

/** The prefix of incoming rows' ids: they are run by the peer, so pause, resume and remove do not apply here. */
export const INCOMING_ID = 'in-';

/** A folder another machine syncs with this one (sync/incoming.ts), as a row of the sync list. */
export function incomingSyncDto(r: IncomingSync): SyncJobDto {
  return {
    id: `${INCOMING_ID}${r.peer.slice(-8)}-${r.job}`,
    direction: 'in',
    localPath: r.folder,
    peer: r.peer,
    remotePath: r.dest,
    mode: r.mode,
    pauseOnBattery: false,
    pauseOnMetered: false,
    state: r.state,
    ...(r.lastError ? { reason: r.lastError, lastError: { code: ErrorCodes.REMOTE, message: r.lastError } } : {}),
    paused: false,
    lastSyncAt: r.lastSyncAt,
    pendingChanges: 0,
    syncedFiles: 0,
    syncedBytes: 0,
    ...(r.moved.held ? { held: r.moved.held } : {}),
    lastPushLine: incomingLine(r.moved, formatBytes),
  };
}

export function syncEventDto(e: EngineSyncEvent): SyncEvent | undefined {
  switch (e.type) {
    case 'sync.state':
      return e.reason === undefined
        ? { type: 'sync.state', id: e.id, state: STATE[e.state] }
        : { type: 'sync.state', id: e.id, state: STATE[e.state], reason: e.reason };
    case 'sync.change':
    case 'sync.push':
    case 'sync.conflict':
    case 'sync.pulled':
    case 'sync.skipped':
    case 'sync.guard':
    case 'sync.error':
      return e;
    default:
      return undefined;
  }
}

function backend(
  m: SyncManager,
  home: string,
  resolvePeer: (peer: string) => string,
  nameOf: (peerId: string) => string | undefined,
): SyncBackend {
  const named = (d: SyncJobDto): SyncJobDto => {
    const id = d.direction === 'in' ? d.peer : peerIdIn(d.peer);
    const name = id ? nameOf(id) : undefined;
    return name ? { ...d, peerName: name } : d;
  };
  const incoming = (id: string): IncomingSync | undefined =>
    id.startsWith(INCOMING_ID) ? readIncoming(home).find((r) => incomingSyncDto(r).id === id) : undefined;
  // Incoming folders are run by the peer: their versions are here, but pausing or removing is done there.
  const own = (id: string): string => {
    if (incoming(id))
      throw new WarpError(
        ErrorCodes.USAGE,
        `sync folder ${id} is run by the peer that syncs it with this machine: pause or remove it there`,
      );
    return id;
  };
  const folderOf = (id: string): string => incoming(id)?.folder ?? m.status(id).job.folder;
  return {
    list: () => [...m.status().map(syncJobDto), ...readIncoming(home).map(incomingSyncDto)].map(named),
    add(req: SyncAddRequest) {
      const job = m.add({
        folder: req.localPath,
        peer: resolvePeer(req.peer),
        remotePath: req.remotePath,
        ...(req.windows
          ? { schedule: req.windows.map((w) => ({ start: w.start, end: w.end, ...(w.days ? { days: w.days } : {}) })) }
          : {}),
        ...(req.pauseOnBattery !== undefined ? { pauseOnBattery: req.pauseOnBattery } : {}),
        ...(req.pauseOnMetered !== undefined ? { pauseOnMetered: req.pauseOnMetered } : {}),
        ...(req.debounceMs !== undefined ? { debounceMs: req.debounceMs } : {}),
        ...(req.mode ? { mode: req.mode } : {}),
        ...(req.only ? { only: req.only } : {}),
        ...(req.conflict ? { conflict: req.conflict } : {}),
        ...(req.exclude || req.presets ? { ignore: { patterns: req.exclude ?? [], presets: req.presets ?? [] } } : {}),
        ...(req.deletionGuard ? { guard: req.deletionGuard } : {}),
        ...(req.versions ? { versions: req.versions } : {}),
      });
      return named(syncJobDto(m.status(job.id)));
    },
    remove: (id: string) => m.remove(own(id)),
    pause: (id: string) => named(syncJobDto(m.pause(own(id)))),
    resume: (id: string) => named(syncJobDto(m.resume(own(id)))),
    now(id: string) {
      // Started, not awaited: the answer is the job as it is now; its events tell when the sync ends.
      m.syncNow(own(id)).catch(() => {});
      return named(syncJobDto(m.status(id)));
    },
    confirm: (id: string) => named(syncJobDto(m.confirmDeletions(own(id)))),
    versions: (id: string) =>
      listVersions(folderOf(id)).map((v) => ({
        version: v.version,
        path: v.path,
        keptAt: new Date(v.keptAtMs).toISOString(),
        size: v.size,
      })),
    restore: (req: SyncRestoreRequest) => restoreVersion(folderOf(req.id), req.version, Date.now(), req.as),
    conflicts: (id: string) =>
      m.conflicts(own(id)).map((c) => ({
        path: c.path,
        copy: c.copy,
        at: c.at,
        mine: { path: c.mine.path, size: c.mine.size, modifiedAt: new Date(c.mine.mtimeMs).toISOString() },
        theirs: { path: c.theirs.path, size: c.theirs.size, modifiedAt: new Date(c.theirs.mtimeMs).toISOString() },
      })),
    resolve: (req: SyncResolveRequest) => m.resolveConflict(own(req.id), req.path, req.keep),
    settings: (req: SyncSettingsRequest) =>
      named(
        syncJobDto(
          m.setSettings(own(req.id), {
            ...(req.deletionGuard !== undefined ? { guard: req.deletionGuard } : {}),
            ...(req.versions !== undefined ? { versions: req.versions } : {}),
          }),
        ),
      ),
  };
}

function peerIdIn(address: string): string | undefined {
  try {
    return parsePeerAddress(address).peerId;
  } catch {
    return undefined;
  }
}

/** Starts the sync engine for this service: its jobs behind the sync routes, its events on the event stream. */
export async function attachSync(
  service: WarpService,
  config: WarpConfig,
  log?: (m: string) => void,
): Promise<SyncManager> {
  const m = new SyncManager({
    env: service.env,
    home: service.home,
    debounceMs: config.sync.debounce,
    maxWaitMs: config.sync.maxWait,
    retryMs: config.sync.retry,
  });
  service.sync = backend(
    m,
    service.home,
    (p) => service.peers.resolve(p),
    (id) => service.env.trust.list().find((p) => p.id === id)?.name,
  );
  m.events.on((e) => {
    if (e.type === 'sync.job-added') service.emit({ type: 'sync.state', id: e.id, state: STATE[m.status(e.id).state] });
    else {
      const dto = syncEventDto(e);
      if (dto) service.emit(dto);
    }
  });
  try {
    await m.start();
  } catch (e) {
    log?.(`sync not started: ${e instanceof Error ? e.message : String(e)}`);
  }
  return m;
}
