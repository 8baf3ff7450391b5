/**
 * `archive extract`: restores files under a target directory without ever writing outside it.
 * - every path is checked again (the archive is untrusted); no write goes through a symlink: parents are
 *   lstat-checked, and the archive's own symlinks are created last;
 * - only bytes whose whole-file BLAKE3 matched are written under a final name; a new file is created there
 *   directly, its batch journalled first (extract-journal.ts), so an extract killed midway leaves no truncated
 *   file that the next extract into the target would take for complete: that one rolls the journal back first;
 *   a file that replaces another goes through a temporary name and a rename;
 * - existing files: fail before writing anything (default), or `overwrite` / `skip`.
 * A damaged chunk fails only the files that use it; the others are restored and the error lists the rest.
 */
import fs from 'node:fs';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { fileTime } from '../core/file-time.ts';
import { ProgressTracker } from '../core/progress.ts';
import { createChunkPool, type ChunkPool } from '../codec/chunk-pool.ts';
import type { ArchiveEventListener } from './archive-events.ts';
import type { KeySource } from './keys.ts';
import { EntryType } from '../model/manifest.ts';
import { parentOf } from '../model/entry-paths.ts';
import { TargetDirs, lstatOrUndefined } from './extract-dirs.ts';
import { ExtractJournal, recoverJournals } from './extract-journal.ts';
import { FileRestorer } from './extract-files.ts';
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
  // The workers start first: their start-up (~50-100 ms each) overlaps reading the manifest on this thread.
  const pool = opts.pool ?? createChunkPool(opts.workers);
  let reader: ArchiveReader | undefined;
  let restorer: FileRestorer | undefined;
  let journal: ExtractJournal | undefined;
  let ok = false;
  try {
    reader = await ArchiveReader.open(opts.archive, opts.key, { manifestInWorker: opts.manifestInWorker });
    const m = reader.manifest;
    const selected = selectEntries(m, opts.paths, opts.archive);
    const dirs = new TargetDirs(opts.target);
    const rolledBack = recoverJournals(dirs.root);
    if (rolledBack.length > 0)
      emit({
        type: 'archive.warning',
        op: 'extract',
        path: dirs.root,
        message: `an earlier extract into this folder was interrupted: removed ${rolledBack.length} file(s) it had not finished`,
      });
    const { skip, replace } = decideExisting(reader, selected, dirs, opts.existing ?? 'fail', rolledBack.length > 0);
    const wanted = { files: [] as number[], dirs: [] as number[], links: [] as number[] };
    for (const i of selected) if (!skip.has(i)) [wanted.files, wanted.dirs, wanted.links][m.entry(i).type].push(i);
    const totalBytes = wanted.files.reduce((s, i) => s + m.entry(i).size, 0);
    const progress = new ProgressTracker(totalBytes, wanted.files.length, (s) =>
      emit({ type: 'archive.progress', op: 'extract', ...s }),
    );
    emit({ type: 'archive.start', op: 'extract', archive: opts.archive, totalBytes, totalFiles: wanted.files.length });

    for (const i of wanted.dirs) dirs.makeDir(m.entry(i).path);
    journal = ExtractJournal.create(dirs.root);
    restorer = new FileRestorer(reader, dirs, progress, emit, { journal, replace, umask: process.umask() });
    await restorer.run(wanted.files, pool, opts.signal);
    // Symlinks last: nothing is ever written through a link the archive itself created.
    for (const i of wanted.links) makeSymlink(reader, i, dirs);
    finishDirs(reader, wanted.dirs, dirs);

    progress.flush();
    emit({
      type: 'archive.done',
      op: 'extract',
      archive: opts.archive,
      elapsedSeconds: progress.elapsedSeconds,
      bytes: progress.bytes,
    });
    ok = true;
    const failed = restorer.failed;
    if (failed.length > 0) {
      throw new WarpError(
        ErrorCodes.VERIFY_FAILED,
        `${failed.length} file(s) could not be restored because the archive is damaged (first: ${failed[0].path}: ${failed[0].reason}); the other files were restored. Run 'warp archive verify' for a full report.`,
        { details: { failed } },
      );
    }
    return {
      files: wanted.files.length,
      dirs: wanted.dirs.length,
      symlinks: wanted.links.length,
      bytes: progress.bytes,
      skipped: skip.size,
      elapsedSeconds: progress.elapsedSeconds,
    };
  } finally {
    // Teardown must not throw: a failed removal once skipped closing the reader and the pool (the daemon
    // leaked 2 worker threads and ~11 descriptors per failed extract). cleanup() never throws.
    if (!ok) restorer?.cleanup();
    journal?.close();
    reader?.close();
    if (!opts.pool) await pool.close();
  }
}

