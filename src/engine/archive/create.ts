/**
 * `archive create`: read -> FastCDC -> BLAKE3 -> dedup -> (workers: entropy, zstd, AEAD) -> sequential write.
 * The main thread reads into shared slabs, cuts and hashes in place, and keeps order; workers do the
 * compression and encryption on the same memory. Memory is bounded by the slab pool and the in-flight
 * window, whatever the file sizes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import zlib from 'node:zlib';
import { throwIfCancelled } from '../core/cancel.ts';
import { fromSystemError } from '../core/errors.ts';
import { ProgressTracker } from '../core/progress.ts';
import { NonceDomain, aead, makeNonce } from '../codec/aead.ts';
import { Blake3Stream, blake3 } from '../codec/blake3.ts';
import { createChunkPool, type ChunkPool } from '../codec/chunk-pool.ts';
import type { LevelName } from '../codec/compress.ts';
import { DEFAULT_CHUNKER, FastCdc, type ChunkerParams } from '../codec/fastcdc.ts';
import { DEFAULT_ARGON2, SALT_BYTES, randomBytes, type Argon2Params } from '../codec/kdf.ts';
import type { ArchiveEventListener } from './events.ts';
import { Cipher, FORMAT_VERSION, HeaderFlags, Kdf, encodeHeader, encodeTrailer, type Header } from './format.ts';
import { newArchiveKeys, type KeySource } from './keys.ts';
import { EntryType, ManifestBuilder, type Manifest } from './manifest.ts';
import { FileSink, StreamSink, isTempName, type ByteSink } from './sink.ts';
import { SlabPool, type Slab } from './slabs.ts';
import { EncodeQueue } from './encode-queue.ts';
import type { IgnoreRules } from '../ignore/matcher.ts';
import { scanInputs } from './walk.ts';

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

const READ_MAX = 8 * 1024 * 1024;
const MIN_FREE = 1024 * 1024;
const YIELD_EVERY = 64 * 1024 * 1024;
/** Files above this size are read ahead asynchronously; smaller ones in one sync read (cheaper per file). */
const READ_AHEAD_MIN = 4 * 1024 * 1024;

