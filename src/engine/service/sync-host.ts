/**
 * Hosts the sync engine (SyncManager, src/engine/sync) behind the service facade's SyncBackend, in the
 * contract's shapes: the engine names states `pushing` and `waiting-window`, the contract `syncing` and
 * `waiting`; peers given as paired ids or names resolve to what the engine dials. `warp daemon` uses it; the
 * same adapter lives in src/main/sync-backend.ts for Electron main (which could import this one instead).
 */
import type { WarpConfig } from '../config/index.ts';
import {
  SyncManager,
  type SyncEvent as EngineSyncEvent,
  type SyncJobStatus,
  type SyncStateName,
} from '../sync/index.ts';
import type { SyncAddRequest, SyncJobDto, SyncRestoreRequest } from '../../shared/bridge.ts';
import { pushLine } from '../sync/push-line.ts';
import { listVersions, restoreVersion } from '../transfer/versions-keep.ts';
import type { SyncEvent, SyncState } from '../../shared/events.ts';
import type { SyncBackend, WarpService } from './warp-service.ts';

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
  };
}

export function syncEventDto(e: EngineSyncEvent): SyncEvent | undefined {
  switch (e.type) {
    case 'sync.state':
      return e.reason === undefined
        ? { type: 'sync.state', id: e.id, state: STATE[e.state] }
        : { type: 'sync.state', id: e.id, state: STATE[e.state], reason: e.reason };
    case 'sync.change':
      return { type: 'sync.change', id: e.id, paths: e.paths };
    case 'sync.push':
      return {
        type: 'sync.push',
        id: e.id,
        files: e.files,
        bytes: e.bytes,
        wireBytes: e.wireBytes,
        elapsedSeconds: e.elapsedSeconds,
      };
    case 'sync.conflict':
      return { type: 'sync.conflict', id: e.id, path: e.path, keptAs: e.keptAs };
    case 'sync.error':
      return { type: 'sync.error', id: e.id, error: e.error };
    default:
      return undefined;
  }
}

function backend(m: SyncManager, resolvePeer: (peer: string) => string): SyncBackend {
  return {
    list: () => m.status().map(syncJobDto),
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
      });
      return syncJobDto(m.status(job.id));
    },
    remove: (id: string) => m.remove(id),
    pause: (id: string) => syncJobDto(m.pause(id)),
    resume: (id: string) => syncJobDto(m.resume(id)),
    confirm: (id: string) => syncJobDto(m.confirmDeletions(id)),
    versions: (id: string) =>
      listVersions(m.status(id).job.folder).map((v) => ({
        version: v.version,
        path: v.path,
        keptAt: new Date(v.keptAtMs).toISOString(),
        size: v.size,
      })),
    restore: (req: SyncRestoreRequest) => restoreVersion(m.status(req.id).job.folder, req.version, Date.now(), req.as),
  };
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
  service.sync = backend(m, (p) => service.resolvePeer(p));
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
