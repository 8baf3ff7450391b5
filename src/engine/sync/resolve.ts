/**
 * The conflict resolver. A conflict (conflict.ts) leaves two files: `<path>` (the winner) and
 * `<path>.conflict-<stamp>` (the loser), and the job records which side each came from, so the user can keep
 * this machine's version ("mine"), the peer's ("theirs"), or both. The version not kept goes into the
 * folder's `.warp-versions/` (one rename, nothing is lost); the next sync carries the result to the peer as
 * an ordinary edit and deletion. A record whose files are gone (the user resolved it by hand) is dropped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { keepVersion } from '../transfer/versions.ts';
import { unknownJob } from './job-file.ts';
import { readState, updateState } from './state-file.ts';

/** One conflict as the job remembers it (from the sync.conflict event). */
export interface ConflictRecord {
  path: string;
  keptAs: string;
  winner: 'local' | 'remote';
  at: string;
}

export interface ConflictSide {
  /** Where this version is now, relative to the folder. */
  path: string;
  size: number;
  mtimeMs: number;
}

export interface ConflictPair {
  path: string;
  copy: string;
  at: string;
  mine: ConflictSide;
  theirs: ConflictSide;
}

export const RESOLUTIONS = ['mine', 'theirs', 'both'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

function side(folder: string, rel: string): ConflictSide | undefined {
  const st = fs.lstatSync(path.join(folder, ...rel.split('/')), { throwIfNoEntry: false });
  return st?.isFile() ? { path: rel, size: st.size, mtimeMs: st.mtimeMs } : undefined;
}

/** The recorded conflicts whose two files are both still there, as pairs of mine and theirs. */
export function conflictPairs(folder: string, records: readonly ConflictRecord[]): ConflictPair[] {
  const out: ConflictPair[] = [];
  for (const r of records) {
    const winner = side(folder, r.path);
    const loser = side(folder, r.keptAs);
    if (!winner || !loser) continue;
    const [mine, theirs] = r.winner === 'local' ? [winner, loser] : [loser, winner];
    out.push({ path: r.path, copy: r.keptAs, at: r.at, mine, theirs });
  }
  return out;
}

/**
 * Keeps one version (or both) of a conflict; returns the version name the other went to in `.warp-versions/`.
 * `mine`/`theirs` end as the file at `path`, the conflict copy is gone; `both` leaves the two files as they are.
 */
export function resolveConflict(
  folder: string,
  pair: ConflictPair,
  keep: Resolution,
  nowMs = Date.now(),
): { path: string; versioned?: string } {
  if (!RESOLUTIONS.includes(keep))
    throw new WarpError(ErrorCodes.USAGE, `keep must be one of ${RESOLUTIONS.join(', ')} (got '${String(keep)}')`);
  if (keep === 'both') return { path: pair.path };
  const kept = keep === 'mine' ? pair.mine : pair.theirs;
  const dropped = keep === 'mine' ? pair.theirs : pair.mine;
  const versioned = keepVersion(folder, dropped.path, nowMs);
  if (kept.path !== pair.path) {
    try {
      fs.renameSync(path.join(folder, ...kept.path.split('/')), path.join(folder, ...pair.path.split('/')));
    } catch (e) {
      throw fromSystemError(e, path.join(folder, pair.path), 'write');
    }
  }
  return { path: pair.path, versioned };
}

/** A job's conflicts from the state file (any process: the CLI needs no running manager). */
export function jobConflicts(file: string, id: string): ConflictPair[] {
  const r = readState(file).jobs.find((j) => j.job.id === id);
  if (!r) throw unknownJob(id);
  return conflictPairs(r.job.folder, r.conflicts ?? []);
}

/** Resolves the conflict of `which` (the file's path or its conflict copy's) and forgets it in the state file. */
export function resolveJobConflict(
  file: string,
  id: string,
  which: string,
  keep: Resolution,
  nowMs = Date.now(),
): { path: string; versioned?: string } {
  const r = readState(file).jobs.find((j) => j.job.id === id);
  if (!r) throw unknownJob(id);
  const pair = conflictPairs(r.job.folder, r.conflicts ?? []).find((p) => p.copy === which || p.path === which);
  if (!pair)
    throw new WarpError(
      ErrorCodes.INPUT_NOT_FOUND,
      `no open conflict on '${which}' in job ${id} ('warp sync conflicts ${id}' lists them)`,
    );
  const done = resolveConflict(r.job.folder, pair, keep, nowMs);
  updateState(file, (d) => {
    const rec = d.jobs.find((j) => j.job.id === id);
    if (rec) rec.conflicts = rec.conflicts?.filter((c) => c.keptAs !== pair.copy);
  });
  return done;
}
