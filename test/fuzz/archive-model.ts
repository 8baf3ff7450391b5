/**
 * A .warp archive as plain, editable data, and the sealer that turns it into bytes with every checksum, hash
 * and MAC recomputed (docs/FORMAT.md): header checksum, chunk AEAD, manifest zstd + AEAD (with the header as
 * associated data) + BLAKE3 in the trailer, trailer checksum. A mutator changes the data, the sealer makes
 * the archive self-consistent again, so what a fuzz case exercises is the reader's parsing and validation,
 * not a hash comparison that catches the change first.
 *
 * Independent of archive/create.ts on purpose: the generator must be able to write what the writer never
 * would (a NaN time, a path below a symlink, a chunk larger than the maximum).
 */
import zlib from 'node:zlib';
import { pack } from 'msgpackr';
import {
  HEADER_BYTES,
  Cipher,
  FORMAT_VERSION,
  HeaderFlags,
  Kdf,
  encodeHeader,
  encodeTrailer,
  type Header,
} from '../../src/engine/archive/format.ts';
import { NonceDomain, aead, makeNonce } from '../../src/engine/codec/aead.ts';
import { blake3 } from '../../src/engine/codec/blake3.ts';
import { Codec } from '../../src/engine/codec/compress.ts';
import { subkey } from '../../src/engine/codec/kdf.ts';
import { merkleRoot } from '../../src/engine/codec/merkle.ts';

export const FILE = 0;
export const DIR = 1;
export const SYMLINK = 2;

export interface TreeEntry {
  path: string;
  type: 0 | 1 | 2;
  mode: number;
  mtimeMs: number;
  data?: Uint8Array;
  link?: string;
}

/** The msgpack map of docs/FORMAT.md, with typed columns as plain byte arrays (any field may be broken). */
export type RawManifest = Record<string, unknown> & {
  chunks: Record<string, unknown>;
  entries: Record<string, unknown>;
};

export interface RawArchive {
  header: Header;
  /** Each unit's codec output (before encryption) at its first chunk; undefined for chunks inside a unit. */
  chunkBodies: Array<Uint8Array | undefined>;
  manifest: RawManifest;
  /** Replaces pack(manifest) when set: byte-level mutations of the plain msgpack. */
  plainOverride?: Uint8Array;
  /** Replaces the compressed manifest when set (crafted zstd frames). */
  compressedOverride?: Uint8Array;
  /** The master key of an encrypted archive (kdf = key file). */
  masterKey?: Uint8Array;
}

export const CHUNKING = { minSize: 64, avgSize: 256, maxSize: 1024 } as const;

const u8 = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Format 2's codec of a chunk that continues the unit begun by an earlier chunk (archive/units.ts). */
const IN_UNIT = 2;

/** Stores runs of up to `unitChunks` chunks as one unit (format 2), else one chunk per unit. */
function storeUnits(
  pieces: Uint8Array[],
  unitChunks: number,
  compress: boolean,
): { bodies: Array<Uint8Array | undefined>; codecs: number[] } {
  const bodies: Array<Uint8Array | undefined> = [];
  const codecs: number[] = [];
  for (let i = 0; i < pieces.length; i += unitChunks) {
    const group = pieces.slice(i, i + unitChunks);
    const raw = Buffer.concat(group);
    const z = compress ? zlib.zstdCompressSync(raw) : undefined;
    const useZ = z !== undefined && z.length < raw.length;
    bodies.push(useZ ? z : Uint8Array.from(raw));
    codecs.push(useZ ? Codec.ZSTD : Codec.RAW);
    for (let k = 1; k < group.length; k++) {
      bodies.push(undefined);
      codecs.push(IN_UNIT);
    }
  }
  return { bodies, codecs };
}

/**
 * A valid archive of `tree` (entries in order; parents must precede children, as the writer's walk does).
 * `version` 1 or 2 (default: the current one); `unitChunks` > 1 bundles chunks into units (version 2 only).
 */
