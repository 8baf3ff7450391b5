/**
 * A content-addressed chunk store on disk: `<dir>/<2 hex>/<64 hex>` holds the raw bytes of the chunk whose
 * BLAKE3 is the name. Writes go to a temporary name and are renamed into place, so a name always holds a
 * whole chunk; reads verify the hash, so a damaged file is never served (it is removed instead).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { HASH_BYTES, blake3 } from '../codec/blake3.ts';

export class ChunkStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  pathOf(id: Uint8Array): string {
    if (id.length !== HASH_BYTES) throw new WarpError(ErrorCodes.INTERNAL, `a chunk id has ${HASH_BYTES} bytes, got ${id.length}`);
    const hex = Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');
    return path.join(this.dir, hex.slice(0, 2), hex);
  }

  has(id: Uint8Array): boolean {
    return fs.existsSync(this.pathOf(id));
  }

  /** Stores verified bytes; returns false when the chunk was already there. */
  put(id: Uint8Array, data: Uint8Array): boolean {
    const file = this.pathOf(id);
    if (fs.existsSync(file)) return false;
    if (!blake3(data).equals(id)) throw new WarpError(ErrorCodes.CHUNK_CORRUPT, 'refusing to store a chunk whose bytes do not match its id');
    const tmp = `${file}.tmp-${crypto.randomBytes(4).toString('hex')}`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(tmp, data, { flag: 'wx' });
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw fromSystemError(e, file, 'write');
    }
    return true;
  }

  /** The chunk's bytes, or undefined when absent or damaged (a damaged copy is deleted). */
  get(id: Uint8Array): Buffer | undefined {
    const file = this.pathOf(id);
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch {
      return undefined;
    }
    if (!blake3(data).equals(id)) {
      fs.rmSync(file, { force: true });
      return undefined;
    }
    return data;
  }

  delete(id: Uint8Array): void {
    fs.rmSync(this.pathOf(id), { force: true });
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
