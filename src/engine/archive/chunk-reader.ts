/**
 * The reading half of `archive create`: files are read straight into shared slabs, cut by FastCDC and
 * hashed in place on this thread; a chunk seen before becomes a reference, a new one goes to the encode
 * queue as a view into the slab. The unfinished chunk moves to a fresh slab when one fills, so memory is the
 * slab pool whatever the file sizes.
 */
import fs from 'node:fs';
import { throwIfCancelled } from '../core/cancel.ts';
import { fromSystemError } from '../core/errors.ts';
import type { ProgressTracker } from '../core/progress.ts';
import { Blake3Stream, blake3, idNumberKey } from '../codec/blake3.ts';
import type { FastCdc } from '../codec/fastcdc.ts';
import type { EncodeQueue } from './encode-queue.ts';
import type { ManifestBuilder } from '../model/manifest.ts';
import type { Slab, SlabPool } from './slabs.ts';

const READ_MAX = 8 * 1024 * 1024;
const MIN_FREE = 1024 * 1024;
const YIELD_EVERY = 64 * 1024 * 1024;
/** Files above this size are read ahead asynchronously; smaller ones in one sync read (cheaper per file). */
const READ_AHEAD_MIN = 4 * 1024 * 1024;

/** One read's bytes, kept to hash a file that ended after a single read in one call. */
interface FirstRead {
  from: number;
  to: number;
  slab: Slab;
}

/** Per-file state of a read. */
class FileRead {
  hasher?: Blake3Stream;
  firstRead?: FirstRead;
  chunks = 0;
  lastId?: Buffer;
  bytes = 0;
  eof = false;
  prefetch?: Promise<{ n: number; want: number }>;
  readonly entry: number;
  readonly abs: string;
  readonly fd: number;
  readonly readAhead: boolean;
  constructor(entry: number, abs: string, fd: number, readAhead: boolean) {
    this.entry = entry;
    this.abs = abs;
    this.fd = fd;
    this.readAhead = readAhead;
  }

  /** Most files arrive in one read: hash them in one call (a single-chunk file's hash is its chunk id);
   * only larger files get a streaming hasher (a native object per file cost ~1 GB for 100k files). */
  hashRead(slab: Slab, from: number, to: number): void {
    if (!this.firstRead && !this.hasher) {
      this.firstRead = { from, to, slab };
      return;
    }
    if (!this.hasher) {
      this.hasher = new Blake3Stream();
      this.hasher.update(this.firstRead!.slab.u8.subarray(this.firstRead!.from, this.firstRead!.to));
      this.firstRead = undefined;
    }
    this.hasher.update(slab.u8.subarray(from, to));
  }

  digest(): Buffer {
    if (this.hasher) return this.hasher.digest();
    if (this.chunks === 1) return this.lastId!;
    // The first read's bytes are still in its slab: the slab is only recycled after a second read.
    const f = this.firstRead;
    return blake3(f ? f.slab.u8.subarray(f.from, f.to) : new Uint8Array(0));
  }
}

export class ChunkReader {
  private slab!: Slab;
  /** Written up to here; the unfinished chunk starts at chunkStart; the cutter has looked up to scanPos. */
  private w = 0;
  private chunkStart = 0;
  private scanPos = 0;
  private sinceYield = 0;
  /** Chunk ids seen, by their first 6 bytes (collisions are checked against the full id). */
  private readonly seen = new Map<number, number | number[]>();
  chunkRefs = 0;
  private readonly cdc: FastCdc;
  private readonly slabs: SlabPool;
  private readonly builder: ManifestBuilder;
  private readonly encoder: EncodeQueue;
  private readonly progress: ProgressTracker;
  private readonly signal?: AbortSignal;

  constructor(
    cdc: FastCdc,
    slabs: SlabPool,
    builder: ManifestBuilder,
    encoder: EncodeQueue,
    progress: ProgressTracker,
    signal?: AbortSignal,
  ) {
    this.cdc = cdc;
    this.slabs = slabs;
    this.builder = builder;
    this.encoder = encoder;
    this.progress = progress;
    this.signal = signal;
  }

  async open(): Promise<void> {
    this.slab = await this.slabs.acquire();
  }

  close(): void {
    this.slabs.release(this.slab);
  }

