/**
 * Rebuilding a changed file from its old copy in one pass. A file edited by 1 % keeps ~99 % of its chunks,
 * and the receiver knows where they lie (the destination's old version, described by the file index or just
 * chunked). Copying them chunk by chunk (read 16 KiB, BLAKE3 it, write it; later read the whole file back to
 * hash it) cost one syscall pair and one hash call per chunk plus a second read and hash of the whole file.
 * Here the file is written in file order, in extents: runs of chunks that lie back to back in one source
 * (or are already in the part file: fetched or resumed) are read in large blocks, fed to the whole-file
 * hasher and written once. The whole-file hash is the check: when it does not match (an old copy changed
 * without its size, mtime or inode changing), the caller verifies chunk by chunk and fetches what is wrong.
 */
import fs from 'node:fs';
import { Blake3Hasher } from '@napi-rs/blake-hash';

/** A run of bytes of the new file: `len` bytes at file offset `off`, taken from `src` at `srcOff`. */
export interface Extent {
  /** Index into the sources list, or -1: the bytes are already in the part file at `off`. */
  src: number;
  srcOff: number;
  off: number;
  len: number;
}

const BLOCK = 4 * 1024 * 1024;
/** Spare block buffers (two per file being assembled), reused across files. */
const spare: Buffer[] = [];

/** Appends a run to `out`, merging it with the previous one when both are contiguous in the same source. */
export function pushExtent(out: Extent[], src: number, srcOff: number, off: number, len: number): void {
  const last = out.at(-1);
  if (last && last.src === src && last.srcOff + last.len === srcOff && last.off + last.len === off) last.len += len;
  else out.push({ src, srcOff, off, len });
}

const readAsync = (fd: number, buf: Buffer, len: number, at: number): Promise<number> =>
  new Promise((resolve, reject) => {
    fs.read(fd, buf, 0, len, at, (e, n) => (e ? reject(e) : resolve(n)));
  });
const writeAsync = (fd: number, buf: Buffer, len: number, at: number): Promise<number> =>
  new Promise((resolve, reject) => {
    fs.write(fd, buf, 0, len, at, (e, n) => (e ? reject(e) : resolve(n)));
  });

async function readFully(fd: number, buf: Buffer, len: number, at: number): Promise<boolean> {
  let got = 0;
  while (got < len) {
    const r = await readAsync(fd, got === 0 ? buf : buf.subarray(got), len - got, at + got);
    if (r === 0) return false;
    got += r;
  }
  return true;
}

async function writeFully(fd: number, buf: Buffer, len: number, at: number): Promise<void> {
  for (let w = 0; w < len;) w += await writeAsync(fd, w === 0 ? buf : buf.subarray(w), len - w, at + w);
}

/**
 * Writes the extents into the part file `fd` and returns the BLAKE3 of its first `size` bytes, or undefined
 * when a source could not be read (gone, shorter): the caller falls back to chunk-by-chunk verification.
 * Reads and writes run in libuv's pool, double-buffered: block i+1 is read and block i written while this
 * thread hashes, so two cores share the work. Write errors are thrown (a full disk must stop the transfer).
 */
export async function assembleFile(
  fd: number,
  size: number,
  extents: readonly Extent[],
  sources: readonly string[],
  onWriteError: (e: unknown) => never,
): Promise<Buffer | undefined> {
  // The blocks to move, in file order.
  const blocks: Array<{ src: number; at: number; off: number; n: number }> = [];
  let expect = 0;
  for (const x of extents) {
    if (x.off !== expect) return undefined; // the plan does not cover the file in order
    expect += x.len;
    for (let d = 0; d < x.len; d += BLOCK)
      blocks.push({ src: x.src, at: x.srcOff + d, off: x.off + d, n: Math.min(BLOCK, x.len - d) });
  }
  if (expect !== size) return undefined;
  const bufs = [spare.pop() ?? Buffer.allocUnsafe(BLOCK), spare.pop() ?? Buffer.allocUnsafe(BLOCK)];
  const hasher = new Blake3Hasher();
  const open = new Map<number, number>();
  const fdOf = (src: number): number | undefined => {
    if (src < 0) return fd;
    let f = open.get(src);
    if (f === undefined) {
      try {
        f = fs.openSync(sources[src], 'r');
      } catch {
        return undefined;
      }
      open.set(src, f);
    }
    return f;
  };
  const read = async (i: number): Promise<boolean> => {
    const b = blocks[i];
    const f = fdOf(b.src);
    if (f === undefined) return false;
    try {
      return await readFully(f, bufs[i % 2], b.n, b.at);
    } catch {
      return false;
    }
  };
  let pendingWrite: Promise<void> = Promise.resolve();
  try {
    let next = blocks.length > 0 ? read(0) : undefined;
    for (let i = 0; i < blocks.length; i++) {
      const ok = await next!;
      if (!ok) return undefined;
      const b = blocks[i];
      const view = bufs[i % 2].subarray(0, b.n);
      await pendingWrite; // the other buffer is free again
      next = i + 1 < blocks.length ? read(i + 1) : undefined;
      if (b.src >= 0) pendingWrite = writeFully(fd, bufs[i % 2], b.n, b.off);
      hasher.update(view); // while the pool reads the next block and writes this one
    }
    await pendingWrite;
    return hasher.digestBuffer();
  } catch (e) {
    return onWriteError(e);
  } finally {
    await pendingWrite.catch(() => {});
    for (const f of open.values()) fs.closeSync(f);
    spare.push(...bufs);
  }
}

/** Which positions (see placement.ts) take their bytes from which local file range, instead of being copied chunk by chunk. */
export class CopyPlan {
  /** Per position: index into `sources`, or -1. */
  readonly src: Int32Array;
  readonly srcOff: Float64Array;
  readonly sources: string[] = [];
  /** Files whose chunk lists were just read or come from the file index with their identity unchanged. */
  readonly trusted = new Set<string>();
  /** File slots with planned positions. */
  readonly slots = new Set<number>();
  count = 0;
  private readonly srcIds = new Map<string, number>();

  constructor(positions: number) {
    this.src = new Int32Array(positions).fill(-1);
    this.srcOff = new Float64Array(positions);
  }

  /** The source index of a path, if any planned copy reads from it. */
  sourceIndex(abs: string): number | undefined {
    return this.srcIds.get(abs);
  }

  add(p: number, slot: number, abs: string, offset: number): void {
    let s = this.srcIds.get(abs);
    if (s === undefined) {
      s = this.sources.push(abs) - 1;
      this.srcIds.set(abs, s);
    }
    this.src[p] = s;
    this.srcOff[p] = offset;
    this.slots.add(slot);
    this.count++;
  }
}
