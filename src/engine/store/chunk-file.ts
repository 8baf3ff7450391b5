/**
 * Chunks one local file (FastCDC + BLAKE3, the archive's cut points, so chunk ids dedup across archives,
 * transfers and peers) and gives its chunk list and whole-file hash, through the file index: an unchanged
 * file is never read twice. One reusable read buffer and one reused whole-file hasher.
 *
 * A changed file the index knew is re-chunked only where it changed: a FastCDC cut depends only on the bytes
 * from the chunk's start, so where a chunk starts at one of the old boundaries and its old length holds bytes
 * that hash to the old id, the chunk is the same and the cut search over it is skipped (the hash is needed
 * anyway). Where it differs, CDC runs from there until a cut lands on an old boundary again (resync).
 *
 * The whole-file hash of a file of 1 MiB or more runs on a second core (file-hash-thread.ts) while this thread
 * cuts and hashes the chunks of the same bytes. `WARP_HASH_THREAD=0` keeps it on this thread (A/B).
 */
import fs from 'node:fs';
import { fromSystemError } from '../core/errors.ts';
import { Blake3Hasher } from '@napi-rs/blake-hash';
import { HASH_BYTES, blake3Into } from '../codec/blake3.ts';
import { FastCdc, type ChunkerParams } from '../codec/fastcdc.ts';
import { paramsKey, type FileChunks, type FileIndex } from './file-index.ts';
import { FileHashThread } from './file-hash-thread.ts';

const BUF_BYTES = 16 * 1024 * 1024;
let shared: Buffer | undefined;
/** Files at least this large get their whole-file hash on the second core (below, the hand-off costs more than it saves). */
const OFF_THREAD_MIN = 1024 * 1024;
/** Files at least this large wait for the hashing thread to start (~30 ms) rather than hash on this thread. */
const WAIT_FOR_THREAD_MIN = 32 * 1024 * 1024;
let hashThread: FileHashThread | undefined;
/** Files whose whole-file hash ran on the hashing thread (diagnostics and tests). */
export const hashThreadUse = { files: 0 };

/** The read buffer (shared with the hashing thread once it exists) and the thread, if it can take this file. */
function readBuffer(bytes: number, fileSize: number): { buf: Buffer; thread?: FileHashThread } {
  const wanted = fileSize >= OFF_THREAD_MIN && process.env.WARP_HASH_THREAD !== '0';
  if (wanted) {
    if (hashThread && hashThread.data.length < bytes) {
      hashThread.close();
      hashThread = undefined;
    }
    if (!hashThread) {
      try {
        hashThread = new FileHashThread(bytes);
      } catch {
        hashThread = undefined;
      }
    }
    if (hashThread && !hashThread.ready && fileSize >= WAIT_FOR_THREAD_MIN) hashThread.waitReady(1000);
  }
  if (hashThread && hashThread.data.length >= bytes)
    return { buf: hashThread.data, thread: wanted && hashThread.ready ? hashThread : undefined };
  if (!shared || shared.length < bytes) shared = Buffer.allocUnsafe(bytes);
  return { buf: shared };
}

/** One whole-file hasher, reset per file (a native hasher per file bloats RSS; see codec/blake3.ts). */
const fileHasher = new Blake3Hasher();
const cdcs = new Map<string, FastCdc>();

export interface ChunkFileResult extends FileChunks {
  /** True when the chunk list came from the index without reading the file. */
  cached: boolean;
}

/** What chunkFile needs of a file's stat (an lstat a tree walk just took serves). */
export interface FileIdentity {
  isFile(): boolean;
  size: number;
  mtimeMs: number;
  ino: number;
}

/** The file's chunk ids and lengths, grown as chunks are cut. */
class ChunkList {
  ids: Uint8Array;
  lens: Uint32Array;
  n = 0;

  constructor(expected: number) {
    this.ids = new Uint8Array(Math.max(4, expected) * HASH_BYTES);
    this.lens = new Uint32Array(this.ids.length / HASH_BYTES);
  }

  push(id: Uint8Array, len: number): void {
    if ((this.n + 1) * HASH_BYTES > this.ids.length) {
      const i2 = new Uint8Array(this.ids.length * 2);
      i2.set(this.ids);
      this.ids = i2;
      const l2 = new Uint32Array(this.lens.length * 2);
      l2.set(this.lens);
      this.lens = l2;
    }
    this.ids.set(id, this.n * HASH_BYTES);
    this.lens[this.n++] = len;
  }
}

/** The chunk boundaries of the file's previous version (a hint): chunk k started at offsets[k]. */
class OldBoundaries {
  readonly count: number;
  private readonly offsets: Float64Array;
  private next = 0; // next old boundary at or after the current chunk start
  readonly prev: FileChunks | undefined;

  constructor(prev: FileChunks | undefined) {
    this.prev = prev;
    this.count = prev ? prev.lens.length : 0;
    this.offsets = new Float64Array(this.count + 1);
    for (let k = 0; k < this.count; k++) this.offsets[k + 1] = this.offsets[k] + prev!.lens[k];
  }

  /** The old chunk that started at fileOff, or -1 (offsets asked for only grow). */
  at(fileOff: number): number {
    while (this.next < this.count && this.offsets[this.next] < fileOff) this.next++;
    return this.next < this.count && this.offsets[this.next] === fileOff ? this.next : -1;
  }

