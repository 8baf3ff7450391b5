/**
 * The files of one receive, from the first chunk written to the rename: which positions are filled (the
 * chunk-placement table, placement.ts), the part files they are written to (part-files.ts), and when a file is
 * complete, its finishing: whole-file hash, mode, mtime, rename, file index entry, `transfer.file` event.
 *
 * A complete file is finished at once, except while planned local copies are outstanding (`deferring`): a copy
 * may read the old version a rename would replace, so complete files wait in a queue until `release`/`endDeferral`.
 * Small files that nothing was written to before the pull (`wholeOk`) never get a part file written piece by
 * piece: a one-chunk file's verified chunk is the file, and a file of several chunks (up to WHOLE_FILE_MAX) is
 * assembled in memory (at most ASSEMBLY_BYTES at once; more falls back to part files); either is handed whole
 * to libuv's pool (part-files.ts) after an assembled file's hash is checked in memory (no read-back), which
 * writes, renames and finishes it. The counters the result reports live in `tally`.
 */
import fs from 'node:fs';
import { ChunkIdSet } from '../model/chunk-id.ts';
import type { Manifest } from '../model/manifest.ts';
import { HASH_BYTES } from '../codec/blake3.ts';
import { fileTime } from '../core/file-time.ts';
import { ProgressTracker } from '../core/progress.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import { paramsKey, type FileIndex } from '../store/file-index.ts';
import { ReplacedChunks } from './keep-replaced.ts';
import { PartFiles, type FileMeta, type WrittenFile } from './part-files.ts';
import { ChunkPlacement } from './placement.ts';
import type { TransferEventListener } from './transfer-events.ts';

/** What one receive moved, copied and kept (the result's counters). */
export interface ReceiveTally {
  doneChunks: number;
  wireBytes: number;
  fetchedChunks: number;
  fetchedBytes: number;
  localChunks: number;
  localBytes: number;
  resumedBytes: number;
  rejectedChunks: number;
  unchangedFiles: number;
}

export interface ReceivedFilesOptions {
  manifest: Manifest;
  /** `fileEntries[slot]`: the manifest entry of file slot `slot`. */
  fileEntries: readonly number[];
  sid: string;
  /** The final path of a manifest path. */
  dest(rel: string): string;
  index?: FileIndex;
  store?: ChunkStore;
  emit: TransferEventListener;
}

/** Files up to this size are assembled in memory and written whole. */
const WHOLE_FILE_MAX = 1024 * 1024;
/** Bytes of files being assembled in memory at once (chunks arrive roughly in file order: a few files at a time). */
const ASSEMBLY_BYTES = 4 * 1024 * 1024;
/** `wholeOk` values: written piece by piece in a part file; a one-chunk file; assembled in memory. */
const Whole = { NO: 0, ONE_CHUNK: 1, ASSEMBLED: 2 } as const;

export class ReceivedFiles {
  readonly m: Manifest;
  readonly fileEntries: readonly number[];
  readonly table: ChunkPlacement;
  readonly parts: PartFiles;
  readonly progress: ProgressTracker;
  readonly tally: ReceiveTally = {
    doneChunks: 0,
    wireBytes: 0,
    fetchedChunks: 0,
    fetchedBytes: 0,
    localChunks: 0,
    localBytes: 0,
    resumedBytes: 0,
    rejectedChunks: 0,
    unchangedFiles: 0,
  };
  /** Old versions about to be replaced: their chunks the new tree drops go to the chunk store (keep-replaced.ts). */
  readonly keep?: ReplacedChunks;
  private readonly o: ReceivedFilesOptions;
  private readonly finalized: Uint8Array;
  private readonly queue: number[] = [];
  private deferring = true;
  private wholeOk?: Uint8Array;
  private readonly assembling = new Map<number, Buffer>();
  private assemblingBytes = 0;
  /** The writer's push-back from a file finished during `writeChunk`. */
  private wait?: Promise<void>;
  private readonly assembledHash = new Map<number, Buffer>();
  private readonly replaced = new Map<number, { ids: Uint8Array; lens: Uint32Array }>();

  constructor(o: ReceivedFilesOptions) {
    this.o = o;
    this.m = o.manifest;
    this.fileEntries = o.fileEntries;
    this.table = new ChunkPlacement(o.manifest, o.fileEntries);
    this.finalized = new Uint8Array(o.fileEntries.length);
    this.parts = new PartFiles(o.sid, (slot) => this.finalOf(slot));
    this.keep = o.store ? new ReplacedChunks(o.store) : undefined;
    const t = this.tally;
    this.progress = new ProgressTracker(this.m.totalFileBytes, o.fileEntries.length, (s) =>
      o.emit({
        type: 'transfer.progress',
        session: o.sid,
        chunks: t.doneChunks,
        totalChunks: this.m.chunkCount,
        wireBytes: t.wireBytes,
        ...s,
      }),
    );
  }

