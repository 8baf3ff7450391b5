/**
 * Sync state across restarts: the jobs, and per job the snapshot of the last successful sync (so changes made
 * while nothing ran, and conflicts, are recognised on the next start), the last push and the last error.
 * One JSON file, `<WARP_HOME>/sync/state.json`, written atomically (temporary file, fsync, rename): a crash
 * leaves the old or the new state, never half of one. `warp sync add` and a running manager (daemon, tray,
 * `warp sync run`) share it; the manager re-reads job definitions when the file changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import type { GuardReport } from './guard.ts';
import type { ConflictRecord } from './resolve.ts';
import type { FileMap, PushSummary, SyncJob } from './sync-types.ts';

export const STATE_VERSION = 1;

export interface JobRecord {
  job: SyncJob;
  /** Files as both sides held them after the last successful sync; null before the first one. */
  snapshot: FileMap | null;
  lastSyncAt?: string;
  lastError?: string;
  lastErrorCode?: string;
  lastPush?: PushSummary;
  /** The deletion guard stopped the last sync: the job waits for a confirmation (guard.ts). */
  guard?: GuardReport;
  /** Deletions the user confirmed for the next sync (cleared once a sync succeeds). */
  approvedDeletions?: number;
  /** Files that differed at the last sync and that the job's mode left as they are (modes.ts). */
  held?: number;
  /** Conflicts not yet resolved (resolve.ts), at most MAX_CONFLICTS, oldest dropped. */
  conflicts?: ConflictRecord[];
}

export const MAX_CONFLICTS = 1000;

export interface SyncStateData {
  version: number;
  jobs: JobRecord[];
}

export function stateFilePath(home: string): string {
  return path.join(home, 'sync', 'state.json');
}

export function readState(file: string): SyncStateData {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: STATE_VERSION, jobs: [] };
    throw fromSystemError(e, file, 'read');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new WarpError(
      ErrorCodes.CONFIG_INVALID,
      `${file} is not valid JSON (${(e as Error).message}); move it away to start with no sync jobs`,
      { cause: e },
    );
  }
  const d = data as Partial<SyncStateData>;
  if (!d || typeof d !== 'object' || !Array.isArray(d.jobs))
    throw new WarpError(
      ErrorCodes.CONFIG_INVALID,
      `${file} is not a Warp sync state file; move it away to start with no sync jobs`,
    );
  if (d.version !== STATE_VERSION)
    throw new WarpError(
      ErrorCodes.CONFIG_INVALID,
      `${file} has version ${String(d.version)}; this Warp reads version ${STATE_VERSION}`,
    );
  return {
    version: STATE_VERSION,
    jobs: d.jobs.filter((j) => j && typeof j === 'object' && j.job && typeof j.job.id === 'string'),
  };
}

export function writeState(file: string, data: SyncStateData): void {
  const tmp = `${file}.tmp-${process.pid}-${Date.now().toString(36)}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(data));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw fromSystemError(e, file, 'write');
  }
}

/** Read-modify-write of the file (for the CLI and the manager); returns what was written. */
export function updateState(file: string, change: (d: SyncStateData) => void): SyncStateData {
  const d = readState(file);
  change(d);
  writeState(file, d);
  return d;
}
