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
 *   deleted here, peer unchanged -> delete-remote: removed on the peer (into its .warp-versions/), only while
 *                                  the peer's file still has the hash both sides last agreed on
 *   deleted here, peer changed  -> pull (the peer's newer edit wins over the deletion)
 *   deleted on the peer, here unchanged -> delete-local (into this folder's .warp-versions/)
 *   deleted on the peer, changed here   -> push (the edit wins over the deletion)
 *   deleted on both sides       -> nothing
 *   new on the peer (never synced) -> pull
 * Renames: a deletion and a new file with the deleted file's content, on the same side, are one rename
 * (rename-remote / rename-local), applied as a rename on the other side instead of a delete and a copy.
 * Clock skew between the machines shifts the newer-wins comparison by the skew; the hashes decide whether there
 * is a conflict at all, the clocks only who wins.
 */
import path from 'node:path';
import type { ConflictPolicy, FileFacts, FileMap } from './sync-types.ts';

export type SyncAction =
  | { kind: 'push'; path: string }
  | { kind: 'pull'; path: string }
  | { kind: 'conflict'; path: string; winner: 'local' | 'remote' }
  /** Removed on the peer / here; `hash` is the content that may be removed (anything else is kept). */
  | { kind: 'delete-remote'; path: string; hash: string }
  | { kind: 'delete-local'; path: string; hash: string }
  /** Renamed here (apply it on the peer) / on the peer (apply it here). */
  | { kind: 'rename-remote'; from: string; to: string; hash: string }
  | { kind: 'rename-local'; from: string; to: string; hash: string };

export interface SyncPlan {
  actions: SyncAction[];
  /** Whether anything local differs from the peer (after the pulls, renames and deletions): a push is needed. */
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
  const paths = new Set([...Object.keys(local), ...Object.keys(snapshot), ...Object.keys(remote)]);
  for (const p of [...paths].sort()) {
    const a = decide(p, snapshot[p], local[p], remote[p], policy);
    if (a) actions.push(a);
  }
  const merged = pairRenames(actions, snapshot, local, remote);
  return { actions: merged, needsPush: merged.some((a) => a.kind === 'push' || a.kind === 'conflict') };
}

/** One path's action from its three views (the table above), or undefined when both sides agree. */
function decide(
  p: string,
  S: FileFacts | undefined,
  L: FileFacts | undefined,
  R: FileFacts | undefined,
  policy: ConflictPolicy,
): SyncAction | undefined {
  if (same(L, R)) return undefined;
  const remoteChanged = !same(R, S);
  if (!L) {
    if (S && !remoteChanged) return { kind: 'delete-remote', path: p, hash: S.hash };
    return remoteChanged ? { kind: 'pull', path: p } : undefined; // deleted here, edited there: keep the edit
  }
  if (!R) return S && same(L, S) ? { kind: 'delete-local', path: p, hash: S.hash } : { kind: 'push', path: p };
  if (!remoteChanged) return { kind: 'push', path: p };
  if (same(L, S)) return { kind: 'pull', path: p };
  return { kind: 'conflict', path: p, winner: conflictWinner(L, R, policy) };
}

/**
 * A deletion and a new file with the deleted content on the same side make a rename: a local delete-remote of
 * `a` plus a push of a new `b` (on neither side before) with a's hash is rename-remote a -> b; likewise a
 * delete-local plus a pull of a new path is rename-local. Each deletion pairs with one new file at most.
 */
function pairRenames(actions: SyncAction[], S: FileMap, L: FileMap, R: FileMap): SyncAction[] {
  const byHash = (
    kind: 'delete-remote' | 'delete-local',
  ): Map<string, Array<Extract<SyncAction, { kind: typeof kind }>>> => {
    const m = new Map<string, Array<Extract<SyncAction, { kind: typeof kind }>>>();
    for (const a of actions) if (a.kind === kind) (m.get(a.hash) ?? m.set(a.hash, []).get(a.hash)!).push(a);
    return m;
  };
  const remoteDeletes = byHash('delete-remote');
  const localDeletes = byHash('delete-local');
  const used = new Set<SyncAction>();
  const out: SyncAction[] = [];
  for (const a of actions) {
    if (a.kind === 'push' && !S[a.path] && !R[a.path]) {
      const d = remoteDeletes.get(L[a.path].hash)?.find((x) => !used.has(x));
      if (d) {
        used.add(d);
        out.push({ kind: 'rename-remote', from: d.path, to: a.path, hash: d.hash });
        continue;
      }
    }
    if (a.kind === 'pull' && !S[a.path] && !L[a.path] && R[a.path]) {
      const d = localDeletes.get(R[a.path].hash)?.find((x) => !used.has(x));
      if (d) {
        used.add(d);
        out.push({ kind: 'rename-local', from: d.path, to: a.path, hash: d.hash });
        continue;
      }
    }
    out.push(a);
  }
  return out.filter((a) => !used.has(a));
}

export { conflictName, conflictStamp } from '../transfer/versions.ts';

/** Names the engine writes while working (part files, archive temporaries, our staging folders): never synced triggers. */
export function isTemporaryName(p: string): boolean {
  const name = path.basename(p);
  return /\.warp-part-[0-9a-f]+$/.test(name) || /\.warp-tmp-/.test(name) || name.startsWith(STAGE_PREFIX);
}

/** Staging folders for pulls live in the synced folder (same file system: the final rename is atomic). */
export const STAGE_PREFIX = '.warp-sync-stage-';
