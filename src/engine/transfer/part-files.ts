/**
 * The receiver's part files. Every file is assembled under `.<name>.warp-part-<session>` next to its final name
 * and renamed into place only after its hash matched, so no partially written file is ever visible under its
 * final name, and a rerun of the same session finds the parts it left (resume).
 *
 *  - Chunks of a multi-chunk file are written at their offsets through a small cache of open descriptors.
 *  - A small file whose bytes are all in memory (one chunk, or assembled from several: received-files.ts) is
 *    written whole by the writer thread (file-writer.ts): create, write, mode, mtime, stat, close, rename, in
 *    batches, so neither the disk's create and rename latency nor the calls' cost is paid on the thread that
 *    verifies chunks. `writeWhole` returns a promise when the writer is full: the puller waits before it takes
 *    more replies.
 *  - `finish` completes a part file written in place: size, whole-file hash, mode, mtime; the rename is queued
 *    in libuv's pool (on ext4 a rename over an old version starts the new file's writeback: ~1-5 ms each).
 * `settle` waits for every queued write and rename and throws the first failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { blake3 } from '../codec/blake3.ts';
import { hashFd } from './local-files.ts';
import { fileTime } from '../core/file-time.ts';
import { WholeFileWriter, type WrittenFile } from './file-writer.ts';

/** The longest file name (bytes) common file systems take. */
const NAME_MAX = 255;

/**
 * The part file of `finalPath`. A name too long to take the prefix and suffix (over ~211 bytes) keeps a readable
 * start and a hash of the whole name instead: any legal name can be received, and a rerun finds the same part.
 */
export function partName(finalPath: string, sid: string): string {
  const base = path.basename(finalPath);
  const suffix = `.warp-part-${sid}`;
  let name = `.${base}${suffix}`;
  if (Buffer.byteLength(name) > NAME_MAX) {
    const hash = blake3(Buffer.from(base)).toString('hex').slice(0, 16);
    name = `.${utf8Prefix(base, NAME_MAX - 2 - hash.length - suffix.length)}~${hash}${suffix}`;
  }
  return path.join(path.dirname(finalPath), name);
}

/** The longest start of `s` that fits in `bytes` UTF-8 bytes, cut between characters. */
function utf8Prefix(s: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/** What a finished file looks like on disk (for the file index). */
export type { WrittenFile };

export interface FileMeta {
  /** The manifest's path (for messages). */
  path: string;
  size: number;
  mode: number;
  mtimeMs: number;
  hash: Uint8Array;
}

const FD_CACHE = 128;

export class PartFiles {
  private readonly sid: string;
  private readonly finalOf: (slot: number) => string;
  private readonly fds = new Map<number, number>();
  private readonly renames: Promise<void>[] = [];
  private failure: unknown;
  private readonly writer = new WholeFileWriter();

  constructor(sid: string, finalOf: (slot: number) => string) {
    this.sid = sid;
    this.finalOf = finalOf;
  }

  partOf(slot: number): string {
    return partName(this.finalOf(slot), this.sid);
  }

  hasOpen(slot: number): boolean {
    return this.fds.has(slot);
  }

  /** The part file's descriptor, created if needed (never through a planted link). */
  fdOf(slot: number): number {
    let fd = this.fds.get(slot);
    if (fd !== undefined) return fd;
    const part = this.partOf(slot);
    try {
      const st = fs.lstatSync(part, { throwIfNoEntry: false });
      if (st && !st.isFile()) fs.rmSync(part, { recursive: true, force: true });
      fd = fs.openSync(part, fs.constants.O_RDWR | fs.constants.O_CREAT | (fs.constants.O_NOFOLLOW ?? 0), 0o600);
    } catch (e) {
      throw fromSystemError(e, part, 'write');
    }
    if (this.fds.size >= FD_CACHE) {
      const [k, v] = this.fds.entries().next().value as [number, number];
      fs.closeSync(v);
      this.fds.delete(k);
    }
    this.fds.set(slot, fd);
    return fd;
  }

  writeAt(slot: number, data: Uint8Array, offset: number): void {
    const fd = this.fdOf(slot);
    try {
      let off = 0;
      while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off, offset + off);
    } catch (e) {
      throw fromSystemError(e, this.partOf(slot), 'write');
    }
  }

  /**
   * Completes a part file written in place: truncated to size, hash checked (`knownHash` when the bytes were
   * verified as they were written), mode and mtime set; the rename is queued. Returns the file's stat.
   */
  finish(slot: number, meta: FileMeta, knownHash?: Uint8Array): WrittenFile {
    const final = this.finalOf(slot);
    const part = this.partOf(slot);
    const fd = this.fdOf(slot); // creates the (empty) part file of a file without chunks
    try {
      if (fs.fstatSync(fd).size > meta.size) fs.ftruncateSync(fd, meta.size);
      const h = knownHash ? Buffer.from(knownHash) : hashFd(fd, meta.size);
      if (!h.equals(Buffer.from(meta.hash))) {
        this.forget(slot);
        fs.rmSync(part, { force: true });
        throw new WarpError(
          ErrorCodes.FILE_HASH_MISMATCH,
          `${meta.path}: the assembled file does not match its hash; it was not written (run the command again)`,
          { details: { path: meta.path } },
        );
      }
      fs.fchmodSync(fd, meta.mode & 0o7777);
      fs.futimesSync(fd, fileTime(meta.mtimeMs), fileTime(meta.mtimeMs));
      const st = fs.fstatSync(fd); // inode and mtime survive the rename
      this.forget(slot);
      this.renames.push(
        fs.promises.rename(part, final).catch((err: unknown) => {
          this.failure ??= fromSystemError(err, final, 'write');
        }),
      );
      return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
    } catch (err) {
      throw fromSystemError(err, final, 'write');
    }
  }

  /**
   * Writes a whole file in the writer thread (file-writer.ts), then renames it into place and calls `done`.
   * `verify`: its bytes are checked against `meta.hash` first (a file assembled from several verified chunks; a
   * one-chunk file's chunk id is its hash). Resolves at once unless the writer is full.
   */
  writeWhole(
    slot: number,
    data: Uint8Array,
    meta: FileMeta,
    done: (st: WrittenFile) => void,
    verify = false,
  ): Promise<void> | undefined {
    this.throwIfFailed();
    const file = {
      part: this.partOf(slot),
      final: this.finalOf(slot),
      mode: meta.mode,
      mtimeMs: meta.mtimeMs,
      ...(verify ? { hash: meta.hash } : {}),
    };
    this.writer.add(file, data, done, (e: unknown) => {
      this.failure ??= e;
    });
    return this.writer.full ? this.writer.room() : undefined;
  }

  /** Waits for every queued whole-file write and rename; throws the first failure. */
  async settle(): Promise<void> {
    await this.drain();
    this.throwIfFailed();
  }

  /** Waits until nothing is being written or renamed (failures are kept for `settle`). */
  async drain(): Promise<void> {
    await this.writer.drain();
    await Promise.all(this.renames.splice(0));
  }

  /** Ends the writer thread (after `settle` or `drain`; a later `writeWhole` starts a new one). */
  async close(): Promise<void> {
    await this.writer.close();
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Closes every cached descriptor (part files stay for a rerun). */
  closeAll(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }

  private forget(slot: number): void {
    const fd = this.fds.get(slot);
    if (fd === undefined) return;
    fs.closeSync(fd);
    this.fds.delete(slot);
  }
}
