/**
 * Adaptive per-chunk compression: skip what will not shrink, zstd (node:zlib) otherwise, and keep the raw
 * bytes when zstd does not save enough to pay for decompression. The codec is recorded per chunk.
 */
import zlib from 'node:zlib';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { INCOMPRESSIBLE_BITS, sampleEntropy } from './entropy.ts';

export const Codec = { RAW: 0, ZSTD: 1 } as const;
export type Codec = (typeof Codec)[keyof typeof Codec];

export const LEVELS = { fast: 1, balanced: 3, max: 19 } as const;
export type LevelName = keyof typeof LEVELS;

export function isLevelName(s: string): s is LevelName {
  return Object.hasOwn(LEVELS, s);
}

/** zstd must save at least 1/32 of the chunk (and 64 bytes) or the raw bytes are kept. */
function worthIt(raw: number, compressed: number): boolean {
  return compressed + Math.max(64, raw >>> 5) <= raw;
}

export interface Compressed {
  codec: Codec;
  /** The stored bytes: the zstd frame, or the input itself when raw (no copy). */
  data: Uint8Array;
}

export function compressChunk(raw: Uint8Array, level: LevelName): Compressed {
  if (raw.length < 128 || sampleEntropy(raw) > INCOMPRESSIBLE_BITS) return { codec: Codec.RAW, data: raw };
  const out = zlib.zstdCompressSync(raw, {
    // One call per chunk: a chunkSize covering the input avoids node:zlib's 16 KiB stepping (up to 40% faster).
    // Sized to the input (not a fixed minimum): a 64 KiB buffer per call for 100k tiny files was ~300 MB of churn.
    // Half the input for a large one (units of several MiB; what passes the entropy check shrinks >= 2x):
    // an output buffer the size of the input per call was most of a worker's peak memory.
    chunkSize: raw.length <= 256 * 1024 ? raw.length + 1024 : (raw.length >>> 1) + 1024,
    // Telling zstd the input size lets it size its context to the chunk: without it every call set up a
    // full-window context, and 100k small files churned hundreds of MB of native memory.
    pledgedSrcSize: raw.length,
    params: { [zlib.constants.ZSTD_c_compressionLevel]: LEVELS[level], [zlib.constants.ZSTD_c_checksumFlag]: 0 },
  });
  return worthIt(raw.length, out.length) ? { codec: Codec.ZSTD, data: out } : { codec: Codec.RAW, data: raw };
}

export function decompressChunk(codec: number, stored: Uint8Array, rawSize: number): Uint8Array {
  if (codec === Codec.RAW) {
    if (stored.length !== rawSize)
      throw new WarpError(ErrorCodes.CHUNK_CORRUPT, `raw chunk has ${stored.length} bytes, expected ${rawSize}`);
    return stored;
  }
  if (codec !== Codec.ZSTD) throw new WarpError(ErrorCodes.CHUNK_CORRUPT, `unknown chunk codec ${codec}`);
  let out: Buffer;
  try {
    out = zlib.zstdDecompressSync(stored, { chunkSize: rawSize + 1024, maxOutputLength: rawSize + 1 });
  } catch (e) {
    throw new WarpError(ErrorCodes.CHUNK_CORRUPT, `chunk does not decompress: ${(e as Error).message}`, { cause: e });
  }
  if (out.length !== rawSize)
    throw new WarpError(ErrorCodes.CHUNK_CORRUPT, `chunk decompressed to ${out.length} bytes, expected ${rawSize}`);
  return out;
}
