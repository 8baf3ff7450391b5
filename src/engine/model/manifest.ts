/**
 * The manifest: one description of a tree, used as the archive's index and file table, the plan a sender
 * offers, and what a swarm download asks peers for. Columnar typed arrays keep 100k entries and millions of
 * chunks compact; chunk i and a path are O(1) after loading. Its BLAKE3 is the tree's content id.
 */
import { pack, unpack } from 'msgpackr';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { HASH_BYTES, blake3 } from '../codec/blake3.ts';
import type { ChunkerParams } from '../codec/fastcdc.ts';
import { merkleRoot } from '../codec/merkle.ts';
import { checkManifestShape } from './manifest-shape.ts';
import { validateManifest, type ManifestColumns } from './validate-manifest.ts';

export const EntryType = { FILE: 0, DIR: 1, SYMLINK: 2 } as const;
export type EntryType = (typeof EntryType)[keyof typeof EntryType];
export const ENTRY_TYPE_NAMES = ['file', 'dir', 'symlink'] as const;

export interface Entry {
  index: number;
  path: string;
  type: EntryType;
  mode: number;
  mtimeMs: number;
  size: number;
  /** Whole-file BLAKE3 (files only). */
  hash?: Uint8Array;
  linkTarget?: string;
  firstRef: number;
  refCount: number;
}

const MANIFEST_VERSION = 1;

type Columns = ManifestColumns;

export interface ManifestTransfer {
  chunking: ChunkerParams;
  columns: ManifestColumns;
  root: Uint8Array;
}

export class Manifest {
  readonly chunking: ChunkerParams;
  readonly merkleRoot: Buffer;
  readonly entryCount: number;
  readonly chunkCount: number;
  private readonly c: Columns;
  /** Offset of chunk i from the start of chunk data (prefix sums of stored sizes). */
  private readonly offsets: Float64Array;
  private byPath?: Map<string, number>;

  constructor(chunking: ChunkerParams, c: Columns, root?: Buffer) {
    this.chunking = chunking;
    this.c = c;
    this.entryCount = c.paths.length;
    this.chunkCount = c.rawSizes.length;
    this.offsets = new Float64Array(this.chunkCount + 1);
    for (let i = 0; i < this.chunkCount; i++) this.offsets[i + 1] = this.offsets[i] + c.storedSizes[i];
    this.merkleRoot = root ?? merkleRoot(this.chunkCount, (i) => this.chunkId(i));
  }

  chunkId(i: number): Uint8Array {
    return this.c.chunkIds.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
  }
  chunkRawSize(i: number): number {
    return this.c.rawSizes[i];
  }
  chunkStoredSize(i: number): number {
    return this.c.storedSizes[i];
  }
  chunkCodec(i: number): number {
    return this.c.codecs[i];
  }
  chunkOffset(i: number): number {
    return this.offsets[i];
  }
  get storedDataBytes(): number {
    return this.offsets[this.chunkCount];
  }

