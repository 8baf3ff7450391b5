/**
 * Every value of a decoded manifest, checked as a whole before anything is written or fetched: a manifest is
 * untrusted (a crafted archive, a peer's plan). What passes here is something Warp's own writer can produce,
 * so the code that acts on it (extract, verify, receive) meets no value it cannot handle: no NaN or infinite
 * times, no names the file system refuses, no path below a symlink at any depth, no chunk larger than the
 * chunker makes. Failures are MANIFEST_CORRUPT, or UNSAFE_PATH for paths.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { HASH_BYTES } from '../codec/blake3.ts';
import { Codec } from '../codec/compress.ts';
import { checkChunking, type ChunkerParams } from '../codec/fastcdc.ts';
import { TAG_BYTES } from '../codec/aead.ts';
import { IN_UNIT, UNIT_MAX_RAW } from './unit-codes.ts';
import { EntryType } from './manifest.ts';
import { assertSafePath, parentOf } from './entry-paths.ts';

/** The manifest's columns as decoded (manifest.ts owns them; this module only reads them). */
export interface ManifestColumns {
  paths: string[];
  types: Uint8Array;
  modes: Uint32Array;
  mtimes: Float64Array;
  sizes: Float64Array;
  hashes: Uint8Array;
  refStart: Uint32Array;
  refCount: Uint32Array;
  links: Map<number, string>;
  refs: Uint32Array;
  chunkIds: Uint8Array;
  rawSizes: Uint32Array;
  storedSizes: Uint32Array;
  codecs: Uint8Array;
}

// manifest.ts imports this module too: EntryType is read only when a check runs, after both have loaded.

/** JavaScript's Date range (±100,000,000 days), in ms: wider than any file system's, and every value in it converts. */
const MAX_ABS_MTIME_MS = 8.64e15;
/** A symlink target longer than this cannot be created (Linux PATH_MAX). */
const MAX_LINK_TARGET_BYTES = 4095;

type Bad = (why: string) => WarpError;

/** The largest stored form of a chunk of `raw` bytes: zstd's worst case (ZSTD_COMPRESSBOUND) plus the AEAD tag. */
export function maxStoredSize(raw: number): number {
  return raw + (raw >>> 8) + (raw < 128 * 1024 ? (128 * 1024 - raw) >>> 11 : 0) + 64 + TAG_BYTES;
}

function checkChunks(chunking: ChunkerParams, c: ManifestColumns, bad: Bad): void {
  const n = c.rawSizes.length;
  if (c.chunkIds.length !== n * HASH_BYTES || c.storedSizes.length !== n || c.codecs.length !== n)
    throw bad('chunk table lengths differ');
  // A stored unit (units.ts) is a chunk with codec RAW or ZSTD and the IN_UNIT chunks after it; its stored
  // size is the first chunk's and bounded by the unit's raw bytes. Whether IN_UNIT is allowed at all depends on
  // the archive's format version (units.ts); a transfer's manifest has no use for either column.
  let unitStored = 0;
  let unitRaw = 0;
  for (let i = 0; i <= n; i++) {
    if (i === n || c.codecs[i] !== IN_UNIT) {
      if (i > 0 && unitStored > maxStoredSize(unitRaw))
        throw bad(`the unit ending at chunk ${i - 1} declares a stored size of ${unitStored} for ${unitRaw} bytes`);
      if (i === n) break;
      if (c.codecs[i] !== Codec.RAW && c.codecs[i] !== Codec.ZSTD)
        throw bad(`chunk ${i} has unknown codec ${c.codecs[i]}`);
      unitStored = c.storedSizes[i];
      unitRaw = 0;
    } else if (i === 0 || c.storedSizes[i] !== 0)
      throw bad(`chunk ${i} continues a unit but ${i === 0 ? 'is the first chunk' : 'has stored bytes of its own'}`);
    const raw = c.rawSizes[i];
    // The chunker never cuts above its max (the last chunk of a file is shorter, never longer).
    if (raw > chunking.maxSize)
      throw bad(`chunk ${i} declares ${raw} bytes, more than the chunk maximum ${chunking.maxSize}`);
    unitRaw += raw;
    if (unitRaw > UNIT_MAX_RAW && c.codecs[i] === IN_UNIT)
      throw bad(`the unit holding chunk ${i} exceeds ${UNIT_MAX_RAW} bytes`);
  }
}

