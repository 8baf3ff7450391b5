/**
 * The .warp byte layout (docs/FORMAT.md): header | chunk data | manifest | trailer. Written in one
 * sequential pass, so it can go to a pipe; a reader finds the manifest through the fixed-size trailer.
 * All integers are little-endian.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { blake3 } from '../codec/blake3.ts';
import type { Argon2Params } from '../codec/kdf.ts';
import { checkChunking } from '../codec/fastcdc.ts';

export const MAGIC = Buffer.from([0x89, 0x57, 0x41, 0x52, 0x50, 0x0d, 0x0a, 0x1a]); // \x89WARP\r\n\x1a
export const TRAILER_MAGIC = Buffer.from('WARPEND1', 'latin1');
/** Written by this Warp. Version 2 stores small chunks together in units (units.ts); version 1 is still read. */
export const FORMAT_VERSION = 2;
export const OLDEST_READ_VERSION = 1;
export const HEADER_BYTES = 96;
export const TRAILER_BYTES = 64;

export const Cipher = { NONE: 0, CHACHA20_POLY1305: 1 } as const;
export type Cipher = (typeof Cipher)[keyof typeof Cipher];
export const Kdf = { NONE: 0, ARGON2ID: 1, KEY_FILE: 2 } as const;
export type Kdf = (typeof Kdf)[keyof typeof Kdf];

export const HeaderFlags = { ENCRYPTED: 1 } as const;

export interface Header {
  version: number;
  flags: number;
  cipher: Cipher;
  kdf: Kdf;
  argon2: Argon2Params;
  kdfSalt: Buffer;
  /** Random per archive: the archive's id and the salt of its data key. */
  archiveSalt: Buffer;
  /** Derived from the key: tells a wrong password from a damaged manifest. Zero when not encrypted. */
  keyCheck: Buffer;
  chunkMin: number;
  chunkAvg: number;
  chunkMax: number;
}

export function encodeHeader(h: Header): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(b, 0);
  b.writeUInt16LE(h.version, 8);
  b.writeUInt16LE(h.flags, 10);
  b.writeUInt8(h.cipher, 12);
  b.writeUInt8(h.kdf, 13);
  b.writeUInt16LE(HEADER_BYTES, 14);
  b.writeUInt32LE(h.argon2.opsLimit, 16);
  b.writeUInt32LE(h.argon2.memKiB, 20);
  h.kdfSalt.copy(b, 24, 0, 16);
  h.archiveSalt.copy(b, 40, 0, 16);
  h.keyCheck.copy(b, 56, 0, 16);
  b.writeUInt32LE(h.chunkMin, 72);
  b.writeUInt32LE(h.chunkAvg, 76);
  b.writeUInt32LE(h.chunkMax, 80);
  blake3(b.subarray(0, 88)).copy(b, 88, 0, 8);
  return b;
}