export async function createArchive(opts: CreateOptions): Promise<CreateResult> {
  const chunker = opts.chunker ?? DEFAULT_CHUNKER;
  const cdc = new FastCdc(chunker);
  const level = opts.level ?? 'fast';
  const toStdout = opts.output === '-';
  const finalAbs = toStdout ? '' : path.resolve(opts.output);
  const outDir = path.dirname(finalAbs);
  const emit = opts.onEvent ?? (() => {});

  // Inputs first: a missing input fails before any output exists.
  const scan = scanInputs(opts.inputs, (abs) => !toStdout && (abs === finalAbs || (path.dirname(abs) === outDir && isTempName(path.basename(abs)))), opts.ignore);
  for (const s of scan.skipped) emit({ type: 'archive.warning', op: 'create', path: s.path, message: `skipped: ${s.reason}` });

  const crypto = opts.key ? await newArchiveKeys(opts.key, opts.argon2 ?? DEFAULT_ARGON2) : undefined;
  const header: Header = {
    version: FORMAT_VERSION,
    flags: crypto ? HeaderFlags.ENCRYPTED : 0,
    cipher: crypto ? Cipher.CHACHA20_POLY1305 : Cipher.NONE,
    kdf: crypto ? crypto.kdf : Kdf.NONE,
    argon2: crypto ? crypto.argon2 : { opsLimit: 0, memKiB: 0 },
    kdfSalt: crypto ? crypto.kdfSalt : Buffer.alloc(16),
    archiveSalt: crypto ? crypto.archiveSalt : randomBytes(SALT_BYTES),
    keyCheck: crypto ? crypto.keys.check : Buffer.alloc(16),
    chunkMin: chunker.minSize, chunkAvg: chunker.avgSize, chunkMax: chunker.maxSize,
  };
  const dataKey = crypto?.keys.data;

  const sink: ByteSink = toStdout ? new StreamSink(opts.stdout ?? process.stdout) : new FileSink(finalAbs, { overwrite: opts.overwrite, fsync: opts.fsync });
  const ownPool = !opts.pool;
  const pool = opts.pool ?? createChunkPool(opts.workers);
  // A slab must hold an unfinished chunk (up to maxSize) plus a useful read; 8 MiB x 4 bounds read memory.
  const slabSize = Math.max(8 * 1024 * 1024, chunker.maxSize * 2);
  const slabs = new SlabPool(slabSize, Math.max(4, pool.size + 2));
  const builder = new ManifestBuilder(chunker);
  const seen = new Map<string, number>();
  const archiveName = toStdout ? '<stdout>' : opts.output;
  const progress = new ProgressTracker(scan.totalBytes, scan.fileCount, (s) => emit({ type: 'archive.progress', op: 'create', ...s }));
  emit({ type: 'archive.start', op: 'create', archive: archiveName, totalBytes: scan.totalBytes, totalFiles: scan.fileCount });

  let files = 0;
  let dirs = 0;
  let symlinks = 0;
  let chunkRefs = 0;
  const headerBytes = encodeHeader(header);
  const encoder = new EncodeQueue(pool, slabs, sink, builder, level, dataKey);

  try {
    await sink.write(headerBytes);
    let slab = await slabs.acquire();
    let w = 0;
    let sinceYield = 0;

    for (let si = 0; si < scan.count; si++) {
      throwIfCancelled(opts.signal);
      const type = scan.type(si);
      if (type !== EntryType.FILE) {
        if (type === EntryType.DIR) dirs++;
        else symlinks++;
        builder.addEntry(scan.rel(si), type, scan.mode(si), scan.mtimeMs(si), 0, scan.linkTarget(si));
        continue;
      }
      files++;
      const entry = { rel: scan.rel(si), abs: scan.abs(si), size: scan.size(si) };
      const ei = builder.addEntry(entry.rel, EntryType.FILE, scan.mode(si), scan.mtimeMs(si), entry.size);
      let fd: number;
      try {
        fd = fs.openSync(entry.abs, 'r');
      } catch (e) {
        throw fromSystemError(e, entry.abs, 'read');
      }
      // Most files arrive in one read: hash them in one call (a single-chunk file's hash is its chunk id);
      // only larger files get a streaming hasher (a native object per file cost ~1 GB for 100k files).
      let hasher: Blake3Stream | undefined;
      let firstRead: { from: number; to: number; slab: Slab } | undefined;
      let fileHash: Buffer | undefined;
      let chunksOfFile = 0;
      let lastId: Buffer | undefined;
      const state = cdc.newState();
      let chunkStart = w;
      let scanPos = w;
      let fileBytes = 0;
      let eof = false;
      const readAhead = entry.size > READ_AHEAD_MIN;
      let prefetch: Promise<{ n: number; want: number }> | undefined;

      const emitChunk = (s: Slab, from: number, to: number): void => {
        const view = s.u8.subarray(from, to);
        const id = blake3(view);
        chunksOfFile++;
        lastId = id;
        const key = id.toString('base64');
        let idx = seen.get(key);
        if (idx === undefined) {
          idx = builder.addChunk(id, to - from);
          seen.set(key, idx);
          encoder.add(s, from, to - from, idx);
        }
        builder.addRef(ei, idx);
        chunkRefs++;
      };

      try {
        for (;;) {
          if (slab.size - w < MIN_FREE) {
            // Move the unfinished chunk to a fresh slab; the old one is freed once its batches are done.
            encoder.flush();
            const next = await slabs.acquire();
            next.u8.set(slab.u8.subarray(chunkStart, w), 0);
            scanPos -= chunkStart;
            w -= chunkStart;
            chunkStart = 0;
            slabs.release(slab);
            slab = next;
          }
          let n: number;
          let want: number;
          try {
            if (prefetch) {
              ({ n, want } = await prefetch);
              prefetch = undefined;
            } else {
              want = Math.min(slab.size - w, READ_MAX);
              n = eof ? 0 : fs.readSync(fd, slab.u8, w, want, null);
            }
          } catch (e) {
            throw fromSystemError(e, entry.abs, 'read');
          }
          if (n === 0) break;
          // A short read of a regular file means end of file: skip the extra read (one syscall per small file).
          eof = n < want;
          // Large files: start reading the next region now, on libuv's thread pool, while this one is cut and
          // hashed (the regions do not overlap; with room left in the slab no slab switch happens meanwhile).
          if (!eof && readAhead && slab.size - (w + n) >= MIN_FREE) {
            const at = w + n;
            const size = Math.min(slab.size - at, READ_MAX);
            const target = slab.u8;
            prefetch = new Promise((resolve, reject) =>
              fs.read(fd, target, at, size, null, (err, got) => (err ? reject(err) : resolve({ n: got, want: size }))));
            prefetch.catch(() => {});
          }
          if (!firstRead && !hasher) firstRead = { from: w, to: w + n, slab };
          else {
            if (!hasher) {
              hasher = new Blake3Stream();
              hasher.update(firstRead!.slab.u8.subarray(firstRead!.from, firstRead!.to));
              firstRead = undefined;
            }
            hasher.update(slab.u8.subarray(w, w + n));
          }
          w += n;
          fileBytes += n;
          while (scanPos < w) {
            const c = cdc.findCut(state, slab.u8, scanPos, w);
            if (c < 0) {
              scanPos = w;
              break;
            }
            emitChunk(slab, chunkStart, c);
            chunkStart = scanPos = c;
          }
          progress.add(n);
          sinceYield += n;
          await encoder.makeRoom();
          if (sinceYield >= YIELD_EVERY) {
            sinceYield = 0;
            await new Promise((r) => setImmediate(r));
            throwIfCancelled(opts.signal);
          }
        }
      } finally {
        if (prefetch) await (prefetch as Promise<unknown>).catch(() => {});
        fs.closeSync(fd);
      }
      // The first read's bytes are still in its slab: the slab is only recycled after a second read.
      const oneShot = firstRead ? firstRead.slab.u8.subarray(firstRead.from, firstRead.to) : undefined;
      if (chunkStart < w) emitChunk(slab, chunkStart, w);
      chunkStart = scanPos = w;
      if (hasher) fileHash = hasher.digest();
      else if (chunksOfFile === 1) fileHash = lastId!;
      else fileHash = blake3(oneShot ?? new Uint8Array(0));
      builder.finishFile(ei, fileBytes, fileHash);
      progress.add(0, 1);
      if (fileBytes !== entry.size) {
        emit({ type: 'archive.warning', op: 'create', path: entry.rel, message: `changed while being read (${entry.size} bytes at scan, ${fileBytes} read); archived what was read` });
      }
      await encoder.makeRoom();
    }
    await encoder.finish();
    slabs.release(slab);

    const manifest = builder.build();
    const manifestOffset = sink.bytesWritten;
    const plain = manifest.encode();
    const compressed = zlib.zstdCompressSync(plain, { params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 } });
    const stored = dataKey ? aead.seal(dataKey, makeNonce(NonceDomain.MANIFEST, 0), compressed, headerBytes) : compressed;
    await sink.write(stored);
    await sink.write(encodeTrailer({ manifestOffset, manifestLength: stored.length, manifestHash: blake3(stored) }));
    await sink.commit();
    progress.flush();

    const uniqueBytes = manifest.uniqueRawBytes;
    const elapsedSeconds = progress.elapsedSeconds;
    emit({ type: 'archive.done', op: 'create', archive: archiveName, elapsedSeconds, bytes: scan.totalBytes });
    return {
      archive: archiveName, bytesIn: progress.bytes, files, dirs, symlinks, chunkRefs, uniqueChunks: manifest.chunkCount, uniqueBytes,
      storedChunkBytes: encoder.storedChunkBytes, archiveBytes: sink.bytesWritten, dedupRatio: uniqueBytes > 0 ? progress.bytes / uniqueBytes : 1,
      compressionRatio: encoder.storedChunkBytes > 0 ? uniqueBytes / encoder.storedChunkBytes : 1, encrypted: Boolean(dataKey),
      merkleRoot: manifest.merkleRoot.toString('hex'), contentId: blake3(plain).toString('hex'), elapsedSeconds, manifest,
    };
  } catch (e) {
    await encoder.settle();
    await sink.abort();
    throw e;
  } finally {
    if (ownPool) await pool.close();
  }
}
