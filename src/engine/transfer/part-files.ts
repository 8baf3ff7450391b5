/**
 * The receiver's part files. Every file is assembled under `.<name>.warp-part-<session>` next to its final name
 * and renamed into place only after its hash matched, so no partially written file is ever visible under its
 * final name, and a rerun of the same session finds the parts it left (resume).
 *
 *  - Chunks of a multi-chunk file are written at their offsets through a small cache of open descriptors.
 *  - A small file whose bytes are all in memory (one chunk, or assembled from several: received-files.ts) is
 *    written whole in libuv's pool: open, write, mode, mtime, stat, close, rename, many files at once (16 files
 *    or 8 MiB in flight), so the disk's create and rename latency is not paid one file at a time on the thread
 *    that verifies chunks. `writeWhole` returns a promise when the queue is full: the puller waits before it takes
 *    more replies. (A worker thread doing the same in batches was measured: no wall-clock gain on 3,000 files,
 *    +60 MiB peak RSS for its isolate; BENCHMARKS.md.)
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

function hashMismatch(meta: FileMeta): WarpError {
  return new WarpError(
    ErrorCodes.FILE_HASH_MISMATCH,
    `${meta.path}: the assembled file does not match its hash; it was not written (run the command again)`,
    { details: { path: meta.path } },
  );
}

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
export interface WrittenFile {
  size: number;
  mtimeMs: number;
  ino: number;
}

export interface FileMeta {
  /** The manifest's path (for messages). */
  path: string;
  size: number;
  mode: number;
  mtimeMs: number;
  hash: Uint8Array;
}

const FD_CACHE = 128;
const WHOLE_FILES_IN_FLIGHT = 16;
const WHOLE_BYTES_IN_FLIGHT = 8 * 1024 * 1024;

export class PartFiles {
  private readonly sid: string;
  private readonly finalOf: (slot: number) => string;
  private readonly fds = new Map<number, number>();
  private readonly renames: Promise<void>[] = [];
  private failure: unknown;
  private inFlight = 0;
  private bytesInFlight = 0;
  private room: Array<() => void> = [];

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
        throw hashMismatch(meta);
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
   * Writes a whole file in libuv's pool, then renames it into place and calls `done`. Resolves at once unless the
   * queue is full. `verify`: its bytes (a file assembled in memory from several verified chunks) are checked
   * against `meta.hash` first, in memory; a one-chunk file's chunk id is its hash.
   */
  writeWhole(
    slot: number,
    data: Uint8Array,
    meta: FileMeta,
    done: (st: WrittenFile) => void,
    verify = false,
  ): Promise<void> | undefined {
    this.throwIfFailed();
    if (verify && !blake3(data).equals(Buffer.from(meta.hash))) throw hashMismatch(meta);
    this.inFlight++;
    this.bytesInFlight += data.length;
    void this.wholeJob(slot, data, meta)
      .then(done)
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.inFlight--;
        this.bytesInFlight -= data.length;
        const r = this.room;
        this.room = [];
        for (const f of r) f();
      });
    if (this.inFlight < WHOLE_FILES_IN_FLIGHT && this.bytesInFlight < WHOLE_BYTES_IN_FLIGHT) return undefined;
    return new Promise((r) => this.room.push(r));
  }

  private async wholeJob(slot: number, data: Uint8Array, meta: FileMeta): Promise<WrittenFile> {
    const part = this.partOf(slot);
    const final = this.finalOf(slot);
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | (fs.constants.O_NOFOLLOW ?? 0);
    let h: fs.promises.FileHandle;
    try {
      h = await fs.promises.open(part, flags, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOOP') throw fromSystemError(e, part, 'write');
      await fs.promises.rm(part, { recursive: true, force: true }); // a planted link: never written through
      h = await fs.promises.open(part, flags, 0o600).catch((e2: unknown) => {
        throw fromSystemError(e2, part, 'write');
      });
    }
    let st: fs.Stats;
    try {
      let off = 0;
      while (off < data.length) off += (await h.write(data, off, data.length - off, off)).bytesWritten;
      await h.chmod(meta.mode & 0o7777);
      await h.utimes(fileTime(meta.mtimeMs), fileTime(meta.mtimeMs));
      st = await h.stat();
    } catch (e) {
      throw fromSystemError(e, part, 'write');
    } finally {
      await h.close().catch(() => {});
    }
    await fs.promises.rename(part, final).catch((e: unknown) => {
      throw fromSystemError(e, final, 'write');
    });
    return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  }

  /** Waits for every queued whole-file write and rename; throws the first failure. */
  async settle(): Promise<void> {
    await this.drain();
    this.throwIfFailed();
  }

  /** Waits until nothing is being written or renamed (failures are kept for `settle`). */
  async drain(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((r) => this.room.push(r));
    await Promise.all(this.renames.splice(0));
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