/** `prefix` is the first bytes of the file (at least HEADER_BYTES when the file is that long). */
export function decodeHeader(prefix: Buffer, what: string): Header {
  if (prefix.length < 16 || !prefix.subarray(0, 8).equals(MAGIC)) {
    throw new WarpError(ErrorCodes.ARCHIVE_NOT_WARP, `${what} is not a Warp archive (no .warp signature at the start)`);
  }
  const version = prefix.readUInt16LE(8);
  const headerLen = prefix.readUInt16LE(14);
  const checksumOk = (len: number): boolean =>
    len >= 24 &&
    prefix.length >= len &&
    blake3(prefix.subarray(0, len - 8))
      .subarray(0, 8)
      .equals(prefix.subarray(len - 8, len));
  if (version < OLDEST_READ_VERSION || version > FORMAT_VERSION) {
    // A newer writer keeps magic, version and header length in place and the checksum last.
    if (version > FORMAT_VERSION && checksumOk(headerLen)) {
      throw new WarpError(
        ErrorCodes.ARCHIVE_VERSION,
        `${what} uses archive format version ${version}; this Warp reads versions ${OLDEST_READ_VERSION} to ${FORMAT_VERSION}. Upgrade Warp to read it.`,
        { details: { version } },
      );
    }
    throw new WarpError(
      ErrorCodes.ARCHIVE_HEADER_CORRUPT,
      `${what}: the header is damaged (format version field reads ${version})`,
    );
  }
  if (prefix.length < HEADER_BYTES)
    throw new WarpError(ErrorCodes.ARCHIVE_TRUNCATED, `${what} is truncated: it ends inside the header`);
  if (headerLen !== HEADER_BYTES || !checksumOk(HEADER_BYTES)) {
    throw new WarpError(
      ErrorCodes.ARCHIVE_HEADER_CORRUPT,
      `${what}: the header is damaged (checksum mismatch); the archive cannot be read safely`,
    );
  }
  const h: Header = {
    version,
    flags: prefix.readUInt16LE(10),
    cipher: prefix.readUInt8(12) as Cipher,
    kdf: prefix.readUInt8(13) as Kdf,
    argon2: { opsLimit: prefix.readUInt32LE(16), memKiB: prefix.readUInt32LE(20) },
    kdfSalt: Buffer.from(prefix.subarray(24, 40)),
    archiveSalt: Buffer.from(prefix.subarray(40, 56)),
    keyCheck: Buffer.from(prefix.subarray(56, 72)),
    chunkMin: prefix.readUInt32LE(72),
    chunkAvg: prefix.readUInt32LE(76),
    chunkMax: prefix.readUInt32LE(80),
  };
  const encrypted = (h.flags & HeaderFlags.ENCRYPTED) !== 0;
  const known =
    (h.cipher === Cipher.NONE && !encrypted && h.kdf === Kdf.NONE) ||
    (h.cipher === Cipher.CHACHA20_POLY1305 && encrypted && (h.kdf === Kdf.ARGON2ID || h.kdf === Kdf.KEY_FILE));
  if (!known)
    throw new WarpError(
      ErrorCodes.ARCHIVE_HEADER_CORRUPT,
      `${what}: unknown cipher ${h.cipher} / key derivation ${h.kdf}`,
    );
  checkChunking(
    { minSize: h.chunkMin, avgSize: h.chunkAvg, maxSize: h.chunkMax },
    (why) => new WarpError(ErrorCodes.ARCHIVE_HEADER_CORRUPT, `${what}: the header is damaged (${why})`),
  );
  return h;
}

export interface Trailer {
  manifestOffset: number;
  manifestLength: number;
  /** BLAKE3 of the stored manifest bytes (after compression and encryption). */
  manifestHash: Buffer;
}

export function encodeTrailer(t: Trailer): Buffer {
  const b = Buffer.alloc(TRAILER_BYTES);
  TRAILER_MAGIC.copy(b, 0);
  b.writeBigUInt64LE(BigInt(t.manifestOffset), 8);
  b.writeBigUInt64LE(BigInt(t.manifestLength), 16);
  t.manifestHash.copy(b, 24, 0, 32);
  blake3(b.subarray(0, 56)).copy(b, 56, 0, 8);
  return b;
}

export function decodeTrailer(b: Buffer, fileSize: number, what: string): Trailer {
  if (b.length < TRAILER_BYTES || !b.subarray(0, 8).equals(TRAILER_MAGIC)) {
    throw new WarpError(
      ErrorCodes.ARCHIVE_TRUNCATED,
      `${what} is truncated or was not finished (no trailer at the end); it may have been cut off during writing or copying`,
    );
  }
  if (!blake3(b.subarray(0, 56)).subarray(0, 8).equals(b.subarray(56, 64))) {
    throw new WarpError(ErrorCodes.ARCHIVE_TRAILER_CORRUPT, `${what}: the trailer is damaged (checksum mismatch)`);
  }
  const t: Trailer = {
    manifestOffset: Number(b.readBigUInt64LE(8)),
    manifestLength: Number(b.readBigUInt64LE(16)),
    manifestHash: Buffer.from(b.subarray(24, 56)),
  };
  if (t.manifestOffset < HEADER_BYTES || t.manifestOffset + t.manifestLength + TRAILER_BYTES !== fileSize) {
    throw new WarpError(
      ErrorCodes.ARCHIVE_TRUNCATED,
      `${what}: the trailer does not match the file size (${fileSize} bytes); the archive is truncated or has extra bytes`,
    );
  }
  return t;
}
