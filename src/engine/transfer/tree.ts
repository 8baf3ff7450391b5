/**
 * A local tree offered to peers: its manifest (the archive's manifest type; chunks are stored raw, the wire
 * decides compression per chunk) and where each chunk lies, so chunks can be served by id. Unchanged files
 * come from the file index without being read.
 */
import type { Manifest } from '../model/manifest.ts';
import { EntryType, ManifestBuilder } from '../model/manifest.ts';
import { scanInputs, type ScanResult } from '../archive/walk.ts';
import { HASH_BYTES } from '../codec/blake3.ts';
import { Codec } from '../codec/compress.ts';
import type { ChunkerParams } from '../codec/fastcdc.ts';
import type { IgnoreRules } from '../ignore/matcher.ts';
import type { FileIndex } from '../store/file-index.ts';
import { chunkFile, type ChunkFileResult, type FileIdentity } from '../store/chunk-file.ts';
import { chunkFilesParallel, type ParallelScanOptions, type ScanFiles } from '../store/chunk-files-parallel.ts';
import { ChunkIdMap } from '../model/chunk-id.ts';

export interface ChunkPlace {
  abs: string;
  offset: number;
  length: number;
}

/** What a chunk server needs of a tree: where each chunk lies (a paged scan's grows while it runs). */
export interface ServedTree {
  /** Where chunk `id` lies in this tree, or undefined. */
  locate(id: Uint8Array): ChunkPlace | undefined;
  /** Files whose chunk lists came from the index (not read). */
  readonly cachedFiles: number;
}

export interface LocalTree extends ServedTree {
  manifest: Manifest;
}

/** `ignore`: the rules that leave paths out (default: the `.warpignore` files in the tree). */
export function buildTree(
  abs: string,
  params: ChunkerParams,
  index?: FileIndex,
  onWarning?: (path: string, message: string) => void,
  ignore?: IgnoreRules,
): LocalTree {
  const scan = walk(abs, ignore, onWarning);
  const sink = new WholeManifest(params);
  const asm = new TreeAssembler(scan, sink);
  asm.advance((file) => chunkFile(file.abs, params, index, file.st));
  return sink.finish(asm);
}

/**
 * buildTree with the files chunked on both cores (store/chunk-files-parallel.ts): the same tree, byte for byte,
 * in less wall time when the files must be read (a first send, a changed tree). Chunk lists are added to the
 * manifest as soon as every file before them has one, so only the batches in flight are held, not the tree.
 */
export async function buildTreeParallel(
  abs: string,
  params: ChunkerParams,
  index?: FileIndex,
  onWarning?: (path: string, message: string) => void,
  ignore?: IgnoreRules,
  o?: ParallelScanOptions,
): Promise<LocalTree> {
  const scan = walk(abs, ignore, onWarning);
  const sink = new WholeManifest(params);
  const asm = new TreeAssembler(scan, sink);
  await chunkAll(scan, asm, params, index, o);
  return sink.finish(asm);
}

/** The pages of a tree scanned for a paged push (transfer/paged-push.ts). */
export interface TreePages {
  /** A page of files in walk order: a manifest of its own (chunks deduplicated within the page). */
  onPage(m: Manifest): void;
  /** Files in the first page; each next page may hold twice as many, up to `maxFiles` (or `maxBytes` of file data). */
  firstFiles?: number;
  maxFiles?: number;
  maxBytes?: number;
}

/**
 * A tree scanned (on both cores, as buildTreeParallel) into pages of files handed to `pages.onPage` as soon as
 * each is complete, so a receiver can pull the first files while the rest are still being read. Returns at once:
 * `tree` locates every chunk of the pages handed out so far (a chunk server serves from it meanwhile), `done`
 * resolves, once the scan is over, to the last part: the directories and symlinks (created last on the
 * receiving side, after every file). The sender never holds the whole manifest, only the chunk places.
 */
export function scanTreePaged(
  abs: string,
  params: ChunkerParams,
  pages: TreePages,
  index?: FileIndex,
  onWarning?: (path: string, message: string) => void,
  ignore?: IgnoreRules,
  o?: ParallelScanOptions,
): { tree: ServedTree; done: Promise<Manifest> } {
  const scan = walk(abs, ignore, onWarning);
  const sink = new PagedManifest(params, pages);
  const asm = new TreeAssembler(scan, sink);
  const tree: ServedTree = {
    locate: (id) => asm.places.locate(id),
    get cachedFiles() {
      return asm.cachedFiles;
    },
  };
  return { tree, done: chunkAll(scan, asm, params, index, o).then(() => sink.finish()) };
}

function walk(abs: string, ignore?: IgnoreRules, onWarning?: (path: string, message: string) => void): ScanResult {
  const scan = scanInputs([abs], undefined, ignore);
  for (const s of scan.skipped) onWarning?.(s.path, `skipped: ${s.reason}`);
  return scan;
}

