/**
 * Web-mode uploads (browsers give no paths): each dropped file is streamed to a staging folder under
 * WARP_HOME/uploads/<id>/files at its validated relative path, then the staged tree is archived and removed.
 * Memory stays bounded: bodies are piped to disk, never buffered whole.
 * What the archive keeps of a browser's files: their bytes, their times (File.lastModified), the folders of
 * the drop including empty ones (and their times where the browser tells them), and ordinary modes (0644
 * files, 0755 folders): a browser never tells a file's mode, so none is made up beyond the usual default.
 * Privacy comes from the 0700 upload folder above the staged tree.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { InputError } from '../core/schema.ts';

interface Upload {
  id: string;
  dir: string;
  files: number;
  bytes: number;
  createdAt: number;
  committed: boolean;
}

/** Stale uploads (never committed) are removed after this long. */
const STALE_MS = 24 * 3600_000;

/** A relative path from a browser, made safe: no absolute paths, no `..`, no empty or odd segments. */
export function safeRelativePath(p: string): string {
  if (typeof p !== 'string' || p.length === 0) throw new InputError('query.path', 'is required');
  if (p.length > 4096) throw new InputError('query.path', 'is too long');
  if (p.includes('\0')) throw new InputError('query.path', 'must not contain NUL');
  const norm = p.replace(/\\/g, '/');
  if (norm.startsWith('/') || /^[A-Za-z]:/.test(norm))
    throw new InputError('query.path', `must be relative (got '${p}')`);
  const parts = norm.split('/');
  for (const s of parts) {
    if (s === '' || s === '.' || s === '..')
      throw new InputError('query.path', `must not contain empty, '.' or '..' segments (got '${p}')`);
    if (Buffer.byteLength(s) > 255) throw new InputError('query.path', 'has a name longer than 255 bytes');
  }
  return parts.join('/');
}

export class Uploads {
  private readonly root: string;
  private readonly items = new Map<string, Upload>();

  constructor(home: string) {
    this.root = path.join(home, 'uploads');
    this.sweep();
  }

  begin(): { upload: string } {
    const id = crypto.randomBytes(12).toString('hex');
    const dir = path.join(this.root, id);
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.mkdirSync(path.join(dir, 'files'), { mode: 0o755 });
    } catch (e) {
      throw fromSystemError(e, dir, 'write');
    }
    this.items.set(id, { id, dir, files: 0, bytes: 0, createdAt: Date.now(), committed: false });
    return { upload: id };
  }

  private get(id: string): Upload {
    const u = this.items.get(id);
    if (!u)
      throw new WarpError(
        ErrorCodes.SESSION_NOT_FOUND,
        `no upload '${id}' (it was committed, discarded, or the daemon restarted)`,
        { details: { status: 404 } },
      );
    if (u.committed)
      throw new WarpError(ErrorCodes.USAGE, `upload '${id}' is already being archived`, { details: { status: 409 } });
    return u;
  }

  /** Streams one file body to its staged path (a temporary name first, renamed when complete). */
  async file(id: string, relPath: string, body: Readable, mtimeMs?: number): Promise<{ path: string; bytes: number }> {
    const u = this.get(id);
    const rel = safeRelativePath(relPath);
    const files = path.join(u.dir, 'files');
    const abs = path.join(files, ...rel.split('/'));
    if (!abs.startsWith(files + path.sep)) throw new InputError('query.path', `escapes the upload (got '${relPath}')`);
    const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.part-${crypto.randomBytes(4).toString('hex')}`);
    let bytes = 0;
    try {
      fs.mkdirSync(path.dirname(abs), { recursive: true, mode: 0o755 });
      body.on('data', (d: Buffer) => {
        bytes += d.length;
      });
      await pipeline(body, fs.createWriteStream(tmp, { mode: 0o644 }));
      if (mtimeMs !== undefined) fs.utimesSync(tmp, new Date(), new Date(mtimeMs));
      fs.renameSync(tmp, abs);
    } catch (e) {
      // Where a parent is a file (a then a/b), the part file was never made and removing it fails with ENOTDIR.
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        /* nothing to remove */
      }
      if (
        (e as NodeJS.ErrnoException).code === 'EEXIST' ||
        (e as NodeJS.ErrnoException).code === 'ENOTDIR' ||
        (e as NodeJS.ErrnoException).code === 'EISDIR'
      ) {
        throw new WarpError(
          ErrorCodes.OUTPUT_EXISTS,
          `query.path: '${rel}' clashes with a file or folder already uploaded`,
          { details: { status: 409, code: 'UPLOAD_PATH_CLASH' } },
        );
      }
      throw fromSystemError(e, abs, 'write');
    }
    u.files++;
    u.bytes += bytes;
    return { path: rel, bytes };
  }

  /**
   * The staged top-level entries to archive; marks the upload as taken. `dirs` (the drop's folders) are made
   * first, so empty ones are archived too, then each listed folder gets its time, deepest first (making a
   * child folder or file changes its parent's time).
   */
  commit(
    id: string,
    dirs: ReadonlyArray<{ path: string; mtimeMs?: number }> = [],
  ): { inputs: string[]; cleanup: () => void } {
    const u = this.get(id);
    const files = path.join(u.dir, 'files');
    this.makeDirs(files, dirs);
    const inputs = fs
      .readdirSync(files)
      .filter((n) => !n.startsWith('.') || !n.includes('.part-'))
      .map((n) => path.join(files, n));
    if (inputs.length === 0) throw new InputError('upload', 'no files were uploaded');
    u.committed = true;
    return { inputs, cleanup: () => this.remove(id) };
  }

  private makeDirs(files: string, dirs: ReadonlyArray<{ path: string; mtimeMs?: number }>): void {
    const made = dirs.map((d) => ({
      abs: path.join(files, ...safeRelativePath(d.path).split('/')),
      mtimeMs: d.mtimeMs,
    }));
    try {
      for (const d of made) fs.mkdirSync(d.abs, { recursive: true, mode: 0o755 });
      made.sort((a, b) => b.abs.length - a.abs.length);
      for (const d of made) if (d.mtimeMs !== undefined) fs.utimesSync(d.abs, new Date(), new Date(d.mtimeMs));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR')
        throw new WarpError(ErrorCodes.OUTPUT_EXISTS, 'dirs: a folder clashes with a file already uploaded', {
          details: { status: 409, code: 'UPLOAD_PATH_CLASH' },
        });
      throw fromSystemError(e, files, 'write');
    }
  }

  discard(id: string): { removed: boolean } {
    if (!this.items.has(id)) return { removed: false };
    this.remove(id);
    return { removed: true };
  }

  private remove(id: string): void {
    const u = this.items.get(id);
    this.items.delete(id);
    if (u) fs.rmSync(u.dir, { recursive: true, force: true });
  }

  /** Removes staging folders left by an earlier run. */
  private sweep(): void {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.root);
    } catch {
      return;
    }
    for (const n of names) {
      const d = path.join(this.root, n);
      try {
        if (Date.now() - fs.statSync(d).mtimeMs > STALE_MS || !this.items.has(n))
          fs.rmSync(d, { recursive: true, force: true });
      } catch {
        /* gone */
      }
    }
  }
}
