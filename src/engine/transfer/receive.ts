/**
 * The receiver: given a manifest, work out what is already here and pull the rest by id. An orchestrator over
 * named steps, each an object or function of its own:
 *
 *  1. Directories are created (never through a symlink); a directory where a file should go is refused
 *     (prepare-tree.ts).
 *  2. Every file is assembled under `.<name>.warp-part-<session>` next to its final name (part-files.ts); which
 *     chunk goes to which file offsets is the chunk-placement table (placement.ts), and the files' progress from
 *     first chunk to rename is `ReceivedFiles` (received-files.ts).
 *  3. What is local is used first (local-chunks.ts): complete files are skipped, a part file left by an
 *     interrupted run keeps every range that still hashes right (resume), and chunks already here are copied,
 *     each verified: from the destination's existing files (a changed file keeps most of its chunks), then any
 *     file the index knows, then the chunk store.
 *  4. The rest is pulled by a `ChunkPuller` (puller.ts: the plain lanes, or the swarm's scheduler); every reply
 *     is checked by the one `checkChunkReply` (size, decoding, BLAKE3); a bad one is rejected and fetched again.
 *     Planned copies from old versions are then made in one pass per file (assemble-planned.ts).
 *  5. A complete part file is hashed whole and renamed to its final name only when the hash matches; modes
 *     and mtimes follow; symlinks are created last (finish-tree.ts). Finally the Merkle root over the verified
 *     chunk list must equal the one the sender announced.
 * No partially written file is ever visible under its final name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { throwIfCancelled } from '../core/cancel.ts';
import { trace } from '../core/trace.ts';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import type { Manifest } from '../model/manifest.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import type { FileIndex } from '../store/file-index.ts';
import type { TransferEvent, TransferEventListener } from './transfer-events.ts';
import { assemblePlanned } from './assemble-planned.ts';
import { mirrorTree, type MirrorOptions, type MirrorResult } from './mirror.ts';
import type { KeepOld, KeptOld } from './keep-old.ts';
import { finishTree } from './finish-tree.ts';
import { prepareTree } from './prepare-tree.ts';
import { partName } from './part-files.ts';
import { LanePuller, type ChunkPuller, type PullContext } from './puller.ts';
import type { ChunkSource } from './source.ts';
import { LocalChunks } from './local-chunks.ts';
import { ReceivedFiles } from './received-files.ts';

export interface ReceiveOptions {
  manifest: Manifest;
  /** The Merkle root the sender announced (hex); the received chunk list must match it. */
  announcedRoot?: string;
  sources: ChunkSource[];
  /** The manifest's top-level entries land inside this directory. */
  target: string;
  /** Session id: names the part files, so a rerun finds them. */
  sid: string;
  index?: FileIndex;
  store?: ChunkStore;
  /** Chunks in flight over all lanes. */
  window?: number;
  maxAttempts?: number;
  signal?: AbortSignal;
  /** Resolves when the transfer may go on (pause). */
  gate?: () => Promise<void>;
  /** Step 4's puller (puller.ts); by default the plain pull over `sources`' lanes (the swarm passes its scheduler). */
  puller?: ChunkPuller;
  onEvent?: TransferEventListener;
  /** Mirror mode: remove what the destination holds and the tree lacks (mirror.ts). */
  mirror?: MirrorOptions;
  /** A sync push: files about to be replaced are kept as versions or conflict copies first (keep-old.ts). */
  keepOld?: KeepOld;
}

export type { PullContext };

export interface ReceiveResult {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  /** Files already complete at the destination (nothing written). */
  unchangedFiles: number;
  fetchedChunks: number;
  fetchedBytes: number;
  wireBytes: number;
  localChunks: number;
  localBytes: number;
  resumedBytes: number;
  rejectedChunks: number;
  elapsedSeconds: number;
  merkleRoot: string;
  /** Mirror mode only: what was removed. */
  mirror?: MirrorResult;
  /** A sync push only: what was kept of the files it replaced. */
  kept?: KeptOld;
}

export { partName };