  /** Old chunk k is still usable in a file of newSize bytes (the old last chunk ended at the old EOF, not at a cut). */
  usable(k: number, newSize: number): boolean {
    return k < this.count - 1 || this.offsets[k + 1] === newSize;
  }

  sameId(k: number, id: Buffer): boolean {
    const ids = this.prev!.ids;
    return id.equals(Buffer.from(ids.buffer, ids.byteOffset + k * HASH_BYTES, HASH_BYTES));
  }
}

/** A read of `abs`; a system error becomes the WarpError that names the file. */
function readOp<T>(abs: string, op: () => T): T {
  try {
    return op();
  } catch (e) {
    throw fromSystemError(e, abs, 'read');
  }
}

function cdcFor(params: ChunkerParams, key: string): FastCdc {
  let cdc = cdcs.get(key);
  if (!cdc) {
    cdc = new FastCdc(params);
    cdcs.set(key, cdc);
  }
  return cdc;
}

/** `known`: the file's stat when the caller has just taken it (saves one per file over large trees). */
export function chunkFile(
  abs: string,
  params: ChunkerParams,
  index?: FileIndex,
  known?: FileIdentity,
): ChunkFileResult {
  const st = readOp(abs, () => (known?.isFile() ? known : fs.statSync(abs)));
  const hit = index?.lookup(abs, st, params);
  if (hit) return { ...hit, cached: true };
  const key = paramsKey(params);
  const cdc = cdcFor(params, key);
  const bufSize = Math.max(BUF_BYTES, params.maxSize * 2);
  const { buf, thread } = readBuffer(bufSize, st.size);
  const out = new ChunkList(Math.ceil(st.size / params.avgSize) + 4);
  const idOut = Buffer.allocUnsafe(HASH_BYTES);
  const addChunk = (from: number, to: number): void => {
    blake3Into(buf.subarray(from, to), idOut);
    out.push(idOut, to - from);
  };
  const fd = readOp(abs, () => fs.openSync(abs, 'r'));
  fileHasher.reset();
  let first = true; // nothing posted to the hashing thread yet for this file
  // On this thread the whole-file hash waits while the file is still whole in the buffer: a file that is one
  // chunk (most files of a source tree) has that chunk's id as its hash, so its bytes are hashed once, not twice.
  let deferred = !thread;
  let size = 0;
  let w = 0;
  let chunkStart = 0;
  let scan = 0;
  let state = cdc.newState();
  const old = new OldBoundaries(index?.previous(abs, params));
  /** Cuts every chunk that ends inside buf[chunkStart, w); at EOF the old-chunk check never waits for more. */
  const cutAll = (eof: boolean): void => {
    while (scan < w) {
      if (old.count > 0 && scan === chunkStart) {
        // At a chunk start: is it an old boundary whose old chunk is unchanged?
        const k = old.at(size - (w - chunkStart));
        if (k >= 0) {
          const len = old.prev!.lens[k];
          const lastOk = old.usable(k, st.size);
          if (lastOk && chunkStart + len <= w) {
            blake3Into(buf.subarray(chunkStart, chunkStart + len), idOut);
            if (old.sameId(k, idOut)) {
              out.push(idOut, len);
              chunkStart = scan = chunkStart + len;
              state = cdc.newState();
              continue;
            }
          } else if (lastOk && !eof) {
            return; // read more first, then check the whole old chunk
          }
        }
      }
      const c = cdc.findCut(state, buf, scan, w);
      if (c < 0) {
        scan = w;
        return;
      }
      addChunk(chunkStart, c);
      chunkStart = scan = c;
    }
  };
  try {
    for (;;) {
      if (buf.length - w < params.maxSize) {
        thread?.idle(); // the thread may still be hashing bytes the move overwrites
        if (deferred) {
          fileHasher.update(buf.subarray(0, w));
          deferred = false;
        } // the buffer held the file from byte 0
        buf.copy(buf, 0, chunkStart, w);
        w -= chunkStart;
        scan -= chunkStart;
        chunkStart = 0;
      }
      const r = readOp(abs, () => fs.readSync(fd, buf, w, buf.length - w, null));
      if (r === 0) break;
      if (thread) {
        thread.update(w, r, first);
        first = false;
      } else if (!deferred) fileHasher.update(buf.subarray(w, w + r));
      w += r;
      size += r;
      cutAll(false);
    }
    cutAll(true);
    if (chunkStart < w) addChunk(chunkStart, w);
  } finally {
    fs.closeSync(fd);
  }
  if (thread && !first) hashThreadUse.files++;
  const oneChunk = out.n === 1 && out.lens[0] === size;
  if (deferred && !oneChunk) fileHasher.update(buf.subarray(0, w));
  const hash =
    thread && !first
      ? thread.digest()
      : deferred && oneChunk
        ? Buffer.from(out.ids.subarray(0, HASH_BYTES))
        : fileHasher.digestBuffer();
  const rec: FileChunks = {
    path: abs,
    size,
    mtimeMs: st.mtimeMs,
    ino: st.ino,
    params: key,
    hash: new Uint8Array(hash),
    ids: out.ids.slice(0, out.n * HASH_BYTES),
    lens: out.lens.slice(0, out.n),
  };
  if (size === st.size) index?.put(rec); // a file that changed while read is not cached
  return { ...rec, cached: false };
}
