/**
 * `archive extract`: restores files under a target directory without ever writing outside it.
 * - every path is checked again (the archive is untrusted); no write goes through a symlink: parents are
 *   lstat-checked, and the archive's own symlinks are created last;
 * - files are written under a temporary name and renamed only when their whole-file BLAKE3 matches;
 * - existing files: fail before writing anything (default), or `overwrite` / `skip`.
 * A damaged chunk fails only the files that use it; the others are restored and the error lists the rest.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { ProgressTracker } from '../core/progress.ts';
import { Blake3Stream, blake3 } from '../codec/blake3.ts';
import { createChunkPool, type ChunkPool } from '../codec/chunk-pool.ts';
import type { ArchiveEventListener } from './events.ts';
import type { KeySource } from './keys.ts';
import { EntryType } from './manifest.ts';
import { parentOf } from './paths.ts';
import { streamFiles } from './read-pipeline.ts';
import { ArchiveReader } from './reader.ts';
import { selectEntries } from './select.ts';
import { tempNameFor } from './sink.ts';

export type ExistingPolicy = 'fail' | 'overwrite' | 'skip';

export interface ExtractOptions {
  archive: string;
  target: string;
  paths?: string[];
  key?: KeySource;
  existing?: ExistingPolicy;
  workers?: number;
  pool?: ChunkPool;
  signal?: AbortSignal;
  onEvent?: ArchiveEventListener;
  /** See OpenOptions (reader.ts). */
  manifestInWorker?: boolean;
}

export interface ExtractResult {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  skipped: number;
  elapsedSeconds: number;
}

