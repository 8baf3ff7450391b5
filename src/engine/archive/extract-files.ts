/**
 * Restores the files of an extract from the read pipeline: a file inside one decode batch is written by the
 * worker that decoded it (hash check first, then create, write, mode and time: no bytes cross back, syscalls
 * run on both cores); a larger one is written here as its bytes stream by. A new file is created straight
 * under its final name, its batch listed in the extract's journal first (extract-journal.ts: a kill mid-batch
 * is rolled back by the next extract); a file replacing an existing one (--overwrite), and a large file
 * streamed here, go through a temporary name and a rename. Either way only bytes whose whole-file BLAKE3
 * matched are written under a final name; a damaged file is listed, the others go on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fromSystemError } from '../core/errors.ts';
import { fileTime } from '../core/file-time.ts';
import type { ProgressTracker } from '../core/progress.ts';
import { Blake3Stream, blake3 } from '../codec/blake3.ts';
import type { ChunkPool } from '../codec/chunk-pool.ts';
import type { BadChunk, WorkerFileResult } from '../codec/chunk-tasks.ts';
import type { ArchiveEvent } from './archive-events.ts';
import type { TargetDirs } from './extract-dirs.ts';
import type { ExtractJournal } from './extract-journal.ts';
import { parentOf } from '../model/entry-paths.ts';
import { streamFiles, type FileConsumer } from './read-pipeline.ts';
import type { ArchiveReader } from './reader.ts';
import { tempNameFor } from './sink.ts';

export interface RestoreFailure {
  path: string;
  reason: string;
}

/** The file being written on this thread (one at a time: the pipeline delivers files in order). */
interface OpenFile {
  fd: number;
  temp: string;
  journalId: number;
  hasher?: Blake3Stream;
}

/** How the restorer writes: the journal, the entries that replace an existing file, the process umask. */
export interface RestoreWriting {
  journal: ExtractJournal;
  replace: Set<number>;
  umask: number;
}

export class FileRestorer implements FileConsumer {
  readonly failed: RestoreFailure[] = [];
  /** Temporary names that may exist (removed by cleanup() after a failure), and those of worker-written files. */
  private readonly temps = new Set<string>();
  private readonly workerTemps = new Map<number, string>();
  private cur?: OpenFile;
  private readonly reader: ArchiveReader;
  private readonly dirs: TargetDirs;
  private readonly progress: ProgressTracker;
  private readonly emit: (e: ArchiveEvent) => void;
  private readonly writing: RestoreWriting;
  /** Relative paths the batch being built will write, and the journal record of each batch in flight. */
  private batchPaths: string[] = [];
  private readonly batchRecords: number[] = [];

  constructor(
    reader: ArchiveReader,
    dirs: TargetDirs,
    progress: ProgressTracker,
    emit: (e: ArchiveEvent) => void,
    writing: RestoreWriting,
  ) {
    this.reader = reader;
    this.dirs = dirs;
    this.progress = progress;
    this.emit = emit;
    this.writing = writing;
  }

  async run(files: number[], pool: ChunkPool, signal?: AbortSignal): Promise<void> {
    await streamFiles(this.reader, files, pool, this, signal);
  }

  workerFile(i: number): ReturnType<NonNullable<FileConsumer['workerFile']>> {
    const e = this.reader.manifest.entry(i);
    this.dirs.ensureParent(e.path);
    const final = this.dirs.dest(e.path);
    const write = { final, mode: e.mode, mtimeMs: e.mtimeMs, umask: this.writing.umask };
    let temp: string | undefined;
    if (this.writing.replace.has(i)) {
      temp = tempNameFor(final);
      this.temps.add(temp);
      this.workerTemps.set(i, temp);
    }
    this.batchPaths.push(temp ? relTemp(e.path, temp) : e.path);
    // A copy: a view would make the structured clone copy the manifest's whole hash column.
    return { hash: new Uint8Array(e.hash!), write: { ...write, temp } };
  }

  batchStart(): void {
    const paths = this.batchPaths;
    this.batchPaths = [];
    this.batchRecords.push(paths.length > 0 ? this.writing.journal.begin(paths) : -1);
  }

  // The worker has finished (or removed) every file of the batch when its result arrives.
  batchDone(): void {
    const id = this.batchRecords.shift()!;
    if (id >= 0) this.writing.journal.done(id);
  }