  get count(): number {
    return this.fileEntries.length;
  }

  finalOf(slot: number): string {
    return this.o.dest(this.m.entry(this.fileEntries[slot]).path);
  }

  refsOf(slot: number): Uint32Array {
    return this.m.refsOf(this.fileEntries[slot]);
  }

  isFinalized(slot: number): boolean {
    return this.finalized[slot] === 1;
  }

  /** A changed file whose old version (chunk list `old`) lends chunks; with a store, what it drops is kept. */
  replacing(slot: number, old: { ids: Uint8Array; lens: Uint32Array }): void {
    if (this.keep) this.replaced.set(slot, old);
  }

  /** The file is already complete at `final` (its stat `st`): nothing is written, metadata is brought in line. */
  unchanged(slot: number, st: fs.Stats): void {
    const e = this.m.entry(this.fileEntries[slot]);
    this.finalized[slot] = 1;
    this.tally.unchangedFiles++;
    this.progress.skip(this.table.fillFile(slot, this.refsOf(slot), (c) => this.m.chunkRawSize(c)));
    const final = this.finalOf(slot);
    try {
      if ((st.mode & 0o7777) !== (e.mode & 0o7777)) fs.chmodSync(final, e.mode & 0o7777);
      if (Math.floor(st.mtimeMs) !== Math.floor(e.mtimeMs))
        fs.utimesSync(final, fileTime(e.mtimeMs), fileTime(e.mtimeMs));
    } catch {
      /* metadata only */
    }
    this.progress.add(0, 1);
  }

  /** Position p's bytes are in its part file; `movedNow`: written in this run (else resumed: progress skips them). */
  markDone(p: number, bytes: number, movedNow = true): void {
    if (movedNow) this.progress.add(bytes);
    else this.progress.skip(bytes);
    const slot = this.table.fill(p);
    if (slot < 0) return;
    if (this.deferring) this.queue.push(slot);
    else this.finalize(slot);
  }

  /** Writes verified chunk bytes to every position still waiting for them; a promise when the writer is full. */
  writeChunk(c: number, data: Uint8Array): Promise<void> | undefined {
    const t = this.table;
    for (let p = t.start(c); p < t.end(c); p++) {
      if (t.isPositionDone(p)) continue;
      const slot = t.slotOf(p);
      const whole = this.wholeOk?.[slot] ?? Whole.NO;
      if (whole === Whole.ONE_CHUNK && !this.parts.hasOpen(slot)) {
        this.finalized[slot] = 1; // finished by the writer, not by finalize()
        this.wait = this.parts.writeWhole(slot, data, this.metaOf(slot), (st) => this.finished(slot, st)) ?? this.wait;
      } else if (whole !== Whole.ASSEMBLED || !this.assemble(slot, data, t.offsetOf(p)))
        this.parts.writeAt(slot, data, t.offsetOf(p));
      this.markDone(p, data.length);
    }
    this.tally.doneChunks++;
    const wait = this.wait;
    this.wait = undefined;
    return wait;
  }

  /** Copies chunk bytes into the file's in-memory assembly; false (from now on) when over the memory bound. */
  private assemble(slot: number, data: Uint8Array, offset: number): boolean {
    let buf = this.assembling.get(slot);
    if (!buf) {
      const size = this.m.entry(this.fileEntries[slot]).size;
      if (this.assemblingBytes + size > ASSEMBLY_BYTES) {
        this.wholeOk![slot] = Whole.NO;
        return false;
      }
      buf = Buffer.allocUnsafe(size);
      this.assembling.set(slot, buf);
      this.assemblingBytes += size;
    }
    buf.set(data, offset);
    return true;
  }

  /** The file's whole-file hash was verified while it was assembled (finishing need not read it back). */
  setHash(slot: number, h: Buffer): void {
    this.assembledHash.set(slot, h);
  }

  /** No planned copy reads this file's old version any more: finish it now if it is complete. */
  release(slot: number): void {
    if (this.table.pending(slot) === 0) this.finalize(slot);
  }

  /**
   * Planning is over. Without planned copies (`deferred` false) complete files are finished now, and the
   * one-chunk files still to come may be written whole; with them, files wait for `endDeferral`.
   */
  planned(deferred: boolean): void {
    this.deferring = deferred;
    if (deferred) return;
    for (const slot of this.queue.splice(0)) this.finalize(slot);
    const n = this.count;
    for (let slot = 0; slot < n; slot++) if (this.table.pending(slot) === 0) this.finalize(slot);
    this.wholeOk = new Uint8Array(n);
    for (let slot = 0; slot < n; slot++) {
      if (this.finalized[slot] || this.replaced.has(slot) || this.parts.hasOpen(slot)) continue;
      const refs = this.refsOf(slot);
      // Only files nothing was written to yet (no resumed part, no local copy): their bytes all come from the pull.
      if (this.table.pending(slot) !== refs.length) continue;
      if (this.isOneChunk(slot)) this.wholeOk[slot] = Whole.ONE_CHUNK;
      else if (this.m.entry(this.fileEntries[slot]).size <= WHOLE_FILE_MAX) this.wholeOk[slot] = Whole.ASSEMBLED;
    }
  }

