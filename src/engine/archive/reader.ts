/**
 * Opens a .warp file: header, trailer, key check, manifest (hash-checked, decrypted, decompressed and
 * validated). Every failure names what is wrong in words a user can act on.
 */
import fs from 'node:fs';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import {
  HEADER_BYTES,
  HeaderFlags,
  TRAILER_BYTES,
  decodeHeader,
  decodeTrailer,
  encodeHeader,
  type Header,
  type Trailer,
} from './format.ts';
import { openArchiveKeys, type ArchiveKeys, type KeySource } from './keys.ts';
import type { Manifest } from '../model/manifest.ts';
import { loadStoredManifest, type StoredManifest } from './manifest-load.ts';
import { loadStoredManifestInWorker } from './manifest-thread.ts';
import { UnitTable } from './units.ts';

export interface OpenOptions {
  /** Parse the manifest in a worker thread (long-lived processes whose event loop serves others: the daemon). */
  manifestInWorker?: boolean;
}

export class ArchiveReader {
  readonly path: string;
  readonly header: Header;
  readonly trailer: Trailer;
  readonly manifest: Manifest;
  readonly keys?: ArchiveKeys;
  /** Where the chunks are stored (one unit per chunk in version 1). */
  readonly units: UnitTable;
  readonly size: number;
  private readonly fd: number;

  private constructor(
    path: string,
    fd: number,
    size: number,
    header: Header,
    trailer: Trailer,
    manifest: Manifest,
    units: UnitTable,
    keys?: ArchiveKeys,
  ) {
    this.path = path;
    this.units = units;
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

  static async open(path: string, key?: KeySource, opts: OpenOptions = {}): Promise<ArchiveReader> {
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
      if (size < HEADER_BYTES + TRAILER_BYTES)
        throw new WarpError(ErrorCodes.ARCHIVE_TRUNCATED, `${path} is truncated (${size} bytes): it holds no trailer`);
      const tb = Buffer.alloc(TRAILER_BYTES);
      fs.readSync(fd, tb, 0, TRAILER_BYTES, size - TRAILER_BYTES);
      const trailer = decodeTrailer(tb, size, path);
      const keys = header.flags & HeaderFlags.ENCRYPTED ? await openArchiveKeys(header, key, path) : undefined;
      const stored: StoredManifest = {
        path,
        offset: trailer.manifestOffset,
        length: trailer.manifestLength,
        hash: trailer.manifestHash,
        key: keys?.data,
        header: encodeHeader(header),
        dataBytes: trailer.manifestOffset - HEADER_BYTES,
      };
      const manifest = opts.manifestInWorker ? await loadStoredManifestInWorker(stored) : loadStoredManifest(stored);
      if (header.version >= 2) manifest.restoreChunkHashes();
      const units = UnitTable.of(manifest, header.version, path);
      return new ArchiveReader(path, fd, size, header, trailer, manifest, units, keys);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  /** Reads the stored bytes of units [first, end) (contiguous in the file) into `into` at `at`: one read for a run. */
  readUnits(first: number, end: number, into: Uint8Array, at: number): void {
    const len = this.units.offset(end) - this.units.offset(first);
    const pos = HEADER_BYTES + this.units.offset(first);
    let got = 0;
    while (got < len) {
      const n = fs.readSync(this.fd, into, at + got, len - got, pos + got);
      if (n === 0)
        throw new WarpError(ErrorCodes.ARCHIVE_TRUNCATED, `${this.path}: unexpected end of file in unit ${first}`);
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
