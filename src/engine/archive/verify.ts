/**
 * `archive verify`: every chunk's hash (each decoded once, in storage order), the Merkle root, and every
 * file's whole-file hash; a report names each bad chunk and the files it affects.
 */
import { ProgressTracker } from '../core/progress.ts';
import { Blake3Stream, blake3 } from '../codec/blake3.ts';
import { createChunkPool, type ChunkPool } from '../codec/chunk-pool.ts';
import { merkleRoot } from '../codec/merkle.ts';
import type { ArchiveEventListener } from './events.ts';
import type { KeySource } from './keys.ts';
import { EntryType } from './manifest.ts';
import { checkAllChunks, streamFiles } from './read-pipeline.ts';
import { ArchiveReader } from './reader.ts';

export interface VerifyReport {
  ok: boolean;
  chunks: number;
  files: number;
  bytes: number;
  merkleRootOk: boolean;
  badChunks: Array<{ chunk: number; id: string; reason: string; files: string[] }>;
  badFiles: Array<{ path: string; reason: string }>;
  elapsedSeconds: number;
}

export interface VerifyOptions {
  archive: string;
  key?: KeySource;
  workers?: number;
  pool?: ChunkPool;
  signal?: AbortSignal;
  onEvent?: ArchiveEventListener;
  /** See OpenOptions (reader.ts). */
  manifestInWorker?: boolean;
}

/** Opening errors (header, trailer, manifest, key) are thrown; damage inside the data is reported. */
export async function verifyArchive(opts: VerifyOptions): Promise<VerifyReport> {
  const emit = opts.onEvent ?? (() => {});
  const reader = await ArchiveReader.open(opts.archive, opts.key, { manifestInWorker: opts.manifestInWorker });
  const pool = opts.pool ?? createChunkPool(opts.workers);
  try {
    const m = reader.manifest;
    const files = Array.from({ length: m.entryCount }, (_, i) => i).filter((i) => m.entry(i).type === EntryType.FILE);
    const fileBytes = files.reduce((s, i) => s + m.entry(i).size, 0);
    // Two passes read the data (every stored chunk, then multi-chunk files whole), but the user sees one
    // quantity: the content's bytes. Each pass's bytes count in proportion, so the bar ends at the content size.
    const work = m.uniqueRawBytes + fileBytes;
    const scale = work > 0 ? fileBytes / work : 0;
    const progress = new ProgressTracker(fileBytes, files.length, (s) => emit({ type: 'archive.progress', op: 'verify', ...s, bytes: Math.round(s.bytes) }));
    const advance = (n: number, files = 0) => progress.add(n * scale, files);
    emit({ type: 'archive.start', op: 'verify', archive: opts.archive, totalBytes: fileBytes, totalFiles: files.length });

    const merkleRootOk = merkleRoot(m.chunkCount, (i) => m.chunkId(i)).equals(m.merkleRoot);
    const bad = await checkAllChunks(reader, pool, (n) => advance(n), opts.signal);
    const badSet = new Set(bad.map((b) => b.chunk));

    // Whole-file hashes, skipping files already known to use a bad chunk.
    const filesOf = new Map<number, string[]>();
    const badFiles: VerifyReport['badFiles'] = [];
    const clean: number[] = [];
    for (const i of files) {
      const refs = m.refsOf(i);
      let hit = -1;
      for (const r of refs) if (badSet.has(r)) { hit = r; if (!filesOf.has(r)) filesOf.set(r, []); filesOf.get(r)!.push(m.entry(i).path); }
      if (hit >= 0) badFiles.push({ path: m.entry(i).path, reason: `uses damaged chunk ${hit}` });
      else clean.push(i);
    }
    // A single-chunk file's hash must equal its chunk id (whose bytes pass 1 already hashed) and an empty
    // file's must be BLAKE3(""): only multi-chunk files are decoded again to hash them whole.
    const emptyHash = blake3(new Uint8Array(0));
    const multi: number[] = [];
    for (const i of clean) {
      const e = m.entry(i);
      if (e.refCount > 1) { multi.push(i); continue; }
      const expected = e.refCount === 1 ? Buffer.from(m.chunkId(m.refsOf(i)[0])) : emptyHash;
      if (!expected.equals(Buffer.from(e.hash!))) badFiles.push({ path: e.path, reason: 'whole-file hash mismatch' });
      advance(e.size, 1);
    }
    let hasher = new Blake3Stream();
    await streamFiles(reader, multi, pool, {
      start() { hasher = new Blake3Stream(); },
      data(_i, bytes) { hasher.update(bytes); advance(bytes.length); },
      end(i, b) {
        const e = m.entry(i);
        if (b.length > 0) badFiles.push({ path: e.path, reason: `damaged chunk ${b[0].chunk}: ${b[0].reason}` });
        else if (!hasher.digest().equals(Buffer.from(e.hash!))) badFiles.push({ path: e.path, reason: 'whole-file hash mismatch' });
        progress.add(0, 1);
      },
    }, opts.signal);

    const badChunks = bad.map((b) => ({ chunk: b.chunk, id: Buffer.from(m.chunkId(b.chunk)).toString('hex'), reason: b.reason, files: filesOf.get(b.chunk) ?? [] }));
    for (const b of badChunks) emit({ type: 'archive.bad-chunk', chunk: b.chunk, reason: b.reason, files: b.files });
    progress.flush();
    emit({ type: 'archive.done', op: 'verify', archive: opts.archive, elapsedSeconds: progress.elapsedSeconds, bytes: Math.round(progress.bytes) });
    return {
      ok: merkleRootOk && badChunks.length === 0 && badFiles.length === 0, chunks: m.chunkCount, files: files.length, bytes: fileBytes,
      merkleRootOk, badChunks, badFiles, elapsedSeconds: progress.elapsedSeconds,
    };
  } finally {
    reader.close();
    if (!opts.pool) await pool.close();
  }
}