  /** The planned copies are made: finish what waited. */
  endDeferral(): void {
    this.deferring = false;
    for (const slot of this.queue.splice(0)) this.finalize(slot);
  }

  /** Finishes every file not yet finished (each must be complete by now), then waits for the writes and renames. */
  async finishAll(): Promise<void> {
    for (let slot = 0; slot < this.count; slot++) this.finalize(slot);
    this.parts.closeAll();
    await this.parts.settle();
  }

  /** After a failure: nothing of this run may still be writing when the caller (or a rerun) goes on. */
  async abandon(): Promise<void> {
    this.keepAssembled();
    await this.parts.drain();
    this.parts.closeAll();
  }

  /** After a failure: the chunks of incomplete files assembled in memory go to their part files (a rerun resumes them). */
  private keepAssembled(): void {
    for (const [slot, buf] of this.assembling) {
      try {
        let off = 0;
        for (const c of this.refsOf(slot)) {
          const len = this.m.chunkRawSize(c);
          const p = this.table.positionOf(c, slot, off);
          if (p >= 0 && this.table.isPositionDone(p)) this.parts.writeAt(slot, buf.subarray(off, off + len), off);
          off += len;
        }
      } catch {
        /* best effort: a rerun fetches what is not kept */
      }
    }
    this.assembling.clear();
    this.assemblingBytes = 0;
  }

  /** A one-chunk file is its chunk: the chunk's id is the file's hash. */
  private isOneChunk(slot: number): boolean {
    const refs = this.refsOf(slot);
    const e = this.m.entry(this.fileEntries[slot]);
    return refs.length === 1 && Buffer.from(this.m.chunkId(refs[0])).equals(Buffer.from(e.hash!));
  }

  private metaOf(slot: number): FileMeta {
    const e = this.m.entry(this.fileEntries[slot]);
    return { path: e.path, size: e.size, mode: e.mode, mtimeMs: e.mtimeMs, hash: e.hash! };
  }

  private finalize(slot: number): void {
    if (this.finalized[slot]) return;
    this.finalized[slot] = 1;
    const assembled = this.assembling.get(slot);
    if (assembled) {
      this.assembling.delete(slot);
      this.assemblingBytes -= assembled.length;
      // Its chunks were verified; the whole-file hash is checked in memory before the part file is created.
      const done = (st: WrittenFile): void => this.finished(slot, st);
      this.wait = this.parts.writeWhole(slot, assembled, this.metaOf(slot), done, true) ?? this.wait;
      return;
    }
    const e = this.m.entry(this.fileEntries[slot]);
    const refs = this.refsOf(slot);
    const old = this.replaced.get(slot);
    if (old && this.keep) {
      // Chunks the new version of this file drops, read from the old version before the rename replaces it (a
      // chunk that moved to another file is stored needlessly: harmless).
      const now = new ChunkIdSet(Array.from(refs, (c) => this.m.chunkId(c)));
      this.keep.take(this.finalOf(slot), old, (id) => !now.has(id));
    }
    // A one-chunk file's chunk was verified by BLAKE3 when it arrived (or was copied or resumed): no need to read
    // it back. Larger files are read back and hashed whole unless assembling them hashed them.
    const known = this.isOneChunk(slot) ? e.hash! : this.assembledHash.get(slot);
    this.finished(slot, this.parts.finish(slot, this.metaOf(slot), known));
  }

  /** Index entry, progress and event of a file now under its final name. */
  private finished(slot: number, st: WrittenFile): void {
    const e = this.m.entry(this.fileEntries[slot]);
    const index = this.o.index;
    if (index) {
      const refs = this.refsOf(slot);
      const ids = new Uint8Array(refs.length * HASH_BYTES);
      const lens = new Uint32Array(refs.length);
      refs.forEach((c, k) => {
        ids.set(this.m.chunkId(c), k * HASH_BYTES);
        lens[k] = this.m.chunkRawSize(c);
      });
      index.put({
        path: this.finalOf(slot),
        size: st.size,
        mtimeMs: st.mtimeMs,
        ino: st.ino,
        params: paramsKey(this.m.chunking),
        hash: new Uint8Array(e.hash!),
        ids,
        lens,
      });
    }
    this.progress.add(0, 1);
    this.o.emit({ type: 'transfer.file', session: this.o.sid, path: e.path, size: e.size });
  }
}
