/**
 * The receiver: given a manifest, work out what is already here and pull the rest by id.
 *
 *  1. Directories are created (never through a symlink); a directory where a file should go is refused.
 *  2. Every file is assembled under `.<name>.warp-part-<session>` next to its final name. A part file left
 *     by an interrupted run is re-hashed range by range: whatever still matches is kept (resume).
 *  3. Chunks already local are copied, each verified by hash first: the destination's existing files
 *     (a changed file keeps most of its chunks), then any file the index knows, then the chunk store.
 *  4. The rest is pulled from the sources over their lanes with a bounded window; every chunk is checked by
 *     BLAKE3 on arrival, a bad one is rejected and fetched again.
 *  5. A complete part file is hashed whole and renamed to its final name only when the hash matches; modes
 *     and mtimes follow; symlinks are created last. Finally the Merkle root over the verified chunk list
 *     must equal the one the sender announced.
 * No partially written file is ever visible under its final name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { throwIfCancelled } from '../core/cancel.ts';
import { trace } from '../core/trace.ts';
import { Breather } from '../core/breather.ts';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { ProgressTracker } from '../core/progress.ts';
import type { Manifest } from '../model/manifest.ts';
import { HASH_BYTES, blake3 } from '../codec/blake3.ts';
import { ChunkIdSet } from '../model/chunk-id.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import { chunkFile } from '../store/chunk-file.ts';
import { paramsKey, type FileIndex } from '../store/file-index.ts';
import type { TransferEventListener } from './transfer-events.ts';
import { RangeReader, readAt } from './local-files.ts';
import { CopyPlan } from './assemble.ts';
import { assemblePlanned } from './assemble-planned.ts';
import { ReplacedChunks } from './keep-replaced.ts';
import { chunkPositions, firstPositionOfSlot, positionOf } from './positions.ts';
import { mirrorTree, type MirrorOptions, type MirrorResult } from './mirror.ts';
import type { KeepOld, KeptOld } from './keep-old.ts';
import { finishTree } from './finish-tree.ts';
import { prepareTree } from './prepare-tree.ts';
import { PartFiles, partName, type FileMeta, type WrittenFile } from './part-files.ts';
import { LanePuller, type ChunkPuller, type PullContext } from './puller.ts';
import type { ChunkSource } from './source.ts';
import { ChunkPlaces } from './chunk-places.ts';
import type { ChunkPlace } from './tree.ts';
import { fileTime } from '../core/file-time.ts';

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
  const sid = o.sid;
  if (!/^[0-9a-f]{8,64}$/.test(sid))
    throw new WarpError(ErrorCodes.PROTOCOL, `invalid session id '${String(sid).slice(0, 80)}'`);
  const emit = o.onEvent ?? (() => {});
  const target = path.resolve(o.target);
  const dest = (p: string): string => path.join(target, ...p.split('/'));
  const maxAttempts = o.maxAttempts ?? 4;
  try {
    fs.mkdirSync(target, { recursive: true });
  } catch (e) {
    throw fromSystemError(e, target, 'write');
  }

  // 1. Directories, checked component by component (a symlink where a directory should be is refused).
  trace('recv: start');
  const { fileEntries, fileStats, dirs, symlinks } = await prepareTree(m, dest);
  // Steps 3a-3c are synchronous loops over every file and chunk: they let the network breathe (breather.ts).
  const breather = new Breather();
  trace('recv: prepared');

  // 2. Positions: where each chunk goes (file slot, offset), grouped by chunk.
  const nChunks = m.chunkCount;
  const nFiles = fileEntries.length;
  const positions = chunkPositions(m, fileEntries);
  const { posStart, posFile, posOffset, posDone, pending } = positions;
  // Chunks the destination's old files hold, copied in one pass per file after the pull (assemble.ts).
  const plan = new CopyPlan(posStart[nChunks]);
  const assembledHash = new Map<number, Buffer>();
  // Old versions about to be replaced: their chunks the new tree drops go to the chunk store (keep-replaced.ts).
  const replaced = new Map<number, { ids: Uint8Array; lens: Uint32Array }>();
  const keep = o.store ? new ReplacedChunks(o.store) : undefined;

  const progress = new ProgressTracker(m.totalFileBytes, nFiles, (s) =>
    emit({ type: 'transfer.progress', session: sid, chunks: doneChunks, totalChunks: nChunks, wireBytes, ...s }),
  );
  let doneChunks = 0;
  let wireBytes = 0;
  let fetchedChunks = 0;
  let fetchedBytes = 0;
  let localChunks = 0;
  let localBytes = 0;
  let resumedBytes = 0;
  let rejectedChunks = 0;
  let unchangedFiles = 0;
  const finalized = new Uint8Array(nFiles);
  const completeQueue: number[] = [];
  let deferFinalize = true;
  const parts = new PartFiles(sid, (slot) => dest(m.entry(fileEntries[slot]).path));
  const partOf = (slot: number): string => parts.partOf(slot);
  const fdOf = (slot: number): number => parts.fdOf(slot);
  const metaOf = (slot: number): FileMeta => {
    const e = m.entry(fileEntries[slot]);
    return { path: e.path, size: e.size, mode: e.mode, mtimeMs: e.mtimeMs, hash: e.hash! };
  };

  const chunkIsDone = (c: number): boolean => {
    for (let p = posStart[c]; p < posStart[c + 1]; p++) if (!posDone[p]) return false;
    return true;
  };

  /** Index entry, progress and event of a file now under its final name. */
  const finished = (slot: number, st: WrittenFile): void => {
    const e = m.entry(fileEntries[slot]);
    if (o.index) {
      const refs = m.refsOf(fileEntries[slot]);
      const ids = new Uint8Array(refs.length * HASH_BYTES);
      const lens = new Uint32Array(refs.length);
      refs.forEach((c, k) => {
        ids.set(m.chunkId(c), k * HASH_BYTES);
        lens[k] = m.chunkRawSize(c);
      });
      o.index.put({
        path: dest(e.path),
        size: st.size,
        mtimeMs: st.mtimeMs,
        ino: st.ino,
        params: paramsKey(m.chunking),
        hash: new Uint8Array(e.hash!),
        ids,
        lens,
      });
    }
    progress.add(0, 1);
    emit({ type: 'transfer.file', session: sid, path: e.path, size: e.size });
  };

  const finalize = (slot: number): void => {
    if (finalized[slot]) return;
    finalized[slot] = 1;
    const e = m.entry(fileEntries[slot]);
    const refs = m.refsOf(fileEntries[slot]);
    // A single-chunk file is its chunk, verified by BLAKE3 when it arrived (or was copied or resumed), and the
    // file's BLAKE3 is that same hash: no need to read it back. Larger files are read back and hashed whole.
    const single = refs.length === 1 && Buffer.from(m.chunkId(refs[0])).equals(Buffer.from(e.hash!));
    const old = replaced.get(slot);
    if (old && keep) {
      // Chunks the new version of this file drops, read from the old version before the rename replaces it (a
      // chunk that moved to another file is stored needlessly: harmless).
      const now = new ChunkIdSet(Array.from(refs, (c) => m.chunkId(c)));
      keep.take(dest(e.path), old, (id) => !now.has(id));
    }
    finished(slot, parts.finish(slot, metaOf(slot), single ? e.hash! : assembledHash.get(slot)));
  };

  const markDone = (p: number, bytes: number, movedNow = true): void => {
    posDone[p] = 1;
    const slot = posFile[p];
    if (movedNow) progress.add(bytes);
    else progress.skip(bytes);
    if (--pending[slot] === 0) {
      if (deferFinalize) completeQueue.push(slot);
      else finalize(slot);
    }
  };

  // Files that are exactly one chunk, written whole in libuv's pool when their chunk arrives (part-files.ts);
  // decided before the pull, only when nothing is renamed late (no planned copies that read old versions).
  let wholeOk: Uint8Array | undefined;

  /** Writes verified chunk bytes to every position still waiting for them; a promise when the writer is full. */
  const writeChunk = (c: number, data: Uint8Array): Promise<void> | undefined => {
    let wait: Promise<void> | undefined;
    for (let p = posStart[c]; p < posStart[c + 1]; p++) {
      if (posDone[p]) continue;
      const slot = posFile[p];
      if (wholeOk?.[slot] && !parts.hasOpen(slot)) {
        finalized[slot] = 1; // finished by the writer, not by finalize()
        wait = parts.writeWhole(slot, data, metaOf(slot), (st) => finished(slot, st)) ?? wait;
      } else parts.writeAt(slot, data, posOffset[p]);
      markDone(p, data.length);
    }
    doneChunks++;
    return wait;
  };

  // 3a. Existing files at the destination: complete ones are skipped, changed ones lend their chunks.
  const local = new ChunkPlaces();
  for (let slot = 0; slot < nFiles; slot++) {
    const pause = breather.breathe();
    if (pause) await pause;
    const e = m.entry(fileEntries[slot]);
    const final = dest(e.path);
    const st = fileStats[slot];
    if (!st?.isFile()) continue;
    let r;
    try {
      r = chunkFile(final, m.chunking, o.index, st);
    } catch {
      continue;
    }
    plan.trusted.add(final);
    if (r.size === e.size && Buffer.from(r.hash).equals(Buffer.from(e.hash!))) {
      // Already there: nothing to write; only metadata may differ.
      finalized[slot] = 1;
      unchangedFiles++;
      // Each distinct chunk once, from the first of its positions in this file (a file of zeros repeats one
      // chunk thousands of times: scanning every position per reference was quadratic).
      const seen = new Set<number>();
      for (const c of m.refsOf(fileEntries[slot])) {
        if (seen.has(c)) continue;
        seen.add(c);
        for (let p = firstPositionOfSlot(positions, c, slot); p < posStart[c + 1] && posFile[p] === slot; p++) {
          if (!posDone[p]) {
            posDone[p] = 1;
            pending[slot]--;
            progress.skip(m.chunkRawSize(c));
          }
        }
      }
      try {
        if ((st.mode & 0o7777) !== (e.mode & 0o7777)) fs.chmodSync(final, e.mode & 0o7777);
        if (Math.floor(st.mtimeMs) !== Math.floor(e.mtimeMs))
          fs.utimesSync(final, fileTime(e.mtimeMs), fileTime(e.mtimeMs));
      } catch {
        /* metadata only */
      }
      progress.add(0, 1);
    } else {
      o.keepOld?.beforeReplace(e.path, r.hash);
      if (o.store) replaced.set(slot, r);
    }
    let off = 0;
    for (let k = 0; k < r.lens.length; k++) {
      local.addIfAbsent(r.ids, k * HASH_BYTES, final, off, r.lens[k]);
      off += r.lens[k];
    }
  }

  trace('recv: destination files examined');
  // 3b. Part files of an interrupted run: keep every range that still hashes right.
  for (let slot = 0; slot < nFiles; slot++) {
    if (finalized[slot] || pending[slot] === 0) continue;
    const part = partOf(slot);
    let size: number;
    try {
      const st = fs.lstatSync(part);
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      continue;
    }
    if (size === 0) continue;
    const fd = fdOf(slot);
    let off = 0;
    const touched = new Set<number>();
    for (const c of m.refsOf(fileEntries[slot])) {
      const len = m.chunkRawSize(c);
      if (off + len <= size && !touched.has(off)) {
        touched.add(off);
        const data = readAt(fd, off, len);
        if (data && blake3(data).equals(Buffer.from(m.chunkId(c)))) {
          const p = positionOf(positions, c, slot, off);
          if (p >= 0 && !posDone[p]) {
            markDone(p, len, false);
            resumedBytes += len;
          }
          // Other files that need the same chunk can take it from here.
          local.addIfAbsent(m.chunkId(c), 0, part, off, len);
        }
      }
      off += len;
    }
  }

  // Chunks complete after 3a and 3b (one pass over the positions, not one per reference).
  for (let c = 0; c < nChunks; c++) if (posStart[c + 1] > posStart[c] && chunkIsDone(c)) doneChunks++;

  // 3c. Chunks still missing: local copies first (each verified), then the network.
  const need: number[] = [];
  const localReader = new RangeReader();
  for (let c = 0; c < nChunks; c++) {
    throwIfCancelled(o.signal);
    const pause = breather.breathe();
    if (pause) await pause;
    if (posStart[c + 1] === posStart[c] || chunkIsDone(c)) continue;
    const id = m.chunkId(c);
    const len = m.chunkRawSize(c);
    let data: Uint8Array | undefined;
    const tryPlace = (cand: ChunkPlace): void => {
      if (data || cand.length !== len) return;
      const d = localReader.read(cand.abs, cand.offset, len);
      if (d && blake3(d).equals(Buffer.from(id))) data = d;
    };
    const hit = local.get(id);
    if (hit && hit.length === len && plan.trusted.has(hit.abs)) {
      // In a destination file just chunked or indexed: copied in the one-pass rebuild, checked by the file hash.
      for (let p = posStart[c]; p < posStart[c + 1]; p++) if (!posDone[p]) plan.add(p, posFile[p], hit.abs, hit.offset);
      localChunks++;
      localBytes += len;
      continue;
    }
    if (hit) tryPlace(hit);
    if (!data && o.index)
      for (const l of o.index.locate(id)) tryPlace({ abs: l.path, offset: l.offset, length: l.length });
    data ??= o.store?.get(id);
    if (data) {
      writeChunk(c, data);
      localChunks++;
      localBytes += len;
    } else need.push(c);
  }
  localReader.close();
  // With planned copies, nothing is renamed until they are made: an old file may be the source of another.
  deferFinalize = plan.count > 0;
  if (!deferFinalize) {
    for (const slot of completeQueue.splice(0)) finalize(slot);
    for (let slot = 0; slot < nFiles; slot++) if (pending[slot] === 0 && !finalized[slot]) finalize(slot);
  }

  if (!deferFinalize) {
    wholeOk = new Uint8Array(nFiles);
    for (let slot = 0; slot < nFiles; slot++) {
      if (finalized[slot] || replaced.has(slot) || pending[slot] !== 1) continue;
      const refs = m.refsOf(fileEntries[slot]);
      wholeOk[slot] =
        refs.length === 1 && Buffer.from(m.chunkId(refs[0])).equals(Buffer.from(m.entry(fileEntries[slot]).hash!))
          ? 1
          : 0;
    }
  }
  trace('recv: local chunks planned');
  let needBytes = 0;
  for (const c of need) needBytes += m.chunkRawSize(c);
  emit({
    type: 'transfer.manifest',
    session: sid,
    files: nFiles,
    bytes: m.totalFileBytes,
    chunks: nChunks,
    haveChunks: nChunks - need.length,
    haveBytes: m.uniqueRawBytes - needBytes,
    needChunks: need.length,
    needBytes,
    merkleRoot: m.merkleRoot.toString('hex'),
  });

  // 4. Pull (puller.ts: the plain lanes or the swarm's scheduler); replies are verified before `write`.
  const ctx: PullContext = {
    manifest: m,
    need,
    isDone: chunkIsDone,
    write(c, data, wire, source) {
      if (chunkIsDone(c)) return undefined; // a second copy (another lane, the swarm's end game)
      const wait = writeChunk(c, data);
      fetchedChunks++;
      fetchedBytes += data.length;
      wireBytes += wire;
      emit({ type: 'transfer.chunk', session: sid, chunk: c, bytes: data.length, wireBytes: wire, source });
      return wait;
    },
    reject(c, source, reason) {
      rejectedChunks++;
      emit({ type: 'transfer.chunk-rejected', session: sid, chunk: c, source, reason });
    },
  };
  try {
    if (need.length > 0) {
      const puller =
        o.puller ??
        new LanePuller({ sources: o.sources, window: o.window, maxAttempts, signal: o.signal, gate: o.gate });
      await puller.pull(ctx);
      for (const c of need)
        if (!chunkIsDone(c))
          throw new WarpError(ErrorCodes.CHUNK_UNAVAILABLE, `chunk ${c} could not be fetched from any source`);
    }
    trace('recv: pulled');
    if (plan.count > 0) {
      throwIfCancelled(o.signal);
      await assemblePlanned({
        m,
        fileEntries,
        pos: positions,
        plan,
        fdOf,
        markDone,
        index: o.index,
        store: o.store,
        sources: o.sources,
        setHash: (slot, h) => assembledHash.set(slot, h),
        finalOf: (slot) => dest(m.entry(fileEntries[slot]).path),
        partOf,
        release: (slot) => {
          if (pending[slot] === 0) finalize(slot);
        },
        onWriteError: (slot, e) => {
          throw fromSystemError(e, partOf(slot), 'write');
        },
        onFetched: (_c, bytes, wire) => {
          fetchedChunks++;
          fetchedBytes += bytes;
          wireBytes += wire;
        },
      });
      deferFinalize = false;
      for (const slot of completeQueue.splice(0)) finalize(slot);
    }
    for (let slot = 0; slot < nFiles; slot++) if (!finalized[slot]) finalize(slot);
    parts.closeAll();

    trace('recv: assembled');
    await parts.settle();
  } catch (e) {
    // Nothing of this run may still be writing when the caller (or a rerun in this process) goes on.
    await parts.drain();
    parts.closeAll();
    throw e;
  }
  trace('recv: renamed');

  // 5. Mirror mode removes what the tree lacks; symlinks last (nothing is written through them), then directory metadata.
  const mirrored = o.mirror ? mirrorTree(m, target, o.mirror) : undefined;
  finishTree(m, dest, (final) => partName(final, sid));

  // Every chunk written was verified against the manifest's ids, and decoding the manifest computed the root
  // over those same ids (m.merkleRoot): recomputing it here cost ~0.1-0.25 s on 65k chunks for nothing.
  const root = m.merkleRoot.toString('hex');
  if (o.announcedRoot !== undefined && root !== o.announcedRoot) {
    throw new WarpError(
      ErrorCodes.VERIFY_FAILED,
      `the received tree's Merkle root ${root.slice(0, 16)}… differs from the announced ${o.announcedRoot.slice(0, 16)}…`,
    );
  }
  progress.flush();
  // After the caller has answered (the listener's `done` frame goes out first); a fetch process runs it before exiting.
  if (keep) setImmediate(() => keep.flush());
  return {
    files: nFiles,
    dirs,
    symlinks,
    bytes: m.totalFileBytes,
    unchangedFiles,
    fetchedChunks,
    fetchedBytes,
    wireBytes,
    localChunks,
    localBytes,
    resumedBytes,
    rejectedChunks,
    elapsedSeconds: progress.elapsedSeconds,
    merkleRoot: root,
    ...(mirrored ? { mirror: mirrored } : {}),
    ...(o.keepOld ? { kept: o.keepOld.done() } : {}),
  };
}
