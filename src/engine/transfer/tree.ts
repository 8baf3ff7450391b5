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
import { chunkFile, type ChunkFileResult } from '../store/chunk-file.ts';
import { chunkFilesParallel, type ParallelScanOptions, type ScanFile } from '../store/chunk-files-parallel.ts';
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
  return assembleTree(scan, params, (i, file) => chunkFile(file.abs, params, index, file.st));
}

/**
 * buildTree with the files chunked on both cores (store/chunk-files-parallel.ts): the same tree, byte for byte,
 * in less wall time when the files must be read (a first send, a changed tree).
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
  const done = await chunkFilesParallel(
    fileIdx.map((i) => fileOf(scan, i)),
    params,
    index,
    o,
  );
  let k = 0;
  // In walk order, so the k-th file asked for is the k-th result; whatever is missing is chunked here.
  return assembleTree(scan, params, (_i, file) => done.get(k++) ?? chunkFile(file.abs, params, index, file.st));
}

/** A file of the walk with its lstat as identity (a regular file, not followed): no second stat per file. */
function fileOf(scan: ScanResult, i: number): ScanFile {
  return {
    abs: scan.abs(i),
    st: { isFile: () => true, size: scan.size(i), mtimeMs: scan.mtimeMs(i), ino: scan.ino(i) },
  };
}

/** The manifest and chunk places of a walked tree, given each file's chunk list (called in walk order). */
function assembleTree(
  scan: ScanResult,
  params: ChunkerParams,
  chunksOf: (i: number, file: ScanFile) => ChunkFileResult,
): LocalTree {
  const b = new ManifestBuilder(params);
  const seen = new ChunkIdMap<number>();
  const files: string[] = [];
  const placeFile: number[] = [];
  const placeOffset: number[] = [];
  let cachedFiles = 0;
  for (let i = 0; i < scan.count; i++) {
    const type = scan.type(i);
    if (type !== EntryType.FILE) {
      b.addEntry(scan.rel(i), type, scan.mode(i), scan.mtimeMs(i), 0, scan.linkTarget(i));
      continue;
    }
    const file = fileOf(scan, i);
    const c = chunksOf(i, file);
    if (c.cached) cachedFiles++;
    const e = b.addEntry(scan.rel(i), EntryType.FILE, scan.mode(i), c.mtimeMs, c.size);
    const slot = files.push(file.abs) - 1;
    let off = 0;
    for (let k = 0; k < c.lens.length; k++) {
      const id = c.ids.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES);
      let ci = seen.get(id);
      if (ci === undefined) {
        ci = b.addChunk(id, c.lens[k]);
        b.setStored(ci, c.lens[k], Codec.RAW);
        seen.set(id, ci);
        placeFile[ci] = slot;
        placeOffset[ci] = off;
      }
      b.addRef(e, ci);
      off += c.lens[k];
    }
    b.finishFile(e, c.size, c.hash);
  }
  const manifest = b.build();
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
