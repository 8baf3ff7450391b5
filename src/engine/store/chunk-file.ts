/**
 * Chunks one local file (FastCDC + BLAKE3, the archive's cut points, so chunk ids dedup across archives,
 * transfers and peers) and gives its chunk list and whole-file hash, through the file index: an unchanged
 * file is never read twice. One reusable read buffer and one reused whole-file hasher.
 */
import fs from 'node:fs';
import { fromSystemError } from '../core/errors.ts';
import { Blake3Hasher } from '@napi-rs/blake-hash';
import { HASH_BYTES, blake3Into } from '../codec/blake3.ts';
import { FastCdc, type ChunkerParams } from '../codec/fastcdc.ts';
import { paramsKey, type FileChunks, type FileIndex } from './file-index.ts';

const BUF_BYTES = 16 * 1024 * 1024;
let shared: Buffer | undefined;
/** One whole-file hasher, reset per file (a native hasher per file bloats RSS; see codec/blake3.ts). */
const fileHasher = new Blake3Hasher();
const cdcs = new Map<string, FastCdc>();

export interface ChunkFileResult extends FileChunks {
  /** True when the chunk list came from the index without reading the file. */
  cached: boolean;
}

export function chunkFile(abs: string, params: ChunkerParams, index?: FileIndex): ChunkFileResult {
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch (e) {
    throw fromSystemError(e, abs, 'read');
  }
  const hit = index?.lookup(abs, st, params);
  if (hit) return { ...hit, cached: true };
  const key = paramsKey(params);
  let cdc = cdcs.get(key);
  if (!cdc) { cdc = new FastCdc(params); cdcs.set(key, cdc); }
  const bufSize = Math.max(BUF_BYTES, params.maxSize * 2);
  if (!shared || shared.length < bufSize) shared = Buffer.allocUnsafe(bufSize);
  const buf = shared;
  let ids = new Uint8Array(Math.max(4, Math.ceil(st.size / params.avgSize) + 4) * HASH_BYTES);
  let lens = new Uint32Array(ids.length / HASH_BYTES);
  let n = 0;
  const idOut = Buffer.allocUnsafe(HASH_BYTES);
  const addChunk = (from: number, to: number): void => {
    if ((n + 1) * HASH_BYTES > ids.length) {
      const i2 = new Uint8Array(ids.length * 2); i2.set(ids); ids = i2;
      const l2 = new Uint32Array(lens.length * 2); l2.set(lens); lens = l2;
    }
    blake3Into(buf.subarray(from, to), idOut);
    ids.set(idOut, n * HASH_BYTES);
    lens[n++] = to - from;
  };
  let fd: number;
  try {
    fd = fs.openSync(abs, 'r');
  } catch (e) {
    throw fromSystemError(e, abs, 'read');
  }
  fileHasher.reset();
  let size = 0;
  let w = 0;
  let chunkStart = 0;
  let scan = 0;
  const state = cdc.newState();
  try {
    for (;;) {
      if (buf.length - w < params.maxSize) {
        buf.copy(buf, 0, chunkStart, w);
        w -= chunkStart;
        scan -= chunkStart;
        chunkStart = 0;
      }
      let r: number;
      try {
        r = fs.readSync(fd, buf, w, buf.length - w, null);
      } catch (e) {
        throw fromSystemError(e, abs, 'read');
      }
      if (r === 0) break;
      fileHasher.update(buf.subarray(w, w + r));
      w += r;
      size += r;
      while (scan < w) {
        const c = cdc.findCut(state, buf, scan, w);
        if (c < 0) { scan = w; break; }
        addChunk(chunkStart, c);
        chunkStart = scan = c;
      }
    }
    if (chunkStart < w) addChunk(chunkStart, w);
  } finally {
    fs.closeSync(fd);
  }
  const hash = fileHasher.digestBuffer();
  const rec: FileChunks = { path: abs, size, mtimeMs: st.mtimeMs, ino: st.ino, params: key, hash: new Uint8Array(hash), ids: ids.slice(0, n * HASH_BYTES), lens: lens.slice(0, n) };
  if (size === st.size) index?.put(rec); // a file that changed while read is not cached
  return { ...rec, cached: false };
}
