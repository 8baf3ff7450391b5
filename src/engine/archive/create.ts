/**
 * `archive create`: read -> FastCDC -> BLAKE3 -> dedup -> units -> (workers: entropy, zstd, AEAD) -> sequential
 * write. The main thread reads into shared slabs, cuts and hashes in place, and keeps order (chunk-reader.ts);
 * workers compress and encrypt units of chunks on the same memory (encode-queue.ts). Memory is bounded by
 * the slab pool and the in-flight window, whatever the file sizes.
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import zlib from 'node:zlib';
import { throwIfCancelled } from '../core/cancel.ts';
import { ProgressTracker } from '../core/progress.ts';
import { NonceDomain, aead, makeNonce } from '../codec/aead.ts';
import { blake3 } from '../codec/blake3.ts';
import { createChunkPool, type ChunkPool } from '../codec/chunk-pool.ts';
import type { LevelName } from '../codec/compress.ts';
import { DEFAULT_CHUNKER, FastCdc, type ChunkerParams } from '../codec/fastcdc.ts';
import { DEFAULT_ARGON2, SALT_BYTES, randomBytes, type Argon2Params } from '../codec/kdf.ts';
import { ChunkReader } from './chunk-reader.ts';
import type { ArchiveEventListener } from './archive-events.ts';
import { Cipher, FORMAT_VERSION, HeaderFlags, Kdf, encodeHeader, encodeTrailer, type Header } from './format.ts';
import { newArchiveKeys, type KeySource } from './keys.ts';
import { EntryType, ManifestBuilder, type Manifest } from '../model/manifest.ts';
import { FileSink, StreamSink, isTempName, type ByteSink } from './sink.ts';
import { SlabPool } from './slabs.ts';
import { EncodeQueue } from './encode-queue.ts';
import type { IgnoreRules } from '../ignore/matcher.ts';
import { scanInputs, type ScanResult } from './walk.ts';

export interface CreateOptions {
  inputs: string[];
  /** Path of the archive, or '-' with `stdout` for a pipe. */
  output: string;
  stdout?: Writable;
  level?: LevelName;
  chunker?: ChunkerParams;
  key?: KeySource;
  argon2?: Argon2Params;
  workers?: number;
  pool?: ChunkPool;
  overwrite?: boolean;
  fsync?: boolean;
  signal?: AbortSignal;
  onEvent?: ArchiveEventListener;
  /** What to leave out (default: what the `.warpignore` files in the inputs say). */
  ignore?: IgnoreRules;
}

export interface CreateResult {
  archive: string;
  bytesIn: number;
  files: number;
  dirs: number;
  symlinks: number;
  chunkRefs: number;
  uniqueChunks: number;
  uniqueBytes: number;
  storedChunkBytes: number;
  archiveBytes: number;
  /** Input bytes per unique byte (1 = no duplicates). */
  dedupRatio: number;
  /** Unique bytes per stored chunk byte (1 = incompressible). */
  compressionRatio: number;
  encrypted: boolean;
  merkleRoot: string;
  contentId: string;
  elapsedSeconds: number;
  manifest: Manifest;
}

export async function createArchive(opts: CreateOptions): Promise<CreateResult> {
  const chunker = opts.chunker ?? DEFAULT_CHUNKER;
  const toStdout = opts.output === '-';
  const finalAbs = toStdout ? '' : path.resolve(opts.output);
  const outDir = path.dirname(finalAbs);
  const emit = opts.onEvent ?? (() => {});

  // Inputs first: a missing input fails before any output exists.
  const scan = scanInputs(
    opts.inputs,
    (abs) => !toStdout && (abs === finalAbs || (path.dirname(abs) === outDir && isTempName(path.basename(abs)))),
    opts.ignore,
  );
  for (const s of scan.skipped)
    emit({ type: 'archive.warning', op: 'create', path: s.path, message: `skipped: ${s.reason}` });

  const crypto = opts.key ? await newArchiveKeys(opts.key, opts.argon2 ?? DEFAULT_ARGON2) : undefined;
  const headerBytes = encodeHeader(makeHeader(chunker, crypto));
  const dataKey = crypto?.keys.data;
  const sink: ByteSink = toStdout
    ? new StreamSink(opts.stdout ?? process.stdout)
    : new FileSink(finalAbs, { overwrite: opts.overwrite, fsync: opts.fsync });
  const pool = opts.pool ?? createChunkPool(opts.workers);
  // A slab must hold an unfinished chunk (up to maxSize) plus a useful read; 8 MiB x 4 bounds read memory.
  const slabs = new SlabPool(Math.max(8 * 1024 * 1024, chunker.maxSize * 2), Math.max(4, pool.size + 2));
  const builder = new ManifestBuilder(chunker);
  const archiveName = toStdout ? '<stdout>' : opts.output;
  const progress = new ProgressTracker(scan.totalBytes, scan.fileCount, (s) =>
    emit({ type: 'archive.progress', op: 'create', ...s }),
  );
  emit({
    type: 'archive.start',
    op: 'create',
    archive: archiveName,
    totalBytes: scan.totalBytes,
    totalFiles: scan.fileCount,
  });
  const encoder = new EncodeQueue(pool, slabs, sink, builder, opts.level ?? 'balanced', dataKey);
  const reader = new ChunkReader(new FastCdc(chunker), slabs, builder, encoder, progress, opts.signal);

  try {
    await sink.write(headerBytes);
    await reader.open();
    const counts = await addEntries(scan, builder, reader, progress, emit, opts.signal);
    await encoder.finish();
    reader.close();
    const manifest = await writeManifest(builder, sink, headerBytes, dataKey);
    await sink.commit();
    progress.flush();

    const uniqueBytes = manifest.uniqueRawBytes;
    const elapsedSeconds = progress.elapsedSeconds;
    emit({ type: 'archive.done', op: 'create', archive: archiveName, elapsedSeconds, bytes: scan.totalBytes });
    return {
      archive: archiveName,
      bytesIn: progress.bytes,
      ...counts,
      chunkRefs: reader.chunkRefs,
      uniqueChunks: manifest.chunkCount,
      uniqueBytes,
      storedChunkBytes: encoder.storedChunkBytes,
      archiveBytes: sink.bytesWritten,
      dedupRatio: uniqueBytes > 0 ? progress.bytes / uniqueBytes : 1,
      compressionRatio: encoder.storedChunkBytes > 0 ? uniqueBytes / encoder.storedChunkBytes : 1,
      encrypted: Boolean(dataKey),
      merkleRoot: manifest.merkleRoot.toString('hex'),
      contentId: manifest.contentId().toString('hex'),
      elapsedSeconds,
      manifest,
    };
  } catch (e) {
    await encoder.settle();
    await sink.abort();
    throw e;
  } finally {
    if (!opts.pool) await pool.close();
  }
}

