/**
 * From the stored manifest of an archive to a validated Manifest: hash check, decryption, bounded
 * decompression, shape and value checks. A pure function of its input, so it runs the same on the calling
 * thread (the CLI) or in a worker (manifest-thread.ts: the daemon, whose event loop must never parse an
 * untrusted manifest).
 *
 * Decompression is bounded before it starts: the plain manifest may be at most MANIFEST_PLAIN_FLOOR or
 * MANIFEST_RATIO times the stored bytes, whichever is larger (zstd alone reaches ~30,000:1, so a 33 KB file
 * could otherwise claim a gigabyte). A frame that declares a larger content size is refused without
 * decoding; one that does not declare it is cut off at the bound as it inflates.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { NonceDomain, aead, makeNonce } from '../codec/aead.ts';
import { blake3 } from '../codec/blake3.ts';
import { Manifest } from '../model/manifest.ts';

/** Legitimate manifests compress 2-20x (ids and hashes are random); only long runs of refs to one chunk go beyond. */
export const MANIFEST_PLAIN_FLOOR = 64 * 1024 * 1024;
export const MANIFEST_RATIO = 1024;
/** The largest Buffer this runtime makes, and far above any real tree's manifest. */
const MANIFEST_PLAIN_MAX = 4 * 1024 * 1024 * 1024 - 1;

export function manifestPlainLimit(storedBytes: number): number {
  return Math.min(MANIFEST_PLAIN_MAX, Math.max(MANIFEST_PLAIN_FLOOR, storedBytes * MANIFEST_RATIO));
}

export interface StoredManifest {
  /** The archive file and where the stored manifest lies in it. */
  path: string;
  offset: number;
  length: number;
  /** BLAKE3 of the stored bytes, from the trailer. */
  hash: Uint8Array;
  /** Data key (encrypted archives) and the header bytes it authenticates with the manifest. */
  key?: Uint8Array;
  header: Uint8Array;
  /** Size of the chunk data section, which the manifest's stored sizes must add up to. */
  dataBytes: number;
}

function readStored(s: StoredManifest): Buffer {
  const stored = Buffer.alloc(s.length);
  let fd: number | undefined;
  try {
    fd = fs.openSync(s.path, 'r');
    let got = 0;
    while (got < s.length) {
      const n = fs.readSync(fd, stored, got, s.length - got, s.offset + got);
      if (n === 0)
        throw new WarpError(
          ErrorCodes.ARCHIVE_TRUNCATED,
          `${s.path}: the file ended inside the manifest (it shrank while being read)`,
        );
      got += n;
    }
  } catch (e) {
    throw fromSystemError(e, s.path, 'read');
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return stored;
}

/** The content size a zstd frame header declares, or undefined when it declares none (RFC 8878 3.1.1.1). */
export function zstdDeclaredSize(b: Uint8Array): number | undefined {
  if (b.length < 6 || b[0] !== 0x28 || b[1] !== 0xb5 || b[2] !== 0x2f || b[3] !== 0xfd) return undefined;
  const fhd = b[4];
  const single = (fhd & 0x20) !== 0;
  const fcsFlag = fhd >> 6;
  const fcsBytes = [single ? 1 : 0, 2, 4, 8][fcsFlag];
  if (fcsBytes === 0) return undefined;
  const at = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
  if (at + fcsBytes > b.length) return undefined;
  let v = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) v = v * 256 + b[at + i];
  return fcsBytes === 2 ? v + 256 : v;
}

function inflate(compressed: Buffer, what: string): Buffer {
  const limit = manifestPlainLimit(compressed.length);
  const declared = zstdDeclaredSize(compressed);
  if (declared !== undefined && declared > limit) {
    throw new WarpError(
      ErrorCodes.MANIFEST_CORRUPT,
      `${what}: the manifest claims to inflate to ${declared} bytes from ${compressed.length} (the limit is ${limit}); refusing to decompress it`,
      { details: { declared, limit } },
    );
  }
  try {
    // zlib inflates in steps and stops as soon as the output would pass the bound.
    return zlib.zstdDecompressSync(compressed, { maxOutputLength: declared ?? limit });
  } catch (e) {
    const tooLarge = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new WarpError(
      ErrorCodes.MANIFEST_CORRUPT,
      tooLarge
        ? `${what}: the manifest inflates past ${declared ?? limit} bytes from ${compressed.length}; refusing it`
        : `${what}: the manifest does not decompress (${(e as Error).message})`,
    );
  }
}

export function loadStoredManifest(s: StoredManifest): Manifest {
  const stored = readStored(s);
  if (!blake3(stored).equals(Buffer.from(s.hash))) {
    throw new WarpError(
      ErrorCodes.MANIFEST_CORRUPT,
      `${s.path}: the manifest is damaged (hash mismatch); file names and chunk locations cannot be trusted`,
    );
  }
  let compressed: Buffer = stored;
  if (s.key) {
    const opened = aead.open(Buffer.from(s.key), makeNonce(NonceDomain.MANIFEST, 0), stored, Buffer.from(s.header));
    if (!opened)
      throw new WarpError(
        ErrorCodes.MANIFEST_CORRUPT,
        `${s.path}: the manifest does not authenticate (the archive was modified)`,
      );
    compressed = opened;
  }
  const manifest = Manifest.decode(inflate(compressed, s.path), s.path);
  if (manifest.storedDataBytes !== s.dataBytes) {
    throw new WarpError(
      ErrorCodes.MANIFEST_CORRUPT,
      `${s.path}: the manifest's chunk table does not match the data section`,
    );
  }
  return manifest;
}
