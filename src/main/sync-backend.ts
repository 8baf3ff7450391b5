/**
 * The sync engine (SyncManager, src/engine/sync) behind the service facade's SyncBackend, in the contract's
 * shapes (src/shared/bridge.ts SyncJobDto, src/shared/events.ts SyncEvent): the engine names states `pushing`
 * and `waiting-window`, the contract `syncing` and `waiting`; peers are given as paired ids or names and
 * resolved to the `<peer-id>@host:port` the engine dials. Electron main hosts it (engine-host.ts); nothing here
 * needs Electron, so `warp daemon` can host the same adapter (it would move to src/engine/daemon then).
 * Tested in test/main/sync-backend.test.ts against a real SyncManager.
 */
import type { SyncBackend } from '../engine/daemon/service.ts';
import type { SyncEvent as EngineSyncEvent, SyncJobStatus, SyncManager, SyncStateName } from '../engine/sync/index.ts';
import type { SyncAddRequest, SyncJobDto } from '../shared/bridge.ts';
import type { SyncEvent, SyncState } from '../shared/events.ts';

const STATE: Record<SyncStateName, SyncState> = {
  idle: 'idle',
  scanning: 'scanning',
  pushing: 'syncing',
  paused: 'paused',
  'waiting-window': 'waiting',
  error: 'error',
};

export function syncStateDto(s: SyncStateName): SyncState {
  return STATE[s];
}

export function syncJobDto(s: SyncJobStatus): SyncJobDto {
  const j = s.job;
  return {
    id: s.id,
    localPath: j.folder,
    peer: j.peer,
    remotePath: j.remotePath,
    windows: j.schedule.map((w) => (w.days ? { start: w.start, end: w.end, days: w.days } : { start: w.start, end: w.end })),
    pauseOnBattery: j.pauseOnBattery,
    pauseOnMetered: j.pauseOnMetered,
    state: syncStateDto(s.state),
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    paused: j.paused,
    ...(s.lastSyncAt !== undefined ? { lastSyncAt: s.lastSyncAt } : {}),
    ...(s.lastError !== undefined ? { lastError: { code: s.lastErrorCode ?? 'INTERNAL', message: s.lastError } } : {}),
    // The engine knows whether changes wait, not how many.
    pendingChanges: s.pending ? 1 : 0,
    syncedFiles: s.lastPush?.files ?? 0,
    syncedBytes: s.lastPush?.bytes ?? 0,
  };
}

/** The engine's sync events in the contract's shapes; events the contract has no shape for give undefined. */
export function syncEventDto(e: EngineSyncEvent): SyncEvent | undefined {
  switch (e.type) {
    case 'sync.state': return e.reason === undefined ? { type: 'sync.state', id: e.id, state: syncStateDto(e.state) } : { type: 'sync.state', id: e.id, state: syncStateDto(e.state), reason: e.reason };
    case 'sync.change': return { type: 'sync.change', id: e.id, paths: e.paths };
    case 'sync.push': return { type: 'sync.push', id: e.id, files: e.files, bytes: e.bytes, wireBytes: e.wireBytes, elapsedSeconds: e.elapsedSeconds };
    case 'sync.conflict': return { type: 'sync.conflict', id: e.id, path: e.path, keptAs: e.keptAs };
    case 'sync.error': return { type: 'sync.error', id: e.id, error: e.error };
    default: return undefined;
  }
}

/**
 * `resolvePeer` turns a paired peer's id or name (or an address) into what the engine dials (the facade's
 * WarpService.resolvePeer). The per-job debounce of SyncAddRequest is not supported by the engine (one
 * debounce for all jobs, config sync.debounce) and is ignored.
 */
export function syncBackend(m: SyncManager, resolvePeer: (peer: string) => string): SyncBackend {
  return {
    list: () => m.status().map(syncJobDto),
    add(req: SyncAddRequest) {
      const job = m.add({
        folder: req.localPath,
        peer: resolvePeer(req.peer),
        remotePath: req.remotePath,
        ...(req.windows ? { schedule: req.windows.map((w) => ({ start: w.start, end: w.end, ...(w.days ? { days: w.days } : {}) })) } : {}),
        ...(req.pauseOnBattery !== undefined ? { pauseOnBattery: req.pauseOnBattery } : {}),
        ...(req.pauseOnMetered !== undefined ? { pauseOnMetered: req.pauseOnMetered } : {}),
      });
      return syncJobDto(m.status(job.id));
    },
    remove: (id: string) => m.remove(id),
    pause: (id: string) => syncJobDto(m.pause(id)),
    resume: (id: string) => syncJobDto(m.resume(id)),
  };
}