  entry(i: number): Entry {
    const c = this.c;
    const type = c.types[i] as EntryType;
    return {
      index: i,
      path: c.paths[i],
      type,
      mode: c.modes[i],
      mtimeMs: c.mtimes[i],
      size: c.sizes[i],
      hash: type === EntryType.FILE ? c.hashes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES) : undefined,
      linkTarget: c.links.get(i),
      firstRef: c.refStart[i],
      refCount: c.refCount[i],
    };
  }

  *entries(): Generator<Entry> {
    for (let i = 0; i < this.entryCount; i++) yield this.entry(i);
  }

  /** Chunk indices of entry i, in file order. */
  refsOf(i: number): Uint32Array {
    return this.c.refs.subarray(this.c.refStart[i], this.c.refStart[i] + this.c.refCount[i]);
  }

  indexOfPath(path: string): number {
    if (!this.byPath) {
      this.byPath = new Map();
      this.c.paths.forEach((p, i) => this.byPath!.set(p, i));
    }
    return this.byPath.get(path) ?? -1;
  }

  /** Sum of file sizes (what extraction writes). */
  get totalFileBytes(): number {
    let s = 0;
    for (let i = 0; i < this.entryCount; i++) if (this.c.types[i] === EntryType.FILE) s += this.c.sizes[i];
    return s;
  }

  get uniqueRawBytes(): number {
    let s = 0;
    for (let i = 0; i < this.chunkCount; i++) s += this.c.rawSizes[i];
    return s;
  }

  /**
   * msgpack bytes. `elideChunkHashes` (archives of format 2): a file of exactly one chunk gets an all-zero
   * whole-file hash, since its hash is its chunk id; restoreChunkHashes() puts it back. The ids are random, so
   * the copies cost ~32 bytes per small file in a compressed manifest (2.5 MB for the Linux tree).
   */
  encode(opts: { elideChunkHashes?: boolean } = {}): Buffer {
    const c = this.c;
    const u8 = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    let hashes = c.hashes;
    if (opts.elideChunkHashes) {
      hashes = c.hashes.slice();
      for (let i = 0; i < this.entryCount; i++)
        if (c.types[i] === EntryType.FILE && c.refCount[i] === 1) hashes.fill(0, i * HASH_BYTES, (i + 1) * HASH_BYTES);
    }
    return pack({
      v: MANIFEST_VERSION,
      chunking: [this.chunking.minSize, this.chunking.avgSize, this.chunking.maxSize],
      root: this.merkleRoot,
      chunks: { ids: c.chunkIds, raw: u8(c.rawSizes), stored: u8(c.storedSizes), codec: c.codecs },
      entries: {
        paths: c.paths,
        types: c.types,
        modes: u8(c.modes),
        mtimes: u8(c.mtimes),
        sizes: u8(c.sizes),
        hashes,
        refStart: u8(c.refStart),
        refCount: u8(c.refCount),
        links: [...c.links.entries()],
      },
      refs: u8(c.refs),
    });
  }

  /** Undoes encode({ elideChunkHashes }): an all-zero hash of a one-chunk file becomes its chunk id. */
  restoreChunkHashes(): void {
    const c = this.c;
    for (let i = 0; i < this.entryCount; i++) {
      if (c.types[i] !== EntryType.FILE || c.refCount[i] !== 1) continue;
      const at = i * HASH_BYTES;
      let zero = true;
      for (let k = 0; k < HASH_BYTES && zero; k++) zero = c.hashes[at + k] === 0;
      if (zero) c.hashes.set(this.chunkId(c.refs[c.refStart[i]]), at);
    }
  }

  /** The manifest as plain data, for handing one decoded in a worker back across a structured clone. */
  toTransfer(): ManifestTransfer {
    return { chunking: this.chunking, columns: this.c, root: this.merkleRoot };
  }

  /** Rebuilds a manifest that loadStoredManifest validated in our own worker (not for untrusted data). */
  static fromTransfer(t: ManifestTransfer): Manifest {
    return new Manifest(t.chunking, t.columns, Buffer.from(t.root.buffer, t.root.byteOffset, t.root.byteLength));
  }

  /** The tree's content id. */
  contentId(): Buffer {
    return blake3(this.encode());
  }

  /**
   * Decodes and validates untrusted bytes; every inconsistency is a MANIFEST_CORRUPT error (UNSAFE_PATH for
   * paths). The shape is checked on the bytes first, so no crafted input decodes to more than a small multiple
   * of its size; the values are then checked as a whole (validate-manifest.ts).
   */
  static decode(bytes: Uint8Array, what: string): Manifest {
    const bad = (why: string): WarpError =>
      new WarpError(ErrorCodes.MANIFEST_CORRUPT, `${what}: the manifest is damaged (${why})`);
    checkManifestShape(bytes, bad);
    let o: Record<string, unknown>;
    try {
      o = unpack(bytes) as Record<string, unknown>;
    } catch (e) {
      throw bad(`undecodable: ${(e as Error).message}`);
    }
    if (typeof o !== 'object' || o === null || o.v !== MANIFEST_VERSION)
      throw bad(`unknown manifest version ${String((o as { v?: unknown })?.v)}`);
    try {
      const ch = o.chunks as Record<string, Uint8Array>;
      const en = o.entries as Record<string, unknown>;
      const typed = <T>(b: unknown, C: { new (buf: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, name: string): T => {
        if (!(b instanceof Uint8Array) || b.byteLength % C.BYTES_PER_ELEMENT !== 0) throw bad(`field ${name}`);
        return new C(new Uint8Array(b).buffer); // a copy: aligned, and not a view into a pooled Buffer
      };
      const bytesOf = (b: unknown, name: string): Uint8Array => {
        if (!(b instanceof Uint8Array)) throw bad(`field ${name}`);
        return b;
      };
      const [min, avg, max] = o.chunking as number[];
      const cols: Columns = {
        chunkIds: bytesOf(ch.ids, 'chunks.ids'),
        rawSizes: typed(ch.raw, Uint32Array, 'chunks.raw'),
        storedSizes: typed(ch.stored, Uint32Array, 'chunks.stored'),
        codecs: bytesOf(ch.codec, 'chunks.codec'),
        paths: en.paths as string[],
        types: bytesOf(en.types, 'entries.types'),
        modes: typed(en.modes, Uint32Array, 'modes'),
        mtimes: typed(en.mtimes, Float64Array, 'mtimes'),
        sizes: typed(en.sizes, Float64Array, 'sizes'),
        hashes: bytesOf(en.hashes, 'hashes'),
        refStart: typed(en.refStart, Uint32Array, 'refStart'),
        refCount: typed(en.refCount, Uint32Array, 'refCount'),
        links: new Map(en.links as Array<[number, string]>),
        refs: typed(o.refs, Uint32Array, 'refs'),
      };
      const root = Buffer.from(bytesOf(o.root, 'root'));
      const chunking = { minSize: min, avgSize: avg, maxSize: max };
      // Before the constructor, which sums sizes and hashes ids: it meets only validated values.
      validateManifest(chunking, cols, bad, what);
      const m = new Manifest(chunking, cols);
      if (!m.merkleRoot.equals(root)) throw bad('the Merkle root does not match the chunk list');
      return m;
    } catch (e) {
      if (e instanceof WarpError) throw e;
      throw bad((e as Error).message);
    }
  }
}

/** Accumulates a manifest while a tree is read. Chunk stored sizes and codecs are filled in as they land. */
export class ManifestBuilder {
  private ids: Uint8Array = new Uint8Array(1024 * HASH_BYTES);
  private raw = new Uint32Array(1024);
  private stored = new Uint32Array(1024);
  private codecs = new Uint8Array(1024);
  private refs = new Uint32Array(4096);
  private refLen = 0;
  chunkCount = 0;
  private readonly paths: string[] = [];
  private readonly types: number[] = [];
  private readonly modes: number[] = [];
  private readonly mtimes: number[] = [];
  private readonly sizes: number[] = [];
  private readonly refStart: number[] = [];
  private readonly refCount: number[] = [];
  private hashes: Uint8Array = new Uint8Array(1024 * HASH_BYTES);
  private readonly links = new Map<number, string>();
  private readonly chunking: ChunkerParams;

  constructor(chunking: ChunkerParams) {
    this.chunking = chunking;
  }

  addChunk(id: Uint8Array, rawSize: number): number {
    const i = this.chunkCount++;
    if (i >= this.raw.length) {
      const grow = <T extends Uint8Array | Uint32Array>(a: T, n: number): T => {
        const b = new (a.constructor as { new (n: number): T })(n);
        b.set(a);
        return b;
      };
      this.raw = grow(this.raw, this.raw.length * 2);
      this.stored = grow(this.stored, this.raw.length);
      this.codecs = grow(this.codecs, this.raw.length);
      this.ids = grow(this.ids, this.raw.length * HASH_BYTES);
    }
    this.ids.set(id, i * HASH_BYTES);
    this.raw[i] = rawSize;
    return i;
  }

  /** Whether chunk i's id is `id` (dedup lookups by a short key check the full id here). */
  chunkIdEquals(i: number, id: Uint8Array): boolean {
    const at = i * HASH_BYTES;
    for (let k = 0; k < HASH_BYTES; k++) if (this.ids[at + k] !== id[k]) return false;
    return true;
  }

  setStored(i: number, storedSize: number, codec: number): void {
    this.stored[i] = storedSize;
    this.codecs[i] = codec;
  }

  /** Starts an entry; for files, call addRef for each chunk and then finishFile. Returns the entry index. */
  addEntry(path: string, type: EntryType, mode: number, mtimeMs: number, size: number, linkTarget?: string): number {
    const i = this.paths.length;
    this.paths.push(path);
    this.types.push(type);
    this.modes.push(mode);
    this.mtimes.push(mtimeMs);
    this.sizes.push(size);
    this.refStart.push(this.refLen);
    this.refCount.push(0);
    if (linkTarget !== undefined) this.links.set(i, linkTarget);
    if ((i + 1) * HASH_BYTES > this.hashes.length) {
      const h = new Uint8Array(this.hashes.length * 2);
      h.set(this.hashes);
      this.hashes = h;
    }
    return i;
  }

  addRef(entry: number, chunk: number): void {
    if (this.refLen === this.refs.length) {
      const r = new Uint32Array(this.refs.length * 2);
      r.set(this.refs);
      this.refs = r;
    }
    this.refs[this.refLen++] = chunk;
    this.refCount[entry]++;
  }

  finishFile(entry: number, size: number, hash: Uint8Array): void {
    this.sizes[entry] = size;
    this.hashes.set(hash, entry * HASH_BYTES);
  }

  build(): Manifest {
    const n = this.chunkCount;
    const e = this.paths.length;
    return new Manifest(this.chunking, {
      paths: this.paths,
      types: Uint8Array.from(this.types),
      modes: Uint32Array.from(this.modes),
      mtimes: Float64Array.from(this.mtimes),
      sizes: Float64Array.from(this.sizes),
      hashes: this.hashes.slice(0, e * HASH_BYTES),
      refStart: Uint32Array.from(this.refStart),
      refCount: Uint32Array.from(this.refCount),
      links: this.links,
      refs: this.refs.slice(0, this.refLen),
      chunkIds: this.ids.slice(0, n * HASH_BYTES),
      rawSizes: this.raw.slice(0, n),
      storedSizes: this.stored.slice(0, n),
      codecs: this.codecs.slice(0, n),
    });
  }
}