/**
 * Existing files: everything is decided before the first write. Returns the entries to skip and those that
 * replace an existing file (written under a temporary name and renamed over it).
 */
function decideExisting(
  reader: ArchiveReader,
  selected: number[],
  dirs: TargetDirs,
  policy: ExistingPolicy,
  interrupted: boolean,
): { skip: Set<number>; replace: Set<number> } {
  const m = reader.manifest;
  const skip = new Set<number>();
  const replace = new Set<number>();
  const clashes: string[] = [];
  const listed = new DirListings(dirs);
  for (const i of selected) {
    const e = m.entry(i);
    const st = listed.mayExist(e.path) ? lstatOrUndefined(dirs.dest(e.path)) : undefined;
    if (!st) continue;
    if (e.type === EntryType.DIR && st.isDirectory()) continue;
    if (st.isDirectory())
      throw new WarpError(
        ErrorCodes.OUTPUT_EXISTS,
        `${dirs.dest(e.path)} is a directory; the archive has a ${e.type === EntryType.FILE ? 'file' : 'symlink'} there`,
      );
    if (policy === 'skip') skip.add(i);
    else if (policy === 'fail') clashes.push(e.path);
    else replace.add(i);
  }
  if (clashes.length > 0) {
    const resume = interrupted
      ? ' (to finish the interrupted extract, pass --skip: the files it left are complete)'
      : '';
    throw new WarpError(
      ErrorCodes.OUTPUT_EXISTS,
      `${clashes.length} file(s) already exist under ${dirs.root} (first: ${clashes[0]}); pass --overwrite to replace them or --skip to keep them${resume}`,
      { details: { paths: clashes.slice(0, 20) } },
    );
  }
  return { skip, replace };
}

/**
 * Which entry paths may exist under the target, from one listing per directory instead of one lstat per
 * entry (78k lstats, nearly all ENOENT, took ~1 s before the first write on a fresh target). Names compare
 * case- and normalization-folded, so a case-insensitive file system is never missed: a folded match is
 * confirmed by lstat.
 */
class DirListings {
  private readonly dirs: TargetDirs;
  private readonly names = new Map<string, Set<string> | undefined>();

  constructor(dirs: TargetDirs) {
    this.dirs = dirs;
  }

  mayExist(rel: string): boolean {
    const parent = parentOf(rel);
    let names = this.names.get(parent);
    if (!this.names.has(parent)) {
      names = this.list(parent);
      this.names.set(parent, names);
    }
    return names !== undefined && names.has(fold(rel.slice(parent === '' ? 0 : parent.length + 1)));
  }

  private list(parent: string): Set<string> | undefined {
    try {
      return new Set(fs.readdirSync(this.dirs.dest(parent)).map(fold));
    } catch {
      return undefined; // no such directory (or not one): nothing below it exists
    }
  }
}

function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** The link is made under a temporary name and renamed over whatever is there (a file being replaced). */
function makeSymlink(reader: ArchiveReader, i: number, dirs: TargetDirs): void {
  const e = reader.manifest.entry(i);
  dirs.ensureParent(e.path);
  const abs = dirs.dest(e.path);
  const temp = tempNameFor(abs);
  try {
    fs.symlinkSync(e.linkTarget!, temp);
    fs.renameSync(temp, abs);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw fromSystemError(err, abs, 'write');
  }
  try {
    fs.lutimesSync(abs, fileTime(e.mtimeMs), fileTime(e.mtimeMs));
  } catch {
    /* not supported everywhere */
  }
}

/** Directory modes and times last and deepest first, so a read-only directory does not block its children. */
function finishDirs(reader: ArchiveReader, list: number[], dirs: TargetDirs): void {
  for (let k = list.length - 1; k >= 0; k--) {
    const e = reader.manifest.entry(list[k]);
    try {
      fs.chmodSync(dirs.dest(e.path), e.mode & 0o7777);
      fs.utimesSync(dirs.dest(e.path), fileTime(e.mtimeMs), fileTime(e.mtimeMs));
    } catch (err) {
      throw fromSystemError(err, dirs.dest(e.path), 'write');
    }
  }
}