  workerDone(i: number, r: WorkerFileResult): void {
    const e = this.reader.manifest.entry(i);
    // The worker removed the temporary name unless it renamed it.
    const temp = this.workerTemps.get(i);
    if (temp !== undefined) {
      this.temps.delete(temp);
      this.workerTemps.delete(i);
    }
    if (r.ok) return this.restored(e.path, e.size, e.size);
    if (r.errno)
      throw fromSystemError(Object.assign(new Error(r.reason), { code: r.errno }), this.dirs.dest(e.path), 'write');
    this.fail(e.path, r.reason ?? 'damaged');
  }

  // A single-chunk file's whole-file hash is its chunk id, which the worker already checked against the
  // bytes: only multi-chunk files need a streaming hasher (a native object per file is costly at 100k).
  start(i: number): void {
    const e = this.reader.manifest.entry(i);
    this.dirs.ensureParent(e.path);
    const temp = tempNameFor(this.dirs.dest(e.path));
    const journalId = this.writing.journal.begin([relTemp(e.path, temp)]);
    let fd: number;
    try {
      fd = fs.openSync(temp, 'wx', 0o600);
    } catch (err) {
      throw fromSystemError(err, this.dirs.dest(e.path), 'write');
    }
    this.temps.add(temp);
    this.cur = { fd, temp, journalId, hasher: e.refCount > 1 ? new Blake3Stream() : undefined };
  }

  data(_i: number, bytes: Uint8Array): void {
    const c = this.cur!;
    let off = 0;
    try {
      while (off < bytes.length) off += fs.writeSync(c.fd, bytes, off, bytes.length - off);
    } catch (err) {
      throw fromSystemError(err, c.temp, 'write');
    }
    c.hasher?.update(bytes);
    this.progress.add(bytes.length);
  }

  end(i: number, bad: BadChunk[]): void {
    const c = this.cur!;
    this.cur = undefined;
    const m = this.reader.manifest;
    const e = m.entry(i);
    const actual = c.hasher
      ? c.hasher.digest()
      : e.refCount === 1
        ? Buffer.from(m.chunkId(m.refsOf(i)[0]))
        : blake3(new Uint8Array(0));
    if (bad.length > 0 || !actual.equals(Buffer.from(e.hash!))) {
      fs.closeSync(c.fd);
      fs.rmSync(c.temp, { force: true });
      this.temps.delete(c.temp);
      this.writing.journal.done(c.journalId);
      return this.fail(
        e.path,
        bad.length > 0 ? `damaged chunk ${bad[0].chunk}: ${bad[0].reason}` : 'whole-file hash mismatch',
      );
    }
    try {
      // On the open descriptor: no path lookups (cheaper than chmod/utimes by name for many small files).
      fs.fchmodSync(c.fd, e.mode & 0o7777);
      fs.futimesSync(c.fd, fileTime(e.mtimeMs), fileTime(e.mtimeMs));
      fs.closeSync(c.fd);
      fs.renameSync(c.temp, this.dirs.dest(e.path));
    } catch (err) {
      throw fromSystemError(err, this.dirs.dest(e.path), 'write');
    }
    this.temps.delete(c.temp);
    this.writing.journal.done(c.journalId);
    this.restored(e.path, e.size, 0);
  }

  /** After a failure: closes the open file and removes every temporary name this extract may have left. */
  cleanup(): void {
    if (this.cur)
      try {
        fs.closeSync(this.cur.fd);
      } catch {
        /* already closed */
      }
    for (const t of this.temps)
      try {
        fs.rmSync(t, { force: true });
      } catch {
        /* nothing more to do */
      }
  }

  private restored(path: string, size: number, bytesNow: number): void {
    this.progress.add(bytesNow, 1);
    this.emit({ type: 'archive.file', op: 'extract', path, size });
  }

  private fail(path: string, reason: string): void {
    this.failed.push({ path, reason });
    this.emit({ type: 'archive.warning', op: 'extract', path, message: `not restored: ${reason}` });
  }
}

/** The journal's relative path of a temporary name next to entry `rel`. */
function relTemp(rel: string, temp: string): string {
  const parent = parentOf(rel);
  return parent === '' ? path.basename(temp) : `${parent}/${path.basename(temp)}`;
}
