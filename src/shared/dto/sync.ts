/**
 * The contract's folder-sync shapes (operations `sync.*`): a sync job's settings and state, its deletion guard,
 * kept versions and their restore, and open conflicts with their resolution. Plain JSON types only (see bridge.ts).
 */
import type { ErrorDto } from '../events.ts';
// ---- sync ----

export interface SyncWindowDto {
  /** Days of the week, 0 = Sunday; all days when omitted. */
  days?: number[];
  /** Local time "HH:MM". */
  start: string;
  end: string;
}

export interface SyncAddRequest {
  /** Folder on this machine to watch. */
  localPath: string;
  /** Paired peer (id, name or address) that receives the changes. */
  peer: string;
  /** Where on the peer. */
  remotePath: string;
  /** Only sync inside these windows; always when empty. */
  windows?: SyncWindowDto[];
  pauseOnBattery?: boolean;
  pauseOnMetered?: boolean;
  /** Debounce after the last change, milliseconds. */
  debounceMs?: number;
  /** Which way changes move (default two-way); docs/SYNC.md "Modes". */
  mode?: SyncModeDto;
  /** Selective sync: only these subfolders (relative to the folder); all when absent. */
  only?: string[];
  /** Who wins when both sides changed a file (default newer-wins); the losing copy is always kept. */
  conflict?: 'newer-wins' | 'local-wins' | 'remote-wins';
  /** gitignore patterns and preset names left out besides the folder's `.warpignore` files. */
  exclude?: string[];
  presets?: string[];
  /** When a sync that deletes stops and asks (defaults: half the folder from 5 files, or 1000 files). */
  deletionGuard?: SyncGuardSettings;
  /** How long `.warp-versions/` keeps deleted and replaced files (default trash-can, 30 days, 10 GiB). */
  versions?: SyncVersionsSettings;
}

export interface SyncGuardSettings {
  /** 0..1: deleting at least this share of the folder asks. */
  share?: number;
  /** Deleting at least this many files asks. */
  maxFiles?: number;
  /** The share rule applies from this many deletions up. */
  minFiles?: number;
}

export interface SyncVersionsSettings {
  /** trash-can: each version until maxAgeMs; simple: the `count` newest per file; staggered: sparser with age. */
  policy?: 'trash-can' | 'simple' | 'staggered';
  maxAgeMs?: number;
  maxBytes?: number;
  count?: number;
}

/** Changes a job's deletion guard and versions retention; `null` puts one back to the defaults. */
export interface SyncSettingsRequest {
  id: string;
  deletionGuard?: SyncGuardSettings | null;
  versions?: SyncVersionsSettings | null;
}

export type SyncModeDto = 'two-way' | 'send-only' | 'receive-only';

export interface SyncJobDto extends SyncAddRequest {
  id: string;
  /** `out`: a job this machine runs; `in`: a folder another machine keeps in sync with this one (it runs the job). */
  direction: 'out' | 'in';
  /** The peer's name from the paired peers, when it has one. */
  peerName?: string;
  mode: SyncModeDto;
  /** Files that differed at the last sync and that the mode left as they are. */
  held?: number;
  state: 'idle' | 'scanning' | 'syncing' | 'paused' | 'waiting' | 'error';
  /** Why it is paused or waiting ("user", "battery", "metered", "outside window"). */
  reason?: string;
  /** Paused by the user (survives restarts). */
  paused: boolean;
  lastSyncAt?: string;
  lastError?: ErrorDto;
  pendingChanges: number;
  syncedFiles: number;
  syncedBytes: number;
  /** Set while the deletion guard holds the job: what the sync would delete; `sync.confirm` lets it through. */
  guard?: {
    deletions: number;
    deleteHere: number;
    deleteThere: number;
    files: number;
    paths: string[];
    reason: string;
  };
  /** The last sync in one line: "pushed 3 files, deleted 1, 39 kB on the wire". */
  lastPushLine?: string;
}

/** A file kept in a synced folder's `.warp-versions/` (deleted or replaced by a sync). */
export interface SyncVersionDto {
  /** The version's name inside `.warp-versions/` (what `sync.restore` takes). */
  version: string;
  /** The file's path in the folder. */
  path: string;
  keptAt: string;
  size: number;
}

export interface SyncRestoreRequest {
  id: string;
  version: string;
  /** Restore under this path (relative to the folder) instead of the file's own. */
  as?: string;
}

/** One open conflict: this machine's version and the peer's, side by side (one is at `path`, the other at `copy`). */
export interface SyncConflictDto {
  path: string;
  /** The conflict copy's name, `<path>.conflict-<stamp>`. */
  copy: string;
  at: string;
  mine: { path: string; size: number; modifiedAt: string };
  theirs: { path: string; size: number; modifiedAt: string };
}

export interface SyncResolveRequest {
  id: string;
  /** The conflict's path or its copy's. */
  path: string;
  /** Which version stays at `path`; the other goes to `.warp-versions/`. `both` keeps the two files. */
  keep: 'mine' | 'theirs' | 'both';
}

export interface SyncResolveResult {
  path: string;
  /** Where the version not kept went, inside `.warp-versions/`. */
  versioned?: string;
}

export interface SyncRestoreResult {
  path: string;
  /** The file that was at the path, now kept as this version. */
  replacedKeptAs?: string;
}
