/**
 * A content-addressed chunk store on disk: `<dir>/<2 hex>/<64 hex>` holds the raw bytes of the chunk whose
 * BLAKE3 is the name. Writes go to a temporary name and are renamed into place, so a name always holds a
 * whole chunk; reads verify the hash, so a damaged file is never served (it is removed instead).
 *
 * Bounded: past `maxBytes` the least recently used chunks are deleted (a read refreshes a chunk's mtime, so
 * the order survives restarts). The names held are listed once per process (one readdir per shard) and kept
 * in memory (a chunk id and a size each: bounded by maxBytes / the smallest chunk), so asking for a chunk the
 * store does not have costs no system call: a first copy asks for every chunk. Several processes may share
 * a store: a name another process added since is merely a miss, one it removed a failed read.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { HASH_BYTES, blake3 } from '../codec/blake3.ts';

export const DEFAULT_STORE_MAX_BYTES = 1024 * 1024 * 1024;

export class ChunkStore {
  readonly dir: string;
  readonly maxBytes: number;
  /** hex id -> size, least recently used first; loaded on first use. */
  private held?: Map<string, number>;
  private total = 0;

  constructor(dir: string, opts: { maxBytes?: number } = {}) {
    this.dir = dir;
    this.maxBytes = opts.maxBytes ?? DEFAULT_STORE_MAX_BYTES;
  }

  pathOf(id: Uint8Array): string {
    return this.pathOfHex(hexOf(id));
  }

  private pathOfHex(hex: string): string {
    return path.join(this.dir, hex.slice(0, 2), hex);
  }

  private index(): Map<string, number> {
    if (this.held) return this.held;
    const found: Array<{ hex: string; size: number; mtimeMs: number }> = [];
    let shards: string[] = [];
    try {
      shards = fs.readdirSync(this.dir);
    } catch {
      /* empty store */
    }
    for (const s of shards) {
      let names: string[];
      try {
        names = fs.readdirSync(path.join(this.dir, s));
      } catch {
        continue;
      }
      for (const n of names) {
        if (n.length !== HASH_BYTES * 2) continue; // temporaries
        try {
          const st = fs.statSync(path.join(this.dir, s, n));
          found.push({ hex: n, size: st.size, mtimeMs: st.mtimeMs });
        } catch {
          /* removed meanwhile */
        }
      }
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs);
    this.held = new Map(found.map((f) => [f.hex, f.size]));
    this.total = found.reduce((t, f) => t + f.size, 0);
    return this.held;
  }

  has(id: Uint8Array): boolean {
    return this.index().has(hexOf(id));
  }

  /** Bytes held (as this process sees them). */
  get bytes(): number {
    this.index();
    return this.total;
  }

  /** Stores verified bytes; returns false when the chunk was already there. Evicts the oldest chunks past the cap. */
  put(id: Uint8Array, data: Uint8Array): boolean {
    const hex = hexOf(id);
    const held = this.index();
    if (held.has(hex)) return false;
    if (data.length > this.maxBytes) return false;
    if (!blake3(data).equals(id))
      throw new WarpError(ErrorCodes.CHUNK_CORRUPT, 'refusing to store a chunk whose bytes do not match its id');
    const file = this.pathOfHex(hex);
    const tmp = `${file}.tmp-${crypto.randomBytes(4).toString('hex')}`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(tmp, data, { flag: 'wx' });
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw fromSystemError(e, file, 'write');
    }
    held.set(hex, data.length);
    this.total += data.length;
    this.prune();
    return true;
  }

  private prune(): void {
    const held = this.index();
    for (const [hex, size] of held) {
      if (this.total <= this.maxBytes) break;
      fs.rmSync(this.pathOfHex(hex), { force: true });
      held.delete(hex);
      this.total -= size;
    }
  }

  /** The chunk's bytes, or undefined when absent or damaged (a damaged copy is deleted). */
  get(id: Uint8Array): Buffer | undefined {
    const hex = hexOf(id);
    const held = this.index();
    const size = held.get(hex);
    if (size === undefined) return undefined;
    const file = this.pathOfHex(hex);
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch {
      this.forget(hex);
      return undefined;
    }
    if (!blake3(data).equals(id)) {
      fs.rmSync(file, { force: true });
      this.forget(hex);
      return undefined;
    }
    // Most recently used now, here and (through the mtime) for the next process.
    held.delete(hex);
    held.set(hex, size);
    try {
      const now = new Date();
      fs.utimesSync(file, now, now);
    } catch {
      /* order only */
    }
    return data;
  }

  private forget(hex: string): void {
    const size = this.held?.get(hex);
    if (size === undefined) return;
    this.held!.delete(hex);
    this.total -= size;
  }

  delete(id: Uint8Array): void {
    fs.rmSync(this.pathOf(id), { force: true });
    this.forget(hexOf(id));
  }

  /** Number of chunks and bytes held (walks the directory). */
  stats(): { chunks: number; bytes: number } {
    let chunks = 0;
    let bytes = 0;
    let shards: string[];
    try {
      shards = fs.readdirSync(this.dir);
    } catch {
      return { chunks, bytes };
    }
    for (const s of shards) {
      for (const n of fs.readdirSync(path.join(this.dir, s))) {
        if (n.length !== HASH_BYTES * 2) continue;
        chunks++;
        bytes += fs.statSync(path.join(this.dir, s, n)).size;
      }
    }
    return { chunks, bytes };
  }
}

function hexOf(id: Uint8Array): string {
  if (id.length !== HASH_BYTES)
    throw new WarpError(ErrorCodes.INTERNAL, `a chunk id has ${HASH_BYTES} bytes, got ${id.length}`);
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
}