export async function receiveTree(o: ReceiveOptions): Promise<ReceiveResult> {
  const m = o.manifest;
  if (!/^[0-9a-f]{8,64}$/.test(o.sid))
    throw new WarpError(ErrorCodes.PROTOCOL, `invalid session id '${String(o.sid).slice(0, 80)}'`);
  const emit = o.onEvent ?? (() => {});
  const target = path.resolve(o.target);
  const dest = (p: string): string => path.join(target, ...p.split('/'));
  try {
    fs.mkdirSync(target, { recursive: true });
  } catch (e) {
    throw fromSystemError(e, target, 'write');
  }
  // 1. Directories, checked component by component (a symlink where a directory should be is refused).
  trace('recv: start');
  const { fileEntries, fileStats, dirs, symlinks } = await prepareTree(m, dest);
  trace('recv: prepared');
  const files = new ReceivedFiles({ manifest: m, fileEntries, sid: o.sid, dest, index: o.index, store: o.store, emit });
  // 2-3. What is here already: complete files, resumable part files, chunks to copy.
  const local = new LocalChunks(files, o);
  await local.examineDestination(fileStats);
  trace('recv: destination files examined');
  local.resumeParts();
  const need = await local.planMissing();
  // With planned copies, nothing is renamed until they are made: an old file may be the source of another.
  files.planned(local.plan.count > 0);
  trace('recv: local chunks planned');
  emit(manifestEvent(files, need, o.sid));
  try {
    // 4. Pull; then the planned copies; then every file is finished and renamed.
    await pullMissing(files, need, o);
    trace('recv: pulled');
    if (local.plan.count > 0) {
      throwIfCancelled(o.signal);
      await assemblePlanned({ files, plan: local.plan, index: o.index, store: o.store, sources: o.sources });
      files.endDeferral();
    }
    await files.finishAll();
  } catch (e) {
    await files.abandon();
    throw e;
  }
  trace('recv: renamed');
  // 5. Mirror mode removes what the tree lacks; symlinks last (nothing is written through them), then directory metadata.
  const mirrored = o.mirror ? mirrorTree(m, target, o.mirror) : undefined;
  finishTree(m, dest, (final) => partName(final, o.sid));
  const root = checkRoot(m, o.announcedRoot);
  files.progress.flush();
  // After the caller has answered (the listener's `done` frame goes out first); a fetch process runs it before exiting.
  const keep = files.keep;
  if (keep) setImmediate(() => keep.flush());
  const { doneChunks: _d, ...tally } = files.tally;
  return {
    files: files.count,
    dirs,
    symlinks,
    bytes: m.totalFileBytes,
    ...tally,
    elapsedSeconds: files.progress.elapsedSeconds,
    merkleRoot: root,
    ...(mirrored ? { mirror: mirrored } : {}),
    ...(o.keepOld ? { kept: o.keepOld.done() } : {}),
  };
}

/** The receiver's plan, as the `transfer.manifest` event tells it. */
function manifestEvent(files: ReceivedFiles, need: readonly number[], sid: string): TransferEvent {
  const m = files.m;
  let needBytes = 0;
  for (const c of need) needBytes += m.chunkRawSize(c);
  return {
    type: 'transfer.manifest',
    session: sid,
    files: files.count,
    bytes: m.totalFileBytes,
    chunks: m.chunkCount,
    haveChunks: m.chunkCount - need.length,
    haveBytes: m.uniqueRawBytes - needBytes,
    needChunks: need.length,
    needBytes,
    merkleRoot: m.merkleRoot.toString('hex'),
  };
}

/** Step 4: the puller (puller.ts: the plain lanes or the swarm's scheduler) fetches `need`; replies are verified before `write`. */
async function pullMissing(files: ReceivedFiles, need: readonly number[], o: ReceiveOptions): Promise<void> {
  if (need.length === 0) return;
  const emit = o.onEvent ?? (() => {});
  const t = files.tally;
  const ctx: PullContext = {
    manifest: files.m,
    need,
    isDone: (c) => files.table.isDone(c),
    write(c, data, wire, source) {
      if (files.table.isDone(c)) return undefined; // a second copy (another lane, the swarm's end game)
      const wait = files.writeChunk(c, data);
      t.fetchedChunks++;
      t.fetchedBytes += data.length;
      t.wireBytes += wire;
      emit({ type: 'transfer.chunk', session: o.sid, chunk: c, bytes: data.length, wireBytes: wire, source });
      return wait;
    },
    reject(c, source, reason) {
      t.rejectedChunks++;
      emit({ type: 'transfer.chunk-rejected', session: o.sid, chunk: c, source, reason });
    },
  };
  const puller =
    o.puller ??
    new LanePuller({
      sources: o.sources,
      window: o.window,
      maxAttempts: o.maxAttempts ?? 4,
      signal: o.signal,
      gate: o.gate,
    });
  await puller.pull(ctx);
  for (const c of need)
    if (!files.table.isDone(c))
      throw new WarpError(ErrorCodes.CHUNK_UNAVAILABLE, `chunk ${c} could not be fetched from any source`);
}

/**
 * Every chunk written was verified against the manifest's ids, and decoding the manifest computed the root over
 * those same ids (m.merkleRoot): it must equal the announced one (recomputing it cost ~0.1-0.25 s on 65k chunks).
 */
function checkRoot(m: Manifest, announced: string | undefined): string {
  const root = m.merkleRoot.toString('hex');
  if (announced !== undefined && root !== announced) {
    throw new WarpError(
      ErrorCodes.VERIFY_FAILED,
      `the received tree's Merkle root ${root.slice(0, 16)}… differs from the announced ${announced.slice(0, 16)}…`,
    );
  }
  return root;
}
