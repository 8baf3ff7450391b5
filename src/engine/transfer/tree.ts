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

export interface LocalTree {
  manifest: Manifest;
  /** Where chunk `id` lies in this tree, or undefined. */
  locate(id: Uint8Array): ChunkPlace | undefined;
  /** Files whose chunk lists came from the index (not read). */
  cachedFiles: number;
}

/** `ignore`: the rules that leave paths out (default: the `.warpignore` files in the tree). */
export function buildTree(
  abs: string,
  params: ChunkerParams,
  index?: FileIndex,
  onWarning?: (path: string, message: string) => void,
  ignore?: IgnoreRules,
): LocalTree {
  const scan = scanInputs([abs], undefined, ignore);
  for (const s of scan.skipped) onWarning?.(s.path, `skipped: ${s.reason}`);
  const asm = new TreeAssembler(scan, params);
  asm.advance((file) => chunkFile(file.abs, params, index, file.st));
  return asm.finish();
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
  const scan = scanInputs([abs], undefined, ignore);
  for (const s of scan.skipped) onWarning?.(s.path, `skipped: ${s.reason}`);
  const fileIdx: number[] = [];
  for (let i = 0; i < scan.count; i++) if (scan.type(i) === EntryType.FILE) fileIdx.push(i);
  const files: ScanFiles = {
    count: fileIdx.length,
    abs: (k) => scan.abs(fileIdx[k]),
    identity: (k) => fileOf(scan, fileIdx[k]).st,
  };
  const asm = new TreeAssembler(scan, params);
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
  return asm.finish();
}

/** This thread's share of a scan is cut into slices of this many files or bytes, with a yield between them. */
const SLICE_FILES = 256;
const SLICE_BYTES = 4 * 1024 * 1024;

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

/** The manifest and chunk places of a walked tree, built entry by entry in walk order. */
class TreeAssembler {
  private readonly scan: ScanResult;
  private readonly b: ManifestBuilder;
  private readonly seen = new ChunkIdMap<number>();
  private readonly files: string[] = [];
  private readonly placeFile: number[] = [];
  private readonly placeOffset: number[] = [];
  private cachedFiles = 0;
  /** The next walk entry to add, and how many files came before it. */
  private i = 0;
  private k = 0;

  constructor(scan: ScanResult, params: ChunkerParams) {
    this.scan = scan;
    this.b = new ManifestBuilder(params);
  }

  /** Adds entries in walk order until a file whose chunk list `chunksOf` does not have yet (or the end). */
  advance(chunksOf: (file: { abs: string; st: FileIdentity }, k: number) => ChunkFileResult | undefined): void {
    const { scan, b } = this;
    for (; this.i < scan.count; this.i++) {
      const i = this.i;
      const type = scan.type(i);
      if (type !== EntryType.FILE) {
        b.addEntry(scan.rel(i), type, scan.mode(i), scan.mtimeMs(i), 0, scan.linkTarget(i));
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
    const b = this.b;
    if (c.cached) this.cachedFiles++;
    const e = b.addEntry(this.scan.rel(i), EntryType.FILE, this.scan.mode(i), c.mtimeMs, c.size);
    const slot = this.files.push(abs) - 1;
    let off = 0;
    for (let k = 0; k < c.lens.length; k++) {
      const id = c.ids.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES);
      let ci = this.seen.get(id);
      if (ci === undefined) {
        ci = b.addChunk(id, c.lens[k]);
        b.setStored(ci, c.lens[k], Codec.RAW);
        this.seen.set(id, ci);
        this.placeFile[ci] = slot;
        this.placeOffset[ci] = off;
      }
      b.addRef(e, ci);
      off += c.lens[k];
    }
    b.finishFile(e, c.size, c.hash);
  }

  finish(): LocalTree {
    const manifest = this.b.build();
    const { seen, files, placeFile, placeOffset, cachedFiles } = this;
    return {
      manifest,
      cachedFiles,
      locate(id) {
        const ci = seen.get(id);
        if (ci === undefined) return undefined;
        return { abs: files[placeFile[ci]], offset: placeOffset[ci], length: manifest.chunkRawSize(ci) };
      },
    };
  }
}
