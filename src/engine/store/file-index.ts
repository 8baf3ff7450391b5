/**
 * The index of which local file ranges hold which chunk. For each file Warp has chunked (sent, received or
 * found at a destination) it keeps the file's identity (path, size, mtime, inode), the chunking parameters,
 * the whole-file hash and the chunk ids with their lengths. Two uses:
 *  - a file whose identity is unchanged is not read again (the rsync "quick check", but the answer is a
 *    list of chunk ids);
 *  - "where do I already have chunk X?" for dedup and resume: `locate(id)` gives candidate ranges, which the
 *    caller verifies by hash before use (an index entry is a hint, never trusted data).
 *
 * Persistent: an append-only log (`u32 length | MessagePack record`), last record per path wins; a torn
 * tail (SIGKILL mid-append) is ignored. Compacted on open when most records are stale. Memory: one record
 * per file plus, once `locate` is used, a map from a 12-byte id prefix to (file, chunk) pairs packed in a
 * number; files beyond `maxFiles` are forgotten oldest-first so memory stays bounded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pack, unpack } from 'msgpackr';
import { fromSystemError } from '../core/errors.ts';
import { HASH_BYTES, idNumberKey } from '../codec/blake3.ts';
import type { ChunkerParams } from '../codec/fastcdc.ts';

export interface FileChunks {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  params: string;
  hash: Uint8Array;
  /** n * 32 bytes of chunk ids, in file order. */
  ids: Uint8Array;
  lens: Uint32Array;
}

export interface ChunkLocation {
  path: string;
  offset: number;
  length: number;
}

export const paramsKey = (p: ChunkerParams): string => `${p.minSize}/${p.avgSize}/${p.maxSize}`;

export class FileIndex {
  readonly file: string;
  private readonly byPath = new Map<string, FileChunks>();
  /** Slot numbers for files, so the chunk map can hold (slot, chunk) in one number. */
  private slots: Array<FileChunks | undefined> = [];
  /** Key -> (slot, chunk) packed in one number, or a few of them. */
  private chunkMap?: Map<number, number | number[]>;
  /** The slot of each path in `slots`, while the chunk map exists. */
  private slotOf = new Map<string, number>();
  private records = 0;
  private fd?: number;
  private readonly maxFiles: number;

  constructor(dir: string, opts: { maxFiles?: number } = {}) {
    this.file = path.join(dir, 'files.idx');
    this.maxFiles = opts.maxFiles ?? 1_000_000;
    this.load();
  }

  get size(): number {
    return this.byPath.size;
  }

