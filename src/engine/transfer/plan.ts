/**
 * What a receiver already has of a manifest, without writing anything: files already complete at the
 * destination, chunks held by its files (destination or anywhere the index knows) or by the chunk store.
 * Index hits are hints here (the real transfer verifies every local chunk by hash before using it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { EntryType, type Manifest } from '../model/manifest.ts';
import { HASH_BYTES } from '../codec/blake3.ts';
import { ChunkIdSet } from '../model/chunk-id.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import { chunkFile } from '../store/chunk-file.ts';
import type { FileIndex } from '../store/file-index.ts';

export interface PlanResult {
  files: number;
  bytes: number;
  chunks: number;
  uniqueBytes: number;
  unchangedFiles: number;
  haveChunks: number;
  haveBytes: number;
  needChunks: number;
  needBytes: number;
}

export function planReceive(m: Manifest, target: string, index?: FileIndex, store?: ChunkStore): PlanResult {
  const have = new ChunkIdSet();
  let files = 0;
  let unchangedFiles = 0;
  for (const e of m.entries()) {
    if (e.type !== EntryType.FILE) continue;
    files++;
    const abs = path.join(target, ...e.path.split('/'));
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(abs);
    } catch {
      st = undefined;
    }
    if (!st?.isFile()) continue;
    try {
      const r = chunkFile(abs, m.chunking, index);
      if (Buffer.from(r.hash).equals(Buffer.from(e.hash!))) unchangedFiles++;
      for (let k = 0; k < r.lens.length; k++) have.add(r.ids, k * HASH_BYTES);
    } catch {
      /* unreadable: counts as missing */
    }
  }
  let haveChunks = 0;
  let haveBytes = 0;
  for (let c = 0; c < m.chunkCount; c++) {
    const id = m.chunkId(c);
    if (have.has(id) || (index && index.locate(id).length > 0) || store?.has(id)) {
      haveChunks++;
      haveBytes += m.chunkRawSize(c);
    }
  }
  const uniqueBytes = m.uniqueRawBytes;
  return {
    files,
    bytes: m.totalFileBytes,
    chunks: m.chunkCount,
    uniqueBytes,
    unchangedFiles,
    haveChunks,
    haveBytes,
    needChunks: m.chunkCount - haveChunks,
    needBytes: uniqueBytes - haveBytes,
  };
}
