/**
 * The sync rule: what to do with each file before a push, from three views of the folder: the last synced
 * snapshot S (what both sides held after the last successful sync), the local folder L and the peer's copy R
 * (the peer's manifest, fetched before every push). "Changed" means the whole-file hash differs from S (or the
 * file appeared or disappeared).
 *
 *   L changed, R not            -> push (the peer gets the local file)
 *   R changed, L not            -> pull: the peer's file is newer, it is brought here first so the push does not
 *                                  overwrite it ("newer wins" without a conflict)
 *   both changed, same content  -> nothing (already equal)
 *   both changed, different     -> conflict: the policy picks the winner. newer-wins compares the two mtimes
 *                                  (the peer keeps the mtime we sent, so it is the time of the last edit on
 *                                  either side); equal mtimes go to the local copy. The losing copy is kept
 *                                  as `<name>.conflict-<UTC timestamp>` in the local folder and so reaches the
 *                                  peer with the push: both sides end up holding both versions.
 *   deleted here, peer unchanged -> nothing: deletions are not propagated (the peer keeps its copy)
 *   deleted here, peer changed  -> pull (the peer's newer edit wins over the deletion)
 *   deleted on the peer only    -> the push recreates it there
 *   only on the peer, never synced -> left alone (the peer's own file)
 * Clock skew between the machines shifts the newer-wins comparison by the skew; the hashes decide whether there
 * is a conflict at all, the clocks only who wins.
 */
import path from 'node:path';
import type { ConflictPolicy, FileFacts, FileMap } from './types.ts';

export type SyncAction =
  | { kind: 'push'; path: string }
  | { kind: 'pull'; path: string }
  | { kind: 'conflict'; path: string; winner: 'local' | 'remote' };

export interface SyncPlan {
  actions: SyncAction[];
  /** Whether anything local differs from the peer (after the pulls): a push is needed. */
  needsPush: boolean;
}

const same = (a: FileFacts | undefined, b: FileFacts | undefined): boolean =>
  a === undefined ? b === undefined : b !== undefined && a.hash === b.hash;

export function conflictWinner(local: FileFacts, remote: FileFacts, policy: ConflictPolicy): 'local' | 'remote' {
  if (policy === 'local-wins') return 'local';
  if (policy === 'remote-wins') return 'remote';
  return remote.mtimeMs > local.mtimeMs ? 'remote' : 'local';
}

export function planSync(snapshot: FileMap, local: FileMap, remote: FileMap, policy: ConflictPolicy): SyncPlan {
  const actions: SyncAction[] = [];
  const paths = new Set([...Object.keys(local), ...Object.keys(remote).filter((p) => p in snapshot)]);
  for (const p of [...paths].sort()) {
    const L = local[p];
    const R = remote[p];
    const S = snapshot[p];
    if (same(L, R)) continue;
    const remoteChanged = !same(R, S);
    if (!L) {
      if (remoteChanged) actions.push({ kind: 'pull', path: p }); // deleted here, edited there: keep the edit
    } else if (!R || !remoteChanged) {
      actions.push({ kind: 'push', path: p });
    } else if (same(L, S)) {
      actions.push({ kind: 'pull', path: p });
    } else {
      actions.push({ kind: 'conflict', path: p, winner: conflictWinner(L, R, policy) });
    }
  }
  return { actions, needsPush: actions.some((a) => a.kind !== 'pull') };
}

/** `2026-11-24T03:50:12.345Z` -> `20261124T035012Z` */
export function conflictStamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The name the losing copy of `rel` gets; `taken` says which names exist already (a counter is appended then). */
export function conflictName(rel: string, epochMs: number, taken: (rel: string) => boolean = () => false): string {
  const base = `${rel}.conflict-${conflictStamp(epochMs)}`;
  let name = base;
  for (let n = 2; taken(name); n++) name = `${base}-${n}`;
  return name;
}

/** Names the engine writes while working (part files, archive temporaries, our staging folders): never synced triggers. */
export function isTemporaryName(p: string): boolean {
  const name = path.basename(p);
  return /\.warp-part-[0-9a-f]+$/.test(name) || /\.warp-tmp-/.test(name) || name.startsWith(STAGE_PREFIX);
}

/** Staging folders for pulls live in the synced folder (same file system: the final rename is atomic). */
export const STAGE_PREFIX = '.warp-sync-stage-';