export function buildArchive(
  tree: TreeEntry[],
  opts: { masterKey?: Uint8Array; compress?: boolean; version?: number; unitChunks?: number } = {},
): RawArchive {
  const ids: Uint8Array[] = [];
  const raws: number[] = [];
  const pieces: Uint8Array[] = [];
  const byId = new Map<string, number>();
  const refs: number[] = [];
  const refStart: number[] = [];
  const refCount: number[] = [];
  const hashes = new Uint8Array(tree.length * 32);
  tree.forEach((e, i) => {
    refStart.push(refs.length);
    let n = 0;
    if (e.type === FILE) {
      const data = e.data ?? new Uint8Array(0);
      hashes.set(blake3(data), i * 32);
      for (let at = 0; at < data.length; at += CHUNKING.maxSize) {
        const piece = data.subarray(at, Math.min(data.length, at + CHUNKING.maxSize));
        const id = blake3(piece);
        const key = id.toString('hex');
        let c = byId.get(key);
        if (c === undefined) {
          c = ids.length;
          byId.set(key, c);
          ids.push(id);
          raws.push(piece.length);
          pieces.push(piece);
        }
        refs.push(c);
        n++;
      }
    }
    refCount.push(n);
  });
  const version = opts.version ?? FORMAT_VERSION;
  const { bodies, codecs } = storeUnits(
    pieces,
    version >= 2 ? Math.max(1, opts.unitChunks ?? 1) : 1,
    opts.compress === true,
  );
  const idCol = new Uint8Array(ids.length * 32);
  ids.forEach((id, i) => idCol.set(id, i * 32));
  const manifest: RawManifest = {
    v: 1,
    chunking: [CHUNKING.minSize, CHUNKING.avgSize, CHUNKING.maxSize],
    root: merkleRoot(ids.length, (i) => ids[i]),
    chunks: { ids: idCol, raw: u8(Uint32Array.from(raws)), stored: new Uint8Array(0), codec: Uint8Array.from(codecs) },
    entries: {
      paths: tree.map((e) => e.path),
      types: Uint8Array.from(tree.map((e) => e.type)),
      modes: u8(Uint32Array.from(tree.map((e) => e.mode))),
      mtimes: u8(Float64Array.from(tree.map((e) => e.mtimeMs))),
      sizes: u8(Float64Array.from(tree.map((e) => e.data?.length ?? 0))),
      hashes,
      refStart: u8(Uint32Array.from(refStart)),
      refCount: u8(Uint32Array.from(refCount)),
      links: tree.flatMap((e, i) => (e.type === SYMLINK ? [[i, e.link ?? 'x']] : [])),
    },
    refs: u8(Uint32Array.from(refs)),
  };
  const encrypted = opts.masterKey !== undefined;
  const archiveSalt = Buffer.from(blake3(Buffer.from(JSON.stringify(tree.map((e) => e.path)))).subarray(0, 16));
  const header: Header = {
    version,
    flags: encrypted ? HeaderFlags.ENCRYPTED : 0,
    cipher: encrypted ? Cipher.CHACHA20_POLY1305 : Cipher.NONE,
    kdf: encrypted ? Kdf.KEY_FILE : Kdf.NONE,
    argon2: { opsLimit: 0, memKiB: 0 },
    kdfSalt: Buffer.alloc(16),
    archiveSalt,
    keyCheck: encrypted ? subkey(opts.masterKey!, archiveSalt, 'warp/archive/v1/check', 16) : Buffer.alloc(16),
    chunkMin: CHUNKING.minSize,
    chunkAvg: CHUNKING.avgSize,
    chunkMax: CHUNKING.maxSize,
  };
  return { header, chunkBodies: bodies, manifest, masterKey: opts.masterKey };
}

/** The bytes of `a`, every checksum and MAC recomputed. Stored sizes are always recomputed from the chunks. */
export function seal(a: RawArchive, opts: { keepStoredSizes?: boolean } = {}): Buffer {
  const headerBytes = encodeHeader(a.header);
  const dataKey = a.masterKey ? subkey(a.masterKey, a.header.archiveSalt, 'warp/archive/v1/data') : undefined;
  const stored = a.chunkBodies.map((b, i) =>
    b === undefined
      ? Buffer.alloc(0)
      : dataKey
        ? aead.seal(dataKey, makeNonce(NonceDomain.CHUNK, i), b)
        : Buffer.from(b),
  );
  const chunks: unknown = a.manifest.chunks;
  if (!opts.keepStoredSizes && typeof chunks === 'object' && chunks !== null)
    (chunks as Record<string, unknown>).stored = u8(Uint32Array.from(stored.map((s) => s.length)));
  const plain = a.plainOverride ?? pack(a.manifest);
  const compressed = a.compressedOverride ?? zlib.zstdCompressSync(plain);
  const manifestStored = dataKey
    ? aead.seal(dataKey, makeNonce(NonceDomain.MANIFEST, 0), compressed, headerBytes)
    : Buffer.from(compressed);
  const data = Buffer.concat(stored);
  const trailer = encodeTrailer({
    manifestOffset: HEADER_BYTES + data.length,
    manifestLength: manifestStored.length,
    manifestHash: blake3(manifestStored),
  });
  return Buffer.concat([headerBytes, data, manifestStored, trailer]);
}

/** A deep copy (mutators edit in place). */
export function cloneArchive(a: RawArchive): RawArchive {
  const c = structuredClone(a);
  // structuredClone turns Buffers into Uint8Arrays; encodeHeader copies from Buffers.
  c.header.kdfSalt = Buffer.from(c.header.kdfSalt);
  c.header.archiveSalt = Buffer.from(c.header.archiveSalt);
  c.header.keyCheck = Buffer.from(c.header.keyCheck);
  return c;
}