  private load(): void {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.file);
    } catch {
      return;
    }
    let off = 0;
    while (off + 4 <= data.length) {
      const n = data.readUInt32BE(off);
      if (n === 0 || off + 4 + n > data.length) break; // torn tail
      try {
        const r = decodeRecord(unpack(data.subarray(off + 4, off + 4 + n)));
        if (r) this.remember(r);
      } catch {
        break;
      }
      off += 4 + n;
      this.records++;
    }
    if (this.records > 1000 && this.records > this.byPath.size * 2) this.compact();
  }

  private remember(r: FileChunks): void {
    if (r.ids.length === 0 && r.size < 0)
      this.byPath.delete(r.path); // a tombstone
    else {
      this.byPath.delete(r.path); // re-insert: Map order is age order for eviction
      this.byPath.set(r.path, r);
      if (this.byPath.size > this.maxFiles) {
        const oldest = this.byPath.keys().next().value as string;
        this.byPath.delete(oldest);
        this.unslot(oldest);
      }
    }
    // Keep a built chunk map current instead of rebuilding it at the next locate (a receiver puts a record
    // per finished file and may locate chunks between them).
    this.unslot(r.path);
    // Stale slots (and their map entries) pile up in a long-lived process: past twice the live files, rebuild lazily.
    if (this.chunkMap && this.slots.length > 2 * this.byPath.size + 1000) this.chunkMap = undefined;
    if (this.chunkMap && this.byPath.get(r.path) === r) this.addToMap(r, this.slots.push(r) - 1);
  }

  private unslot(abs: string): void {
    const s = this.slotOf.get(abs);
    if (s !== undefined) {
      this.slots[s] = undefined;
      this.slotOf.delete(abs);
    }
  }

  /** The cached chunk list of a file, if its identity is unchanged. */
  lookup(
    abs: string,
    st: { size: number; mtimeMs: number; ino: number },
    params: ChunkerParams,
  ): FileChunks | undefined {
    const r = this.byPath.get(abs);
    if (!r || r.size !== st.size || r.mtimeMs !== st.mtimeMs || r.ino !== st.ino || r.params !== paramsKey(params))
      return undefined;
    return r;
  }

  /**
   * The last record of a file whatever its identity now (a changed file's previous chunk list): a hint for
   * re-chunking only what changed, never trusted data.
   */
  previous(abs: string, params: ChunkerParams): FileChunks | undefined {
    const r = this.byPath.get(abs);
    return r && r.params === paramsKey(params) ? r : undefined;
  }

  put(r: FileChunks): void {
    this.remember(r);
    this.append(encodeRecord(r));
  }

  forget(abs: string): void {
    if (!this.byPath.has(abs)) return;
    this.byPath.delete(abs);
    this.unslot(abs);
    this.append(
      encodeRecord({
        path: abs,
        size: -1,
        mtimeMs: 0,
        ino: 0,
        params: '',
        hash: new Uint8Array(32),
        ids: new Uint8Array(0),
        lens: new Uint32Array(0),
      }),
    );
  }

  /** Ranges of indexed files that held chunk `id` when they were indexed (verify before use). */
  locate(id: Uint8Array): ChunkLocation[] {
    if (!this.chunkMap) this.buildChunkMap();
    const v = this.chunkMap!.get(idNumberKey(id));
    if (v === undefined) return [];
    const hits = typeof v === 'number' ? [v] : v;
    const out: ChunkLocation[] = [];
    for (const h of hits) {
      const r = this.slots[Math.floor(h / 2 ** 24)];
      const c = h % 2 ** 24;
      if (!r) continue;
      if (
        !Buffer.from(r.ids.buffer, r.ids.byteOffset + c * HASH_BYTES, HASH_BYTES).equals(
          Buffer.from(id.buffer, id.byteOffset, HASH_BYTES),
        )
      )
        continue;
      let offset = 0;
      for (let k = 0; k < c; k++) offset += r.lens[k];
      out.push({ path: r.path, offset, length: r.lens[c] });
    }
    return out;
  }

  private buildChunkMap(): void {
    this.chunkMap = new Map();
    this.slots = [];
    this.slotOf.clear();
    for (const r of this.byPath.values()) this.addToMap(r, this.slots.push(r) - 1);
  }

  private addToMap(r: FileChunks, slot: number): void {
    const m = this.chunkMap!;
    this.slotOf.set(r.path, slot);
    const n = Math.min(r.lens.length, 2 ** 24 - 1);
    for (let c = 0; c < n; c++) {
      const k = idNumberKey(r.ids, c * HASH_BYTES);
      const v = slot * 2 ** 24 + c;
      const cur = m.get(k);
      if (cur === undefined) m.set(k, v);
      else if (typeof cur === 'number') m.set(k, [cur, v]);
      else if (cur.length < 4) cur.push(v);
      else {
        // Full: a newer file takes the place of one that was replaced or forgotten.
        const stale = cur.findIndex((h) => this.slots[Math.floor(h / 2 ** 24)] === undefined);
        if (stale >= 0) cur[stale] = v;
      }
    }
  }

  private append(bytes: Buffer): void {
    try {
      if (this.fd === undefined) {
        fs.mkdirSync(path.dirname(this.file), { recursive: true });
        this.fd = fs.openSync(this.file, 'a', 0o600);
      }
      const b = Buffer.allocUnsafe(4 + bytes.length);
      b.writeUInt32BE(bytes.length, 0);
      bytes.copy(b, 4);
      fs.writeSync(this.fd, b); // one write per record: appends from several processes do not interleave
      this.records++;
    } catch {
      // The index is a cache: failing to persist it (full disk) costs speed later, never correctness.
    }
  }

  /** Rewrites the log with live records only (temp + rename). */
  compact(): void {
    const tmp = `${this.file}.tmp-${process.pid}`;
    try {
      const parts: Buffer[] = [];
      for (const r of this.byPath.values()) {
        const b = encodeRecord(r);
        const len = Buffer.allocUnsafe(4);
        len.writeUInt32BE(b.length, 0);
        parts.push(len, b);
      }
      fs.writeFileSync(tmp, Buffer.concat(parts), { mode: 0o600 });
      fs.renameSync(tmp, this.file);
      this.records = this.byPath.size;
      if (this.fd !== undefined) {
        fs.closeSync(this.fd);
        this.fd = undefined;
      }
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw fromSystemError(e, this.file, 'write');
    }
  }

  close(): void {
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* closed */
      }
      this.fd = undefined;
    }
  }
}

function encodeRecord(r: FileChunks): Buffer {
  return pack([
    r.path,
    r.size,
    r.mtimeMs,
    r.ino,
    r.params,
    r.hash,
    r.ids,
    new Uint8Array(r.lens.buffer, r.lens.byteOffset, r.lens.byteLength),
  ]);
}

function decodeRecord(o: unknown): FileChunks | undefined {
  if (!Array.isArray(o) || o.length !== 8) return undefined;
  const [p, size, mtimeMs, ino, params, hash, ids, lens] = o as [
    string,
    number,
    number,
    number,
    string,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  if (typeof p !== 'string' || !(ids instanceof Uint8Array) || !(lens instanceof Uint8Array) || lens.length % 4 !== 0)
    return undefined;
  const l = new Uint32Array(new Uint8Array(lens).buffer);
  if (ids.length !== l.length * HASH_BYTES) return undefined;
  return { path: p, size, mtimeMs, ino, params, hash: new Uint8Array(hash), ids: new Uint8Array(ids), lens: l };
}
