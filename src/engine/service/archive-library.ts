/**
 * The archive library: every archive Warp created or opened, with its size, dates, encryption and last verify,
 * kept across restarts in `<WARP_HOME>/library.json`. One small JSON file, read again before each use and written
 * whole (temp + rename) after each change, so the daemon and a `warp` command sharing a home both add to it
 * (the last writer of one same moment wins; nothing worse). Bounded to MAX_ENTRIES: the least recently used fall
 * off. A damaged file is set aside as `library.json.bad` and the library starts empty: losing the list loses no
 * archive.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LibraryEntryDto } from '../../shared/bridge.ts';

export const MAX_ENTRIES = 2000;
const FILE_VERSION = 1;

/** What the service knows when it records an archive (a create's result or an info's totals). */
export interface LibraryFacts {
  archive: string;
  archiveBytes: number;
  files: number;
  bytes: number;
  encrypted: boolean;
}

export class ArchiveLibrary {
  private readonly file: string;
  private readonly entries = new Map<string, LibraryEntryDto>();

  constructor(home: string) {
    this.file = path.join(home, 'library.json');
  }

  /** All entries, most recently used first, each with its file's present state. */
  list(): LibraryEntryDto[] {
    this.load();
    return [...this.entries.values()]
      .sort((a, b) => b.usedAt.localeCompare(a.usedAt))
      .map((e) => ({ ...e, ...presentState(e) }));
  }

  record(facts: LibraryFacts, source: LibraryEntryDto['source']): void {
    this.load();
    const archive = path.resolve(facts.archive);
    const now = new Date().toISOString();
    const old = this.entries.get(archive);
    const st = statOf(archive);
    this.entries.delete(archive);
    this.entries.set(archive, {
      ...old,
      ...facts,
      archive,
      // An archive created again over an old one is a new archive: its old verify no longer says anything.
      source: old && source === 'opened' ? old.source : source,
      addedAt: old?.addedAt ?? now,
      usedAt: now,
      ...(st ? { modifiedAt: new Date(st.mtimeMs).toISOString() } : {}),
      ...(source === 'created' ? { verified: undefined } : {}),
    });
    this.trim();
    this.save();
  }

  /** A verify finished: record its outcome on the archive's entry (an archive not listed stays unlisted). */
  verified(archive: string, ok: boolean, damagedFiles: number): void {
    this.load();
    const e = this.entries.get(path.resolve(archive));
    if (!e) return;
    e.verified = { at: new Date().toISOString(), ok, damagedFiles };
    this.save();
  }

  /** Forgets an archive (the file itself is left alone). */
  remove(archive: string): boolean {
    this.load();
    const had = this.entries.delete(path.resolve(archive));
    if (had) this.save();
    return had;
  }

  private trim(): void {
    if (this.entries.size <= MAX_ENTRIES) return;
    const oldest = [...this.entries.values()].sort((a, b) => a.usedAt.localeCompare(b.usedAt));
    for (const e of oldest.slice(0, this.entries.size - MAX_ENTRIES)) this.entries.delete(e.archive);
  }

  private load(): void {
    this.entries.clear();
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return; // no library yet
    }
    try {
      const doc = JSON.parse(text) as { version?: number; archives?: unknown };
      if (doc.version !== FILE_VERSION || !Array.isArray(doc.archives)) throw new Error('unknown shape');
      for (const e of doc.archives) if (isEntry(e)) this.entries.set(e.archive, e);
    } catch {
      try {
        fs.renameSync(this.file, `${this.file}.bad`);
      } catch {
        /* leave it; the next save replaces it */
      }
    }
  }

  private save(): void {
    const archives = [...this.entries.values()].map(({ missing: _m, ...e }) => e);
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify({ version: FILE_VERSION, archives }, null, 1), { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch {
      // The library is a convenience: a full or read-only disk must not fail the archive job that recorded it.
      fs.rmSync(tmp, { force: true });
    }
  }
}

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** The file as it is now; a verify older than the file's last change says nothing about it any more. */
function presentState(e: LibraryEntryDto): Partial<LibraryEntryDto> {
  const st = statOf(e.archive);
  if (!st?.isFile()) return { missing: true };
  const stale = e.verified !== undefined && st.mtimeMs > Date.parse(e.verified.at) + 1000;
  return {
    archiveBytes: st.size,
    modifiedAt: new Date(st.mtimeMs).toISOString(),
    ...(stale ? { verified: undefined } : {}),
  };
}

function isEntry(e: unknown): e is LibraryEntryDto {
  const o = e as Partial<LibraryEntryDto> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.archive === 'string' &&
    path.isAbsolute(o.archive) &&
    typeof o.archiveBytes === 'number' &&
    typeof o.files === 'number' &&
    typeof o.bytes === 'number' &&
    typeof o.encrypted === 'boolean' &&
    typeof o.addedAt === 'string' &&
    typeof o.usedAt === 'string'
  );
}
