/**
 * The sync job's view of the peer, over the ordinary transfer protocol: the peer's manifest of the synced folder
 * (an `open` request: the peer scans its copy, cheap thanks to its file index, and answers with the manifest;
 * no chunk moves) and single files pulled back through `fetchTree` (dedup applies: only chunks we lack move).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import { EntryType, Manifest } from '../model/manifest.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import { connectPeer, fetchTree } from '../transfer/client.ts';
import type { ReceiveResult } from '../transfer/receive.ts';
import { encodeChanges, type AppliedChanges, type TreeChanges } from '../transfer/apply-changes.ts';
import { keepVersion } from '../transfer/versions.ts';
import { STAGE_PREFIX, isTemporaryName } from './conflict.ts';
import type { SyncMoved } from './incoming.ts';
import type { FileMap, PushSummary, SyncMode } from './sync-types.ts';

/** Files of a manifest whose single top-level entry is the synced folder, keyed by path inside it. */
export function fileMapOf(m: Manifest): FileMap {
  const out: FileMap = {};
  for (const e of m.entries()) {
    if (e.type !== EntryType.FILE) continue;
    const slash = e.path.indexOf('/');
    if (slash < 0) continue; // a lone file at the top: not inside the folder
    // Either side may hold the engine's temporaries (a part file a killed push left for its resume): they are
    // never synced, or the other side would pull a copy of a half-written file under its part name.
    if (isTemporaryName(e.path)) continue;
    out[e.path.slice(slash + 1)] = { hash: Buffer.from(e.hash!).toString('hex'), size: e.size, mtimeMs: e.mtimeMs };
  }
  return out;
}

/** Where the folder lives on the peer: `<remotePath>/<folder name>`, as `warp send` puts it. */
export function remoteFolder(remotePath: string, folder: string): string {
  const base = remotePath.replace(/\/+$/, '');
  return `${base}/${path.basename(path.resolve(folder))}`;
}

/** The peer's files of the synced folder; an empty map when the folder is not there yet. */
export async function fetchRemoteFiles(env: TransferEnv, address: string, remoteDir: string): Promise<FileMap> {
  const link = await connectPeer(env, address);
  try {
    await link.ctl.write({ t: 'open', path: remoteDir });
    let f;
    try {
      f = await link.ctl.expect('the manifest', 'manifest');
    } catch (e) {
      if (isWarpError(e, ErrorCodes.INPUT_NOT_FOUND)) return {};
      throw e;
    }
    const m = Manifest.decode(f.p, `the manifest from ${link.peer}`);
    if (m.merkleRoot.toString('hex') !== f.h.root)
      throw new WarpError(ErrorCodes.VERIFY_FAILED, 'the manifest does not match the Merkle root the peer announced');
    return fileMapOf(m);
  } finally {
    await link.close();
  }
}

/** Applies renames and deletions to the peer's copy of the folder (an `apply` request; transfer/apply-changes.ts). */
export async function applyRemote(
  env: TransferEnv,
  address: string,
  remoteDir: string,
  changes: TreeChanges,
): Promise<Omit<AppliedChanges, 'skipped'> & { skipped: Array<{ path: string; reason: string }> }> {
  const link = await connectPeer(env, address);
  try {
    await link.ctl.write({ t: 'apply', dest: remoteDir }, encodeChanges(changes));
    const f = await link.ctl.expect('the applied changes', 'applied');
    return { renamed: f.h.renamed, removed: f.h.removed, versioned: f.h.versioned, skipped: f.h.skipped };
  } finally {
    await link.close();
  }
}

/**
 * Pulls one file of the peer's folder to `localFinal`: fetched into a staging folder inside the synced folder
 * (the receiver assembles and verifies it there), then renamed into place, so the final name only ever holds a
 * complete, verified file.
 */
export async function pullFile(
  env: TransferEnv,
  address: string,
  remoteFile: string,
  folder: string,
  localFinal: string,
  signal?: AbortSignal,
): Promise<ReceiveResult> {
  const stage = path.join(folder, `${STAGE_PREFIX}${crypto.randomBytes(6).toString('hex')}`);
  try {
    const r = await fetchTree(env, { address, remotePath: remoteFile, localDir: stage, signal });
    const got = path.join(stage, path.posix.basename(remoteFile));
    if (!fs.lstatSync(got, { throwIfNoEntry: false })?.isFile())
      throw new WarpError(ErrorCodes.PROTOCOL, `the peer sent no file for ${remoteFile}`);
    fs.mkdirSync(path.dirname(localFinal), { recursive: true });
    // The local file the pull replaces goes to the versions folder first, as a push's does on the peer.
    if (fs.lstatSync(localFinal, { throwIfNoEntry: false })?.isFile())
      keepVersion(folder, path.relative(folder, localFinal).split(path.sep).join('/'), Date.now());
    fs.renameSync(got, localFinal);
    return r;
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/** Removes staging folders a crash left behind (only ours: they carry STAGE_PREFIX). */
export function removeStaleStages(folder: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return;
  }
  for (const n of names)
    if (n.startsWith(STAGE_PREFIX)) fs.rmSync(path.join(folder, n), { recursive: true, force: true });
}

/**
 * Tells the peer how a sync of its copy went (a `synced` request, incoming.ts on its side), so it lists the
 * folder with this machine's name and what moved. Best effort: a peer that cannot take it (gone, older) is
 * not an error of the sync; returns whether it was recorded.
 */
export async function reportToPeer(
  env: TransferEnv,
  address: string,
  r: { dest: string; job: string; mode: SyncMode; ok: boolean; error?: string; moved: SyncMoved },
): Promise<boolean> {
  let link;
  try {
    link = await connectPeer(env, address);
    await link.ctl.write({ t: 'synced', ...r, ...(r.error ? { error: r.error.slice(0, 1024) } : {}) });
    await link.ctl.expect('the sync report answer', 'pong');
    return true;
  } catch {
    return false;
  } finally {
    await link?.close().catch(() => {});
  }
}

/** A push summary as the `synced` report carries it (SyncMoved is the syncing side's view). */
export function movedOf(p: PushSummary | undefined, held: number): SyncMoved {
  return {
    pushed: p?.changedFiles ?? 0,
    deleted: p?.deleted ?? 0,
    renamed: p?.renamed ?? 0,
    pulled: (p?.pulled ?? 0) + (p?.conflicts ?? 0),
    deletedThere: p?.deletedHere ?? 0,
    renamedThere: p?.renamedHere ?? 0,
    conflicts: p?.conflicts ?? 0,
    held,
    wireBytes: p?.wireBytes ?? 0,
  };
}