function makeHeader(chunker: ChunkerParams, crypto: Awaited<ReturnType<typeof newArchiveKeys>> | undefined): Header {
  return {
    version: FORMAT_VERSION,
    flags: crypto ? HeaderFlags.ENCRYPTED : 0,
    cipher: crypto ? Cipher.CHACHA20_POLY1305 : Cipher.NONE,
    kdf: crypto ? crypto.kdf : Kdf.NONE,
    argon2: crypto ? crypto.argon2 : { opsLimit: 0, memKiB: 0 },
    kdfSalt: crypto ? crypto.kdfSalt : Buffer.alloc(16),
    archiveSalt: crypto ? crypto.archiveSalt : randomBytes(SALT_BYTES),
    keyCheck: crypto ? crypto.keys.check : Buffer.alloc(16),
    chunkMin: chunker.minSize,
    chunkAvg: chunker.avgSize,
    chunkMax: chunker.maxSize,
  };
}

/** Every scanned entry in order into the manifest; files through the chunk reader. */
async function addEntries(
  scan: ScanResult,
  builder: ManifestBuilder,
  reader: ChunkReader,
  progress: ProgressTracker,
  emit: ArchiveEventListener,
  signal?: AbortSignal,
): Promise<{ files: number; dirs: number; symlinks: number }> {
  const counts = { files: 0, dirs: 0, symlinks: 0 };
  for (let si = 0; si < scan.count; si++) {
    throwIfCancelled(signal);
    const type = scan.type(si);
    if (type !== EntryType.FILE) {
      if (type === EntryType.DIR) counts.dirs++;
      else counts.symlinks++;
      builder.addEntry(scan.rel(si), type, scan.mode(si), scan.mtimeMs(si), 0, scan.linkTarget(si));
      continue;
    }
    counts.files++;
    const size = scan.size(si);
    const ei = builder.addEntry(scan.rel(si), EntryType.FILE, scan.mode(si), scan.mtimeMs(si), size);
    const { bytes, hash } = await reader.addFile(ei, scan.abs(si), size);
    builder.finishFile(ei, bytes, hash);
    progress.add(0, 1);
    if (bytes !== size) {
      emit({
        type: 'archive.warning',
        op: 'create',
        path: scan.rel(si),
        message: `changed while being read (${size} bytes at scan, ${bytes} read); archived what was read`,
      });
    }
  }
  return counts;
}

/** The manifest (compressed, sealed for encrypted archives) and the trailer that finds it. */
async function writeManifest(
  builder: ManifestBuilder,
  sink: ByteSink,
  headerBytes: Buffer,
  dataKey: Uint8Array | undefined,
): Promise<Manifest> {
  const manifest = builder.build();
  const manifestOffset = sink.bytesWritten;
  const plain = manifest.encode({ elideChunkHashes: true });
  const compressed = zlib.zstdCompressSync(plain, { params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 } });
  const stored = dataKey ? aead.seal(dataKey, makeNonce(NonceDomain.MANIFEST, 0), compressed, headerBytes) : compressed;
  await sink.write(stored);
  await sink.write(encodeTrailer({ manifestOffset, manifestLength: stored.length, manifestHash: blake3(stored) }));
  return manifest;
}