  /** Reads file `abs` as entry `ei`: its chunks are referenced, the new ones queued. Returns bytes read and hash. */
  async addFile(ei: number, abs: string, size: number): Promise<{ bytes: number; hash: Buffer }> {
    let fd: number;
    try {
      fd = fs.openSync(abs, 'r');
    } catch (e) {
      throw fromSystemError(e, abs, 'read');
    }
    const f = new FileRead(ei, abs, fd, size > READ_AHEAD_MIN);
    const state = this.cdc.newState();
    try {
      for (;;) {
        if (this.slab.size - this.w < MIN_FREE) await this.nextSlab();
        const n = await this.read(f);
        if (n === 0) break;
        f.hashRead(this.slab, this.w, this.w + n);
        this.w += n;
        f.bytes += n;
        while (this.scanPos < this.w) {
          const c = this.cdc.findCut(state, this.slab.u8, this.scanPos, this.w);
          if (c < 0) {
            this.scanPos = this.w;
            break;
          }
          this.emitChunk(f, c);
        }
        this.progress.add(n);
        await this.pace(n);
      }
    } finally {
      if (f.prefetch) await (f.prefetch as Promise<unknown>).catch(() => {});
      fs.closeSync(fd);
    }
    if (this.chunkStart < this.w) this.emitChunk(f, this.w);
    this.chunkStart = this.scanPos = this.w;
    return { bytes: f.bytes, hash: f.digest() };
  }

  /** One read into the slab (or the read-ahead started last time); 0 at end of file. */
  private async read(f: FileRead): Promise<number> {
    let n: number;
    let want: number;
    try {
      if (f.prefetch) {
        ({ n, want } = await f.prefetch);
        f.prefetch = undefined;
      } else {
        want = Math.min(this.slab.size - this.w, READ_MAX);
        n = f.eof ? 0 : fs.readSync(f.fd, this.slab.u8, this.w, want, null);
      }
    } catch (e) {
      throw fromSystemError(e, f.abs, 'read');
    }
    // A short read of a regular file means end of file: skip the extra read (one syscall per small file).
    f.eof = n < want;
    // Large files: start reading the next region now, on libuv's thread pool, while this one is cut and
    // hashed (the regions do not overlap; with room left in the slab no slab switch happens meanwhile).
    if (n > 0 && !f.eof && f.readAhead && this.slab.size - (this.w + n) >= MIN_FREE) {
      const at = this.w + n;
      const size = Math.min(this.slab.size - at, READ_MAX);
      const target = this.slab.u8;
      f.prefetch = new Promise((resolve, reject) =>
        fs.read(f.fd, target, at, size, null, (err, got) => (err ? reject(err) : resolve({ n: got, want: size }))),
      );
      f.prefetch.catch(() => {});
    }
    return n;
  }

  /** Moves the unfinished chunk to a fresh slab; the old one is freed once the batches using it are done. */
  private async nextSlab(): Promise<void> {
    const next = await this.slabs.acquire();
    next.u8.set(this.slab.u8.subarray(this.chunkStart, this.w), 0);
    this.scanPos -= this.chunkStart;
    this.w -= this.chunkStart;
    this.chunkStart = 0;
    this.slabs.release(this.slab);
    this.slab = next;
  }

  private emitChunk(f: FileRead, end: number): void {
    const view = this.slab.u8.subarray(this.chunkStart, end);
    const id = blake3(view);
    f.chunks++;
    f.lastId = id;
    let idx = this.lookup(id);
    if (idx < 0) {
      idx = this.builder.addChunk(id, view.length);
      this.remember(id, idx);
      this.encoder.add(this.slab, this.chunkStart, view.length, idx);
    }
    this.builder.addRef(f.entry, idx);
    this.chunkRefs++;
    this.chunkStart = this.scanPos = end;
  }

  private lookup(id: Buffer): number {
    const hit = this.seen.get(idNumberKey(id));
    if (hit === undefined) return -1;
    for (const idx of typeof hit === 'number' ? [hit] : hit) if (this.builder.chunkIdEquals(idx, id)) return idx;
    return -1;
  }

  private remember(id: Buffer, idx: number): void {
    const key = idNumberKey(id);
    const hit = this.seen.get(key);
    if (hit === undefined) this.seen.set(key, idx);
    else this.seen.set(key, typeof hit === 'number' ? [hit, idx] : [...hit, idx]);
  }

  /** Backpressure from the encoder, and a turn of the event loop now and then (cancellation, progress). */
  private async pace(n: number): Promise<void> {
    this.sinceYield += n;
    await this.encoder.makeRoom();
    if (this.sinceYield >= YIELD_EVERY) {
      this.sinceYield = 0;
      await new Promise((r) => setImmediate(r));
      throwIfCancelled(this.signal);
    }
  }
}
