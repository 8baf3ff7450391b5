/**
 * The deletion guard: a sync that would delete too much of the folder (on either side) stops before changing
 * anything and asks. "Too much" is `share` of the files both sides last agreed on (default half, counted only
 * from `minFiles` deletions up, so a small folder can lose a file or two without asking) or `maxFiles` files
 * (default 1000). A folder that is empty here while the last sync had files always asks: an unmounted disk or
 * an emptied mount point looks exactly like "everything was deleted" and must never be synced as that.
 * The user's confirmation names how many deletions it allows (`warp sync confirm`, the API, the UI), so a
 * confirmation cannot let through a larger deletion that appears later.
 */
import type { SyncAction } from './conflict.ts';
import type { FileMap, SyncGuard, SyncJob } from './sync-types.ts';

export const GUARD_DEFAULTS: Required<SyncGuard> = { share: 0.5, maxFiles: 1000, minFiles: 5 };

export interface GuardReport {
  /** Files the sync would delete: here (the peer deleted them) and on the peer (deleted here). */
  deletions: number;
  deleteHere: number;
  deleteThere: number;
  /** Files in the last agreed snapshot. */
  files: number;
  /** Up to 20 of the paths, for the prompt. */
  paths: string[];
  reason: string;
}

export function checkGuard(
  actions: readonly SyncAction[],
  snapshot: FileMap,
  local: FileMap,
  job: SyncJob,
  approved?: number,
): GuardReport | undefined {
  const g = { ...GUARD_DEFAULTS, ...job.guard };
  const gone = actions.filter(
    (a): a is Extract<SyncAction, { kind: 'delete-local' | 'delete-remote' }> =>
      a.kind === 'delete-local' || a.kind === 'delete-remote',
  );
  if (gone.length === 0) return undefined;
  if (approved !== undefined && gone.length <= approved) return undefined;
  const files = Object.keys(snapshot).length;
  const deleteHere = gone.filter((a) => a.kind === 'delete-local').length;
  const r = {
    deletions: gone.length,
    deleteHere,
    deleteThere: gone.length - deleteHere,
    files,
    paths: gone.slice(0, 20).map((a) => a.path),
  };
  if (Object.keys(local).length === 0 && files > 0 && r.deleteThere > 0) {
    return {
      ...r,
      reason: `the folder is empty here but held ${files} files at the last sync (an unmounted disk?): nothing is deleted on the peer until you confirm`,
    };
  }
  if (gone.length >= g.maxFiles)
    return { ...r, reason: `the sync would delete ${gone.length} files (the limit is ${g.maxFiles})` };
  if (gone.length >= g.minFiles && gone.length >= g.share * files) {
    return {
      ...r,
      reason: `the sync would delete ${gone.length} of ${files} files (${Math.round((100 * gone.length) / Math.max(1, files))} %, the limit is ${Math.round(g.share * 100)} %)`,
    };
  }
  return undefined;
}