function checkEntryValues(c: ManifestColumns, i: number, bad: Bad): void {
  const p = c.paths[i];
  const t = c.types[i];
  if (t > EntryType.SYMLINK) throw bad(`entry '${p}' has unknown type ${t}`);
  if (c.modes[i] > 0o7777)
    throw bad(`entry '${p}' has mode ${c.modes[i].toString(8)} (only permission bits are stored)`);
  const mt = c.mtimes[i];
  if (!Number.isFinite(mt) || Math.abs(mt) > MAX_ABS_MTIME_MS)
    throw bad(`entry '${p}' has an impossible modification time (${mt})`);
  const size = c.sizes[i];
  if (!Number.isSafeInteger(size) || size < 0 || (t !== EntryType.FILE && size !== 0))
    throw bad(`entry '${p}' has an impossible size (${size})`);
  if (t !== EntryType.FILE && c.refCount[i] !== 0) throw bad(`entry '${p}' is not a file but has chunks`);
}

function checkRefs(c: ManifestColumns, i: number, bad: Bad): void {
  const p = c.paths[i];
  const start = c.refStart[i];
  const count = c.refCount[i];
  const n = c.rawSizes.length;
  if (start + count > c.refs.length) throw bad(`entry '${p}' refers past the chunk list`);
  let sum = 0;
  for (let r = start; r < start + count; r++) {
    if (c.refs[r] >= n) throw bad(`entry '${p}' refers to chunk ${c.refs[r]} of ${n}`);
    sum += c.rawSizes[c.refs[r]];
  }
  if (c.types[i] === EntryType.FILE && sum !== c.sizes[i])
    throw bad(`file '${p}' has size ${c.sizes[i]} but its chunks hold ${sum} bytes`);
}

function checkLinks(c: ManifestColumns, bad: Bad): void {
  for (const [i, target] of c.links) {
    if (!Number.isInteger(i) || i < 0 || i >= c.paths.length || c.types[i] !== EntryType.SYMLINK)
      throw bad(`a symlink target names entry ${String(i)}, which is not a symlink`);
    if (
      typeof target !== 'string' ||
      target.length === 0 ||
      target.includes('\0') ||
      Buffer.byteLength(target) > MAX_LINK_TARGET_BYTES
    ) {
      throw bad(`symlink '${c.paths[i]}' has an impossible target`);
    }
  }
  for (let i = 0; i < c.paths.length; i++)
    if (c.types[i] === EntryType.SYMLINK && !c.links.has(i)) throw bad(`symlink '${c.paths[i]}' has no target`);
}

/**
 * An entry anywhere below a symlink (or a file) would be written through it: refuse the archive outright.
 * Each ancestor path is looked up once (`clear` remembers the ones already seen), so this is linear in the
 * number of distinct directories, however deep the tree.
 */
function checkAncestors(c: ManifestColumns, byPath: Map<string, number>, what: string): void {
  const clear = new Set<string>();
  for (const p of c.paths) {
    for (let parent = parentOf(p); parent !== '' && !clear.has(parent); parent = parentOf(parent)) {
      const pi = byPath.get(parent);
      if (pi !== undefined && c.types[pi] !== EntryType.DIR) {
        throw new WarpError(
          ErrorCodes.UNSAFE_PATH,
          `${what}: refusing entry '${p}': it lies under '${parent}', which is a ${c.types[pi] === EntryType.SYMLINK ? 'symbolic link' : 'file'} in the archive (a write there could land outside the target)`,
          { details: { path: p } },
        );
      }
      clear.add(parent);
    }
  }
}

/** Checks every column of a decoded manifest (see the header). */
export function validateManifest(chunking: ChunkerParams, c: ManifestColumns, bad: Bad, what: string): void {
  checkChunking(chunking, bad);
  checkChunks(chunking, c, bad);
  const e = c.paths.length;
  if (
    !Array.isArray(c.paths) ||
    [c.types.length, c.modes.length, c.mtimes.length, c.sizes.length, c.refStart.length, c.refCount.length].some(
      (l) => l !== e,
    ) ||
    c.hashes.length !== e * HASH_BYTES
  ) {
    throw bad('entry table lengths differ');
  }
  const byPath = new Map<string, number>();
  for (let i = 0; i < e; i++) {
    const p = c.paths[i];
    if (typeof p !== 'string') throw bad(`entry ${i} has no path`);
    assertSafePath(p, what);
    if (byPath.has(p)) throw bad(`duplicate entry '${p}'`);
    byPath.set(p, i);
    checkEntryValues(c, i, bad);
    checkRefs(c, i, bad);
  }
  checkLinks(c, bad);
  checkAncestors(c, byPath, what);
}