/** Chunks every file of the walk on both cores and feeds the assembler in walk order. */
async function chunkAll(
  scan: ScanResult,
  asm: TreeAssembler,
  params: ChunkerParams,
  index: FileIndex | undefined,
  o?: ParallelScanOptions,
): Promise<void> {
  const fileIdx: number[] = [];
  for (let i = 0; i < scan.count; i++) if (scan.type(i) === EntryType.FILE) fileIdx.push(i);
  const files: ScanFiles = {
    count: fileIdx.length,
    abs: (k) => scan.abs(fileIdx[k]),
    identity: (k) => fileOf(scan, fileIdx[k]).st,
  };
  const ready = new Map<number, ChunkFileResult>();
  const take = (k: number): ChunkFileResult | undefined => {
    const r = ready.get(k);
    ready.delete(k);
    return r;
  };
  await chunkFilesParallel(files, params, index, o, (k, r) => {
    ready.set(k, r);
    asm.advance((_f, fk) => take(fk));
  });
  // Whatever is left (a worker that failed, a file that could not be read) is chunked here, errors and all.
  await chunkRestHere(asm, take, params, index);
}

/**
 * This thread's share of a scan is cut into slices of this many files or bytes, with a yield between them: a
 * sender whose receiver pulls the first pages while the rest is scanned answers its chunk requests between
 * slices, so a slice is the latency those requests see (256 files / 4 MiB took ~0.5 s under load).
 */
const SLICE_FILES = 64;
const SLICE_BYTES = 1024 * 1024;

/**
 * The files no worker chunked, chunked here in slices with a yield to the event loop between them: a listener
 * scanning a large tree (Linux: 1.3 GB, 78k files) keeps answering its peers meanwhile instead of letting its
 * QUIC connections idle out.
 */
async function chunkRestHere(
  asm: TreeAssembler,
  take: (k: number) => ChunkFileResult | undefined,
  params: ChunkerParams,
  index: FileIndex | undefined,
): Promise<void> {
  for (;;) {
    let files = 0;
    let bytes = 0;
    let paused = false;
    asm.advance((f, fk) => {
      const ready = take(fk);
      if (ready) return ready;
      if (files >= SLICE_FILES || bytes >= SLICE_BYTES) {
        paused = true;
        return undefined;
      }
      files++;
      bytes += f.st.size;
      return chunkFile(f.abs, params, index, f.st);
    });
    if (!paused) return;
    await new Promise((r) => setImmediate(r));
  }
}

/** A file of the walk with its lstat as identity (a regular file, not followed): no second stat per file. */
function fileOf(scan: ScanResult, i: number): { abs: string; st: FileIdentity } {
  return {
    abs: scan.abs(i),
    st: { isFile: () => true, size: scan.size(i), mtimeMs: scan.mtimeMs(i), ino: scan.ino(i) },
  };
}

/**
 * Where each distinct chunk of a tree first lies, by id (what a chunk server reads). Place numbers are given in
 * order of first sight, so a whole manifest built alongside has chunk i at place i.
 */
class ChunkPlaces {
  private readonly byId = new ChunkIdMap<number>();
  private readonly files: string[] = [];
  private readonly file: number[] = [];
  private readonly offset: number[] = [];
  private readonly length: number[] = [];

  /** A file chunks may lie in; returns its slot. */
  addFile(abs: string): number {
    return this.files.push(abs) - 1;
  }

  /** The place of chunk `id`; a new one at (slot, offset) if it was not seen before (then `isNew`). */
  add(id: Uint8Array, slot: number, offset: number, length: number): { place: number; isNew: boolean } {
    const known = this.byId.get(id);
    if (known !== undefined) return { place: known, isNew: false };
    const place = this.file.push(slot) - 1;
    this.offset.push(offset);
    this.length.push(length);
    this.byId.set(id, place);
    return { place, isNew: true };
  }

  locate(id: Uint8Array): ChunkPlace | undefined {
    const p = this.byId.get(id);
    if (p === undefined) return undefined;
    return { abs: this.files[this.file[p]], offset: this.offset[p], length: this.length[p] };
  }
}

/** Where the assembler's entries go: one whole manifest, or pages (files) and a last part (the rest). */
interface ManifestSink {
  other(rel: string, type: EntryType, mode: number, mtimeMs: number, linkTarget?: string): void;
  file(rel: string, mode: number, c: ChunkFileResult, places: readonly { place: number; isNew: boolean }[]): void;
}

/** Adds file `c`'s chunks and whole-file hash to builder `b` as entry `rel`; `chunkOf(k)` gives chunk k's index in b. */
function addFileTo(
  b: ManifestBuilder,
  rel: string,
  mode: number,
  c: ChunkFileResult,
  chunkOf: (k: number, id: Uint8Array) => number,
): void {
  const e = b.addEntry(rel, EntryType.FILE, mode, c.mtimeMs, c.size);
  for (let k = 0; k < c.lens.length; k++) b.addRef(e, chunkOf(k, c.ids.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES)));
  b.finishFile(e, c.size, c.hash);
}

function addChunkTo(b: ManifestBuilder, id: Uint8Array, len: number): number {
  const ci = b.addChunk(id, len);
  b.setStored(ci, len, Codec.RAW);
  return ci;
}

