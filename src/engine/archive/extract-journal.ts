/**
 * The write-ahead journal of an extract, so that new files can be written straight under their final names
 * (one create per file, as tar does, instead of a temporary name and a rename) without a killed extract
 * leaving a truncated file that looks complete.
 *
 * Before a batch of files is written, one record lists their paths (relative to the target); once every
 * file of the batch is complete (hash checked before writing, mode and time set, closed), a second record
 * says so. The journal lives in the target's root as `.warp-extract-<host>-<pid>-<random>` and is removed
 * when the extract ends, whether it succeeded or failed in an orderly way (a failing file is removed by
 * whoever was writing it, so an orderly end never leaves a partial file). Only a process that dies
 * (SIGKILL, power cut, crash) leaves it behind; the next extract into that target, seeing a journal of a
 * dead process of this host, removes every file its open records name before anything else, so what stays
 * under a final name is complete. Paths are checked as entry paths again and never followed through a
 * symbolic link (the journal sits in a folder others may write to).
 *
 * Records are JSON lines: {"b":id,"p":[paths]} opens a batch, {"d":id} closes it. The file is rewritten
 * with only the open records whenever it passes COMPACT_BYTES, so it stays small whatever the file count.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fromSystemError } from '../core/errors.ts';
import { unsafePathReason } from '../model/entry-paths.ts';
import { ownedName, ownerGone } from './sink.ts';

const JOURNAL_NAME = /^\.warp-extract-([0-9a-f]{4})-([0-9a-z]{1,8})-[0-9a-f]{8}$/;
const COMPACT_BYTES = 4 * 1024 * 1024;
/** A stale journal is read up to this size (a real one stays near COMPACT_BYTES plus one batch). */
const READ_LIMIT = 64 * 1024 * 1024;

export class ExtractJournal {
  readonly file: string;
  /** Opened at the first record: an extract that writes nothing (all skipped) needs no write access to the root. */
  private fd = -1;
  private at = 0;
  private nextId = 0;
  private readonly open = new Map<number, string[]>();
  private closed = false;

  private constructor(file: string) {
    this.file = file;
  }

  /** This extract's journal in `root` (an existing directory); the file is created with the first record. */
  static create(root: string): ExtractJournal {
    return new ExtractJournal(path.join(root, ownedName('.warp-extract')));
  }

  /** Records that the files at these relative paths are about to be written; returns the record's id. */
  begin(paths: string[]): number {
    const id = this.nextId++;
    this.open.set(id, paths);
    this.append(JSON.stringify({ b: id, p: paths }) + '\n');
    return id;
  }

  /** Records that every file of the batch `id` is complete (or was removed). */
  done(id: number): void {
    if (!this.open.delete(id)) return;
    if (this.at > COMPACT_BYTES) this.compact();
    else this.append(JSON.stringify({ d: id }) + '\n');
  }

  /** Removes the journal (the extract ended; nothing partial is left under a final name). Never throws. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd < 0) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
    try {
      fs.rmSync(this.file, { force: true });
    } catch {
      /* a stale journal is only a cost for the next extract here, never a wrong file */
    }
  }

  private append(line: string): void {
    try {
      if (this.fd < 0) this.fd = fs.openSync(this.file, 'wx', 0o600);
      this.at += fs.writeSync(this.fd, line, this.at);
    } catch (err) {
      throw fromSystemError(err, this.file, 'write');
    }
  }

  /** Rewrites the journal with only the open records (truncate first: a crash in between loses nothing open). */
  private compact(): void {
    const text = [...this.open].map(([b, p]) => JSON.stringify({ b, p }) + '\n').join('');
    try {
      fs.ftruncateSync(this.fd, 0);
    } catch (err) {
      throw fromSystemError(err, this.file, 'write');
    }
    this.at = 0;
    this.append(text);
  }
}

/**
 * Rolls back what killed extracts into `root` left: for each journal of a dead process of this host, removes
 * every regular file its open records name (a file being written when the process died), then the journal.
 * Returns the relative paths removed. A record that does not parse (the line being written at the kill) is
 * ignored: its batch had not started.
 */
export function recoverJournals(root: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    return [];
  }
  for (const name of names) {
    const m = JOURNAL_NAME.exec(name);
    if (!m || !ownerGone(m[1], m[2])) continue;
    const file = path.join(root, name);
    for (const rel of openPaths(file)) if (removeInside(root, realRoot, rel)) removed.push(rel);
    try {
      fs.rmSync(file, { force: true });
    } catch {
      /* raced with another extract's recovery */
    }
  }
  return removed;
}

/** True for a name ExtractJournal uses (any process). */
export function isJournalName(name: string): boolean {
  return JOURNAL_NAME.test(name);
}

function openPaths(file: string): string[] {
  let text: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(fs.fstatSync(fd).size, READ_LIMIT));
      text = buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return [];
  }
  const open = new Map<number, unknown>();
  for (const line of text.split('\n')) {
    let r: { b?: unknown; p?: unknown; d?: unknown };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      continue;
    }
    if (typeof r !== 'object' || r === null) continue;
    if (typeof r.b === 'number' && Array.isArray(r.p)) open.set(r.b, r.p);
    else if (typeof r.d === 'number') open.delete(r.d);
  }
  return [...open.values()].flatMap((p) => (p as unknown[]).filter((x): x is string => typeof x === 'string'));
}

/** Removes root/rel when rel is a safe entry path, no parent is a symbolic link, and it is a regular file. */
function removeInside(root: string, realRoot: string, rel: string): boolean {
  if (unsafePathReason(rel)) return false;
  const abs = path.join(root, ...rel.split('/'));
  try {
    if (fs.realpathSync(path.dirname(abs)) !== path.join(realRoot, ...rel.split('/').slice(0, -1))) return false;
    if (!fs.lstatSync(abs).isFile()) return false;
    fs.unlinkSync(abs);
    return true;
  } catch {
    return false;
  }
}
