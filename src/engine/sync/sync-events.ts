/**
 * What the SyncManager tells its hosts (daemon SSE, Electron tray and IPC, `warp sync run --json`). Names follow
 * src/shared/events.ts where it already has a shape (sync.state, sync.change, sync.push, sync.conflict,
 * sync.error); the state names are the engine's (`pushing`, `waiting-window`): hosts map them if their contract
 * differs.
 */
import type { GuardReport } from './guard.ts';
import type { PushSummary, SyncJob, SyncStateName } from './sync-types.ts';

export type SyncEvent =
  | { type: 'sync.job-added'; id: string; job: SyncJob }
  | { type: 'sync.job-removed'; id: string }
  | { type: 'sync.state'; id: string; state: SyncStateName; reason?: string }
  /** Paths (relative to the folder) the watcher saw change; batched per debounce. */
  | { type: 'sync.change'; id: string; paths: string[] }
  | { type: 'sync.push-started'; id: string; files: number; bytes: number; changedFiles: number }
  /**
   * A sync finished: `bytes` is the folder's size, `fetchedBytes` what had to move, `wireBytes` what the wire
   * carried; `line` says it in one line for logs and the UI (push-line.ts: "pushed 3 files, deleted 1, 39 kB on the wire").
   */
  | ({ type: 'sync.push'; id: string; elapsedSeconds: number; line: string } & Omit<PushSummary, 'at'>)
  /** A file changed on both sides; `keptAs` is the losing copy's new name (relative to the folder). */
  | { type: 'sync.conflict'; id: string; path: string; keptAs: string; winner: 'local' | 'remote' }
  /** A file changed only on the peer was brought here before the push, so the push does not overwrite it. */
  | { type: 'sync.pulled'; id: string; path: string }
  | { type: 'sync.error'; id: string; error: { code: string; message: string } }
  /** A rename or deletion not made because the file changed since the other side looked (the next sync handles it). */
  | { type: 'sync.skipped'; id: string; path: string; reason: string }
  /** The deletion guard stopped a sync: nothing was changed; `confirm(id, deletions)` lets it through. */
  | { type: 'sync.guard'; id: string; report: GuardReport };

export type SyncEventListener = (e: SyncEvent) => void;
