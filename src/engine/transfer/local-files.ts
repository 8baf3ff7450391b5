/**
 * Reading local files by range: the receiver copies chunks it already has from local files, and the server
 * serves chunks from the files under its root. Both keep a few descriptors open, since consecutive chunks
 * mostly come from one file.
 */
import fs from 'node:fs';
import { Blake3Hasher } from '@napi-rs/blake-hash';

/** `length` bytes at `offset`, or undefined when the file is shorter. */
export function readAt(fd: number, offset: number, length: number): Buffer | undefined {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const r = fs.readSync(fd, buf, got, length - got, offset + got);
    if (r === 0) return undefined;
    got += r;
  }
  return buf;
}

/** Ranges of local files; undefined for anything that cannot be read (the caller fetches it elsewhere). */
export class RangeReader {
  private readonly fds = new Map<string, number>();
  /** Paths that could not be opened: an indexed file deleted since costs one failed open, not one per chunk. */
  private readonly unreadable = new Set<string>();
  private readonly maxOpen: number;

  constructor(maxOpen = 32) {
    this.maxOpen = maxOpen;
  }

  read(abs: string, offset: number, length: number): Buffer | undefined {
    let fd = this.fds.get(abs);
    if (fd === undefined) {
      if (this.unreadable.has(abs)) return undefined;
      try {
        fd = fs.openSync(abs, 'r');
      } catch {
        this.unreadable.add(abs);
        return undefined;
      }
      if (this.fds.size >= this.maxOpen) {
        const [k, v] = this.fds.entries().next().value as [string, number];
        fs.closeSync(v);
        this.fds.delete(k);
      }
      this.fds.set(abs, fd);
    }
    try {
      return readAt(fd, offset, length);
    } catch {
      return undefined;
    }
  }

  close(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }
}

const READ_BUF = 8 * 1024 * 1024;
const fileHasher = new Blake3Hasher();
let readBuf: Buffer | undefined;

/** BLAKE3 of the first `size` bytes of an open file (one reused hasher and buffer). */
export function hashFd(fd: number, size: number): Buffer {
  readBuf ??= Buffer.allocUnsafe(READ_BUF);
  fileHasher.reset();
  let off = 0;
  while (off < size) {
    const r = fs.readSync(fd, readBuf, 0, Math.min(READ_BUF, size - off), off);
    if (r === 0) break;
    fileHasher.update(readBuf.subarray(0, r));
    off += r;
  }
  return fileHasher.digestBuffer();
}