export async function extractArchive(opts: ExtractOptions): Promise<ExtractResult> {
  const emit = opts.onEvent ?? (() => {});
  const policy = opts.existing ?? 'fail';
  const reader = await ArchiveReader.open(opts.archive, opts.key, { manifestInWorker: opts.manifestInWorker });
  const ownPool = !opts.pool;
  let pool: ChunkPool | undefined = opts.pool;
  const tempFiles = new Set<string>();
  try {
    const m = reader.manifest;
    const selected = selectEntries(m, opts.paths, opts.archive);
    const target = path.resolve(opts.target);
    const dest = (p: string): string => path.join(target, ...p.split('/'));
    try { fs.mkdirSync(target, { recursive: true }); } catch (err) { throw fromSystemError(err, target, 'write'); }

    // Existing files: decide everything before the first write.
    const skip = new Set<number>();
    const clashes: string[] = [];
    for (const i of selected) {
      const e = m.entry(i);
      let st: fs.Stats | undefined;
      try { st = fs.lstatSync(dest(e.path)); } catch { st = undefined; }
      if (!st) continue;
      if (e.type === EntryType.DIR && st.isDirectory()) continue;
      if (st.isDirectory()) throw new WarpError(ErrorCodes.OUTPUT_EXISTS, `${dest(e.path)} is a directory; the archive has a ${e.type === EntryType.FILE ? 'file' : 'symlink'} there`);
      if (policy === 'skip') skip.add(i);
      else if (policy === 'fail') clashes.push(e.path);
    }
    if (clashes.length > 0) {
      throw new WarpError(ErrorCodes.OUTPUT_EXISTS, `${clashes.length} file(s) already exist under ${target} (first: ${clashes[0]}); pass --overwrite to replace them or --skip to keep them`, { details: { paths: clashes.slice(0, 20) } });
    }

    // Parent directories are verified (or created) once; a symlink where a directory should be is refused.
    const safeDirs = new Set<string>(['']);
    const ensureParent = (rel: string): void => {
      const parent = parentOf(rel);
      if (safeDirs.has(parent)) return;
      ensureParent(parent);
      const abs = dest(parent);
      let st: fs.Stats | undefined;
      try { st = fs.lstatSync(abs); } catch { st = undefined; }
      if (!st) {
        try { fs.mkdirSync(abs, { mode: 0o755 }); } catch (err) { throw fromSystemError(err, abs, 'write'); }
      } else if (st.isSymbolicLink()) {
        throw new WarpError(ErrorCodes.UNSAFE_PATH, `refusing '${rel}': its parent '${parent}' is a symbolic link, so writing there could land outside ${target}`, { details: { path: rel } });
      } else if (!st.isDirectory()) {
        throw new WarpError(ErrorCodes.OUTPUT_EXISTS, `cannot create '${rel}': '${parent}' exists and is not a directory`);
      }
      safeDirs.add(parent);
    };

    const wanted = selected.filter((i) => !skip.has(i));
    const files = wanted.filter((i) => m.entry(i).type === EntryType.FILE);
    const dirs = wanted.filter((i) => m.entry(i).type === EntryType.DIR);
    const links = wanted.filter((i) => m.entry(i).type === EntryType.SYMLINK);
    const totalBytes = files.reduce((s, i) => s + m.entry(i).size, 0);
    const progress = new ProgressTracker(totalBytes, files.length, (s) => emit({ type: 'archive.progress', op: 'extract', ...s }));
    emit({ type: 'archive.start', op: 'extract', archive: opts.archive, totalBytes, totalFiles: files.length });

    for (const i of dirs) {
      const rel = m.entry(i).path;
      ensureParent(rel);
      const abs = dest(rel);
      if (!fs.existsSync(abs)) {
        try { fs.mkdirSync(abs, { mode: 0o755 }); } catch (err) { throw fromSystemError(err, abs, 'write'); }
      } else if (fs.lstatSync(abs).isSymbolicLink()) {
        throw new WarpError(ErrorCodes.UNSAFE_PATH, `refusing directory '${rel}': a symbolic link is in its place`);
      }
      safeDirs.add(rel);
    }

    pool ??= createChunkPool(opts.workers);
    const failed: Array<{ path: string; reason: string }> = [];
    // A single-chunk file's whole-file hash is its chunk id, which the worker already checked against the
    // bytes: only multi-chunk files need a streaming hasher (a native object per file is costly at 100k).
    let cur: { fd: number; temp: string; hasher?: Blake3Stream } | undefined;
    await streamFiles(reader, files, pool, {
      start(i) {
        const e = m.entry(i);
        ensureParent(e.path);
        const temp = tempNameFor(dest(e.path));
        let fd: number;
        try { fd = fs.openSync(temp, 'wx', 0o600); } catch (err) { throw fromSystemError(err, dest(e.path), 'write'); }
        tempFiles.add(temp);
        cur = { fd, temp, hasher: e.refCount > 1 ? new Blake3Stream() : undefined };
      },
      data(_i, bytes) {
        const c = cur!;
        let off = 0;
        try {
          while (off < bytes.length) off += fs.writeSync(c.fd, bytes, off, bytes.length - off);
        } catch (err) {
          throw fromSystemError(err, c.temp, 'write');
        }
        c.hasher?.update(bytes);
        progress.add(bytes.length);
      },
      workerWrite(i) {
        const e = m.entry(i);
        ensureParent(e.path);
        const final = dest(e.path);
        const temp = tempNameFor(final);
        tempFiles.add(temp);
        // A copy: a view would make the structured clone copy the manifest's whole hash column.
        return { temp, final, mode: e.mode, mtimeMs: e.mtimeMs, hash: new Uint8Array(e.hash!) };
      },
      workerDone(i, r) {
        const e = m.entry(i);
        if (r.ok) {
          progress.add(e.size, 1);
          emit({ type: 'archive.file', op: 'extract', path: e.path, size: e.size });
        } else if (r.errno) {
          throw fromSystemError(Object.assign(new Error(r.reason), { code: r.errno }), dest(e.path), 'write');
        } else {
          failed.push({ path: e.path, reason: r.reason ?? 'damaged' });
          emit({ type: 'archive.warning', op: 'extract', path: e.path, message: `not restored: ${r.reason}` });
        }
      },
      end(i, bad) {
        const c = cur!;
        cur = undefined;
        const e = m.entry(i);
        const actual = c.hasher ? c.hasher.digest() : e.refCount === 1 ? Buffer.from(m.chunkId(m.refsOf(i)[0])) : blake3(new Uint8Array(0));
        const hashOk = bad.length === 0 && actual.equals(Buffer.from(e.hash!));
        if (!hashOk) {
          fs.closeSync(c.fd);
          fs.rmSync(c.temp, { force: true });
          tempFiles.delete(c.temp);
          const reason = bad.length > 0 ? `damaged chunk ${bad[0].chunk}: ${bad[0].reason}` : 'whole-file hash mismatch';
          failed.push({ path: e.path, reason });
          emit({ type: 'archive.warning', op: 'extract', path: e.path, message: `not restored: ${reason}` });
          return;
        }
        try {
          // On the open descriptor: no path lookups (cheaper than chmod/utimes by name for many small files).
          fs.fchmodSync(c.fd, e.mode & 0o7777);
          fs.futimesSync(c.fd, e.mtimeMs / 1000, e.mtimeMs / 1000);
          fs.closeSync(c.fd);
          fs.renameSync(c.temp, dest(e.path));
        } catch (err) {
          throw fromSystemError(err, dest(e.path), 'write');
        }
        tempFiles.delete(c.temp);
        progress.add(0, 1);
        emit({ type: 'archive.file', op: 'extract', path: e.path, size: e.size });
      },
    }, opts.signal);

    // Symlinks last: nothing is ever written through a link the archive itself created.
    for (const i of links) {
      const e = m.entry(i);
      ensureParent(e.path);
      const abs = dest(e.path);
      const temp = tempNameFor(abs);
      try {
        fs.symlinkSync(e.linkTarget!, temp);
        fs.renameSync(temp, abs);
      } catch (err) {
        fs.rmSync(temp, { force: true });
        throw fromSystemError(err, abs, 'write');
      }
      try { fs.lutimesSync(abs, e.mtimeMs / 1000, e.mtimeMs / 1000); } catch { /* not supported everywhere */ }
    }
    // Directory modes and times last and deepest first, so a read-only directory does not block its children.
    for (const i of [...dirs].reverse()) {
      const e = m.entry(i);
      try {
        fs.chmodSync(dest(e.path), e.mode & 0o7777);
        fs.utimesSync(dest(e.path), e.mtimeMs / 1000, e.mtimeMs / 1000);
      } catch (err) { throw fromSystemError(err, dest(e.path), 'write'); }
    }
    progress.flush();
    emit({ type: 'archive.done', op: 'extract', archive: opts.archive, elapsedSeconds: progress.elapsedSeconds, bytes: progress.bytes });
    if (failed.length > 0) {
      throw new WarpError(ErrorCodes.VERIFY_FAILED, `${failed.length} file(s) could not be restored because the archive is damaged (first: ${failed[0].path}: ${failed[0].reason}); the other files were restored. Run 'warp archive verify' for a full report.`, { details: { failed } });
    }
    return { files: files.length, dirs: dirs.length, symlinks: links.length, bytes: progress.bytes, skipped: skip.size, elapsedSeconds: progress.elapsedSeconds };
  } finally {
    // Teardown must not throw: a failed removal once skipped closing the reader and the pool (the daemon
    // leaked 2 worker threads and ~11 descriptors per failed extract).
    for (const t of tempFiles) try { fs.rmSync(t, { force: true }); } catch { /* best effort */ }
    reader.close();
    if (ownPool && pool) await pool.close();
  }
}
