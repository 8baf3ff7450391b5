/**
 * `archive verify`: every chunk's hash, the Merkle root, and every file's whole-file hash, in one pass over the
 * stored units (each read and decoded once, bar units a deduplicated chunk leads back to); a report names
 * each bad chunk and the files it affects.
 */
import { ProgressTracker } from '../core/progress.ts';
import { Blake3Stream, blake3 } from '../codec/blake3.ts';
import { createChunkPool, type ChunkPool } from '../codec/chunk-pool.ts';
import type { BadChunk } from '../codec/chunk-tasks.ts';
import type { ArchiveEventListener } from './archive-events.ts';
import type { KeySource } from './keys.ts';
import { EntryType } from '../model/manifest.ts';
import { checkUnits, streamFiles } from './read-pipeline.ts';
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
  // The workers start first: their start-up (~50-100 ms each) overlaps reading the manifest on this thread.
  const pool = opts.pool ?? createChunkPool(opts.workers);
  let reader: ArchiveReader | undefined;
  try {
    reader = await ArchiveReader.open(opts.archive, opts.key, { manifestInWorker: opts.manifestInWorker });
    const m = reader.manifest;
    const files: number[] = [];
    let fileBytes = 0;
    for (let i = 0; i < m.entryCount; i++)
      if (m.entry(i).type === EntryType.FILE) {
        files.push(i);
        fileBytes += m.entry(i).size;
      }
    // The pass decodes the stored content (unique bytes), but the user sees one quantity: the files' bytes.
    // Decoded bytes count in proportion, so the bar ends at the content size.
    const scale = m.uniqueRawBytes > 0 ? fileBytes / m.uniqueRawBytes : 0;
    const progress = new ProgressTracker(fileBytes, files.length, (s) =>
      emit({ type: 'archive.progress', op: 'verify', ...s, bytes: Math.min(fileBytes, Math.round(s.bytes)) }),
    );
    const advance = (raw: number): void => progress.add(raw * scale);
    emit({
      type: 'archive.start',
      op: 'verify',
      archive: opts.archive,
      totalBytes: fileBytes,
      totalFiles: files.length,
    });

    // Decoding the manifest already rebuilt the root from the ids and refused a mismatch (MANIFEST_CORRUPT), so
    // a second tree here would only cost time before the first unit is read (~0.3 s for 78k chunks).
    const merkleRootOk = true;
    const found = new DamageLog(reader);
    await hashFiles(reader, files, pool, found, progress, advance, opts.signal);
    // Units no file led to (chunks nothing refers to) are checked too: every stored byte is read once.
    await checkUnits(
      reader,
      found.undecodedUnits(),
      pool,
      (bad, raw) => {
        found.addBad(bad);
        advance(raw);
      },
      opts.signal,
    );

    const badChunks = found.report(files);
    for (const b of badChunks) emit({ type: 'archive.bad-chunk', chunk: b.chunk, reason: b.reason, files: b.files });
    progress.flush();
    emit({
      type: 'archive.done',
      op: 'verify',
      archive: opts.archive,
      elapsedSeconds: progress.elapsedSeconds,
      bytes: Math.min(fileBytes, Math.round(progress.bytes)),
    });
    return {
      ok: merkleRootOk && badChunks.length === 0 && found.badFiles.length === 0,
      chunks: m.chunkCount,
      files: files.length,
      bytes: fileBytes,
      merkleRootOk,
      badChunks,
      badFiles: found.badFiles,
      elapsedSeconds: progress.elapsedSeconds,
    };
  } finally {
    reader?.close();
    if (!opts.pool) await pool.close();
  }
}

/**
 * Every file's whole-file hash, in one pass over the units: a file inside one batch is hashed in the worker
 * that decoded it, a larger one here as its bytes stream by. Each unit's chunks are checked as it is decoded.
 */
async function hashFiles(
  reader: ArchiveReader,
  files: number[],
  pool: ChunkPool,
  found: DamageLog,
  progress: ProgressTracker,
  advance: (raw: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const m = reader.manifest;
  let hasher = new Blake3Stream();
  await streamFiles(
    reader,
    files,
    pool,
    {
      // A copy: a view would make the structured clone copy the manifest's whole hash column.
      workerFile: (i) => ({ hash: new Uint8Array(m.entry(i).hash!) }),
      workerDone(i, r) {
        if (!r.ok) found.badFiles.push({ path: m.entry(i).path, reason: r.reason ?? 'damaged' });
        progress.add(0, 1);
      },
      start() {
        hasher = new Blake3Stream();
      },
      data(_i, bytes) {
        hasher.update(bytes);
      },
      end(i, b) {
        const e = m.entry(i);
        if (b.length > 0) found.badFiles.push({ path: e.path, reason: `damaged chunk ${b[0].chunk}: ${b[0].reason}` });
        else if (!(e.refCount === 0 ? blake3(new Uint8Array(0)) : hasher.digest()).equals(Buffer.from(e.hash!)))
          found.badFiles.push({ path: e.path, reason: 'whole-file hash mismatch' });
        progress.add(0, 1);
      },
      batchDone(bad, units, raw) {
        found.addBad(bad);
        found.markDecoded(units);
        advance(raw);
      },
    },
    signal,
  );
}

/** What verify found: bad chunks (once each), bad files, and which units were decoded. */
class DamageLog {
  readonly badFiles: VerifyReport['badFiles'] = [];
  private readonly bad = new Map<number, BadChunk>();
  private readonly decoded: Uint8Array;
  private readonly reader: ArchiveReader;

  constructor(reader: ArchiveReader) {
    this.reader = reader;
    this.decoded = new Uint8Array(reader.units.count);
  }

  addBad(list: BadChunk[]): void {
    for (const b of list) if (!this.bad.has(b.chunk)) this.bad.set(b.chunk, b);
  }

  markDecoded(units: number[]): void {
    for (const u of units) this.decoded[u] = 1;
  }

  undecodedUnits(): number[] {
    const out: number[] = [];
    for (let u = 0; u < this.decoded.length; u++) if (!this.decoded[u]) out.push(u);
    return out;
  }

  /** Bad chunks in table order, each with the files that use it. */
  report(files: number[]): VerifyReport['badChunks'] {
    const m = this.reader.manifest;
    const filesOf = new Map<number, string[]>();
    if (this.bad.size > 0) {
      for (const i of files) {
        for (const c of m.refsOf(i)) {
          if (!this.bad.has(c)) continue;
          const l = filesOf.get(c) ?? [];
          if (!l.includes(m.entry(i).path)) l.push(m.entry(i).path);
          filesOf.set(c, l);
        }
      }
    }
    return [...this.bad.values()]
      .sort((a, b) => a.chunk - b.chunk)
      .map((b) => ({
        chunk: b.chunk,
        id: Buffer.from(m.chunkId(b.chunk)).toString('hex'),
        reason: b.reason,
        files: filesOf.get(b.chunk) ?? [],
      }));
  }
}
