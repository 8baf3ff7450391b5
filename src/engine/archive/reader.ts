/**
 * Opens a .warp file: header, trailer, key check, manifest (hash-checked, decrypted, decompressed and
 * validated). Every failure names what is wrong in words a user can act on.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { NonceDomain, aead, makeNonce } from '../codec/aead.ts';
import { blake3 } from '../codec/blake3.ts';
import { HEADER_BYTES, HeaderFlags, TRAILER_BYTES, decodeHeader, decodeTrailer, encodeHeader, type Header, type Trailer } from './format.ts';
import { openArchiveKeys, type ArchiveKeys, type KeySource } from './keys.ts';
import { Manifest } from './manifest.ts';

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024 * 1024;

export class ArchiveReader {
  readonly path: string;
  readonly header: Header;
  readonly trailer: Trailer;
  readonly manifest: Manifest;
  readonly keys?: ArchiveKeys;
  readonly size: number;
  private readonly fd: number;

  private constructor(path: string, fd: number, size: number, header: Header, trailer: Trailer, manifest: Manifest, keys?: ArchiveKeys) {
    this.path = path;
    this.fd = fd;
    this.size = size;
    this.header = header;
    this.trailer = trailer;
    this.manifest = manifest;
    this.keys = keys;
  }

  get encrypted(): boolean {
    return (this.header.flags & HeaderFlags.ENCRYPTED) !== 0;
  }

  static async open(path: string, key?: KeySource): Promise<ArchiveReader> {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (e) {
      throw fromSystemError(e, path, 'read');
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) throw new WarpError(ErrorCodes.ARCHIVE_NOT_WARP, `${path} is not a regular file`);
      const size = st.size;
      const prefix = Buffer.alloc(Math.min(size, 4096));
      fs.readSync(fd, prefix, 0, prefix.length, 0);
      const header = decodeHeader(prefix, path);
      if (size < HEADER_BYTES + TRAILER_BYTES) throw new WarpError(ErrorCodes.ARCHIVE_TRUNCATED, `${path} is truncated (${size} bytes): it holds no trailer`);
      const tb = Buffer.alloc(TRAILER_BYTES);
      fs.readSync(fd, tb, 0, TRAILER_BYTES, size - TRAILER_BYTES);
      const trailer = decodeTrailer(tb, size, path);
      const keys = header.flags & HeaderFlags.ENCRYPTED ? await openArchiveKeys(header, key, path) : undefined;
      if (trailer.manifestLength > MAX_MANIFEST_BYTES) throw new WarpError(ErrorCodes.MANIFEST_CORRUPT, `${path}: implausible manifest size ${trailer.manifestLength}`);
      const stored = Buffer.alloc(trailer.manifestLength);
      fs.readSync(fd, stored, 0, stored.length, trailer.manifestOffset);
      if (!blake3(stored).equals(trailer.manifestHash)) {
        throw new WarpError(ErrorCodes.MANIFEST_CORRUPT, `${path}: the manifest is damaged (hash mismatch); file names and chunk locations cannot be trusted`);
      }
      let compressed: Buffer = stored;
      if (keys) {
        const opened = aead.open(keys.data, makeNonce(NonceDomain.MANIFEST, 0), stored, encodeHeader(header));
        if (!opened) throw new WarpError(ErrorCodes.MANIFEST_CORRUPT, `${path}: the manifest does not authenticate (the archive was modified)`);
        compressed = opened;
      }
      let plain: Buffer;
      try {
        plain = zlib.zstdDecompressSync(compressed, { maxOutputLength: MAX_MANIFEST_BYTES });
      } catch (e) {
        throw new WarpError(ErrorCodes.MANIFEST_CORRUPT, `${path}: the manifest does not decompress (${(e as Error).message})`);
      }
      const manifest = Manifest.decode(plain, path);
      if (manifest.storedDataBytes !== trailer.manifestOffset - HEADER_BYTES) {
        throw new WarpError(ErrorCodes.MANIFEST_CORRUPT, `${path}: the manifest's chunk table does not match the data section`);
      }
      return new ArchiveReader(path, fd, size, header, trailer, manifest, keys);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  /** Reads chunk i's stored bytes into `into` at `at`. */
  readStored(i: number, into: Uint8Array, at: number): void {
    const len = this.manifest.chunkStoredSize(i);
    const pos = HEADER_BYTES + this.manifest.chunkOffset(i);
    let got = 0;
    while (got < len) {
      const n = fs.readSync(this.fd, into, at + got, len - got, pos + got);
      if (n === 0) throw new WarpError(ErrorCodes.ARCHIVE_TRUNCATED, `${this.path}: unexpected end of file in chunk ${i}`);
      got += n;
    }
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
