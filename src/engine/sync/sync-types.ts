/** The vocabulary of background sync: jobs as users define them, their runtime state, and per-file facts. */
import type { TransferEnv } from '../model/transfer-env.ts';
import type { GuardReport } from './guard.ts';

/** Which copy wins when a file changed on both sides since the last sync (see conflict.ts). */
export const CONFLICT_POLICIES = ['newer-wins', 'local-wins', 'remote-wins'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

/**
 * Which way a job moves changes (Syncthing's names; modes.ts has the rule): both ways, only this folder's
 * changes out (the peer's are held, never applied or overwritten), or only the peer's changes in (this
 * folder's are held: never pushed, never deleted there).
 */
export const SYNC_MODES = ['two-way', 'send-only', 'receive-only'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** A weekly window in which a job may push ('HH:MM'-'HH:MM', optional weekdays 0 = Sunday, IANA zone, UTC when absent). */
export interface SyncWindow {
  start: string;
  end: string;
  days?: number[];
  timeZone?: string;
}

/** What `add()` takes. */
export interface SyncJobSpec {
  /** Local folder to watch; it lands on the peer as `<remotePath>/<folder name>` (like `warp send`). */
  folder: string;
  /** The peer's address including its peer id: `<peer-id>@host:port` or a multiaddr with /p2p/. */
  peer: string;
  /** Directory under the peer's `warp listen` root. */
  remotePath: string;
  /** Push only inside one of these windows; absent or empty = any time. */
  schedule?: SyncWindow[];
  pauseOnBattery?: boolean;
  pauseOnMetered?: boolean;
  conflict?: ConflictPolicy;
  /** Default two-way. */
  mode?: SyncMode;
  /** Selective sync: only these subfolders (relative to the folder, '/'-separated) are synced; all when absent. */
  only?: string[];
  /** This job's quiet time after the last change (ms); the manager's default when absent. */
  debounceMs?: number;
  /** What to leave out besides the `.warpignore` files in the folder (docs/IGNORE.md). */
  ignore?: SyncIgnore;
  guard?: SyncGuard;
  versions?: SyncVersions;
}

/** When a sync that deletes files stops and asks (guard.ts): a share of the folder, or a number of files. */
export interface SyncGuard {
  /** 0..1: deleting at least this share of the files asks (default 0.5). */
  share?: number;
  /** Deleting at least this many files asks (default 1000). */
  maxFiles?: number;
  /** The share rule applies from this many deletions up (default 5). */
  minFiles?: number;
}

/** How long the folder's `.warp-versions/` keeps deleted and replaced files (transfer/versions-keep.ts). */
export interface SyncVersions {
  policy?: 'trash-can' | 'simple' | 'staggered';
  maxAgeMs?: number;
  maxBytes?: number;
  /** simple: how many versions of each file are kept. */
  count?: number;
}

/** The settings `SyncManager.setSettings` changes on a job that exists (absent: unchanged; null: back to the defaults). */
export interface SyncSettings {
  guard?: SyncGuard | null;
  versions?: SyncVersions | null;
}

/** A job's own ignore rules: gitignore patterns relative to the folder, and preset names. */
export interface SyncIgnore {
  patterns?: string[];
  presets?: string[];
}

export interface SyncJob {
  id: string;
  folder: string;
  peer: string;
  remotePath: string;
  schedule: SyncWindow[];
  pauseOnBattery: boolean;
  pauseOnMetered: boolean;
  conflict: ConflictPolicy;
  /** Absent in jobs written before modes existed: two-way. */
  mode?: SyncMode;
  only?: string[];
  debounceMs?: number;
  ignore?: SyncIgnore;
  guard?: SyncGuard;
  versions?: SyncVersions;
  /** Paused by the user (pause()/resume()); survives restarts. */
  paused: boolean;
  createdAt: string;
}

export const SYNC_STATES = ['idle', 'scanning', 'pushing', 'paused', 'waiting-window', 'error'] as const;
export type SyncStateName = (typeof SYNC_STATES)[number];

/** One file as both sides describe it: whole-file BLAKE3 (hex), size and mtime. */
export interface FileFacts {
  hash: string;
  size: number;
  mtimeMs: number;
}

/** Relative path inside the synced folder ('/'-separated) -> facts. */
export type FileMap = Record<string, FileFacts>;

export interface PushSummary {
  at: string;
  files: number;
  bytes: number;
  /** Bytes that had to move (chunks the peer lacked) and bytes on the wire. */
  fetchedBytes: number;
  wireBytes: number;
  fetchedChunks: number;
  localChunks: number;
  unchangedFiles: number;
  pulled: number;
  conflicts: number;
  /** Files this sync removed on the peer (kept in its .warp-versions/) and renamed there. */
  deleted?: number;
  renamed?: number;
  /** Files the peer's deletions and renames removed or moved here. */
  deletedHere?: number;
  renamedHere?: number;
  /** Files the push wrote on the peer (new or changed). */
  changedFiles?: number;
  /** Files that differ between the sides but the job's mode does not move (modes.ts); they stay as they are. */
  held?: number;
}

export interface SyncJobStatus {
  id: string;
  job: SyncJob;
  state: SyncStateName;
  /** Why the job is in its state (paused by the user, on battery, outside the window, the error). */
  reason?: string;
  /** Changes seen and not yet pushed (or a first sync still due). */
  pending: boolean;
  /** Paths the watcher saw change since the last sync started. */
  pendingChanges: number;
  /** Files and bytes of the folder as of the last successful sync. */
  syncedFiles: number;
  syncedBytes: number;
  lastSyncAt?: string;
  lastError?: string;
  /** The WarpError code of lastError (E_PEER_UNREACHABLE, E_INPUT_NOT_FOUND, ...). */
  lastErrorCode?: string;
  lastPush?: PushSummary;
  /** Set while the deletion guard holds the job (state paused): what the sync would delete and why it asks. */
  guard?: GuardReport;
  /** Files that differed at the last sync and that the job's mode left as they are (send-only, receive-only). */
  held?: number;
}

export interface PowerState {
  onBattery: boolean;
  metered: boolean;
}

export interface SyncManagerOptions {
  /** How to reach peers (identity, trust, index, chunking): the same env `warp send` builds. */
  env: TransferEnv;
  /** Where the state file lives (WARP_HOME); defaults to env.home. */
  home?: string;
  /** Quiet time after the last change before a push (ms). */
  debounceMs?: number;
  /** A push happens at the latest this long after the first unpushed change, even while changes keep coming. */
  maxWaitMs?: number;
  /** Wait before retrying a job whose sync failed (ms). */
  retryMs?: number;
  /** How often schedule windows are re-evaluated while a job waits for one (ms). */
  windowCheckMs?: number;
  /** The clock (tests pin it to check windows). */
  now?: () => number;
}