/** The whole tree as one manifest, in walk order (chunk i is place i). */
class WholeManifest implements ManifestSink {
  private readonly b: ManifestBuilder;

  constructor(params: ChunkerParams) {
    this.b = new ManifestBuilder(params);
  }

  other(rel: string, type: EntryType, mode: number, mtimeMs: number, linkTarget?: string): void {
    this.b.addEntry(rel, type, mode, mtimeMs, 0, linkTarget);
  }

  file(rel: string, mode: number, c: ChunkFileResult, places: readonly { place: number; isNew: boolean }[]): void {
    addFileTo(this.b, rel, mode, c, (k, id) => (places[k].isNew ? addChunkTo(this.b, id, c.lens[k]) : places[k].place));
  }

  finish(asm: TreeAssembler): LocalTree {
    const manifest = this.b.build();
    const places = asm.places;
    return { manifest, cachedFiles: asm.cachedFiles, locate: (id) => places.locate(id) };
  }
}

const PAGE_FIRST_FILES = 64;
const PAGE_MAX_FILES = 4096;
const PAGE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Files in pages (each a manifest whose chunks are deduplicated within it), directories and symlinks in the last
 * part. Pages start small, so the receiver starts early, and grow, so a large tree is not cut into thousands.
 */
class PagedManifest implements ManifestSink {
  private readonly params: ChunkerParams;
  private readonly pages: TreePages;
  private readonly rest: ManifestBuilder;
  private page: ManifestBuilder;
  /** Place -> chunk index within the current page. */
  private inPage = new Map<number, number>();
  private files = 0;
  private bytes = 0;
  private limit: number;

  constructor(params: ChunkerParams, pages: TreePages) {
    this.params = params;
    this.pages = pages;
    this.rest = new ManifestBuilder(params);
    this.page = new ManifestBuilder(params);
    this.limit = pages.firstFiles ?? PAGE_FIRST_FILES;
  }

  other(rel: string, type: EntryType, mode: number, mtimeMs: number, linkTarget?: string): void {
    this.rest.addEntry(rel, type, mode, mtimeMs, 0, linkTarget);
  }

  file(rel: string, mode: number, c: ChunkFileResult, places: readonly { place: number; isNew: boolean }[]): void {
    addFileTo(this.page, rel, mode, c, (k, id) => {
      const p = places[k].place;
      let ci = this.inPage.get(p);
      if (ci === undefined) this.inPage.set(p, (ci = addChunkTo(this.page, id, c.lens[k])));
      return ci;
    });
    this.files++;
    this.bytes += c.size;
    if (this.files >= this.limit || this.bytes >= (this.pages.maxBytes ?? PAGE_MAX_BYTES)) this.cut();
  }

  private cut(): void {
    if (this.files === 0) return;
    const m = this.page.build();
    this.page = new ManifestBuilder(this.params);
    this.inPage = new Map();
    this.files = 0;
    this.bytes = 0;
    this.limit = Math.min(this.limit * 2, this.pages.maxFiles ?? PAGE_MAX_FILES);
    this.pages.onPage(m);
  }

  /** The last page of files goes out; returns the last part (directories and symlinks). */
  finish(): Manifest {
    this.cut();
    return this.rest.build();
  }
}

/** Walk entries in walk order into a sink, with every file's chunks recorded in the chunk places. */
class TreeAssembler {
  private readonly scan: ScanResult;
  private readonly sink: ManifestSink;
  readonly places = new ChunkPlaces();
  cachedFiles = 0;
  /** The next walk entry to add, and how many files came before it. */
  private i = 0;
  private k = 0;

  constructor(scan: ScanResult, sink: ManifestSink) {
    this.scan = scan;
    this.sink = sink;
  }

  /** Adds entries in walk order until a file whose chunk list `chunksOf` does not have yet (or the end). */
  advance(chunksOf: (file: { abs: string; st: FileIdentity }, k: number) => ChunkFileResult | undefined): void {
    const { scan, sink } = this;
    for (; this.i < scan.count; this.i++) {
      const i = this.i;
      const type = scan.type(i);
      if (type !== EntryType.FILE) {
        sink.other(scan.rel(i), type, scan.mode(i), scan.mtimeMs(i), scan.linkTarget(i));
        continue;
      }
      const file = fileOf(scan, i);
      const c = chunksOf(file, this.k);
      if (!c) return;
      this.k++;
      this.addFile(i, file.abs, c);
    }
  }

  private addFile(i: number, abs: string, c: ChunkFileResult): void {
    if (c.cached) this.cachedFiles++;
    const slot = this.places.addFile(abs);
    const places: Array<{ place: number; isNew: boolean }> = [];
    let off = 0;
    for (let k = 0; k < c.lens.length; k++) {
      places.push(this.places.add(c.ids.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES), slot, off, c.lens[k]));
      off += c.lens[k];
    }
    this.sink.file(this.scan.rel(i), this.scan.mode(i), c, places);
  }
}
