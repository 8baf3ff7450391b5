/**
 * Watches a folder tree for changes with one `fs.watch` per directory (inotify on Linux), keeping no state per
 * file: the sync scan, not the watcher, decides what changed, so the watcher only has to say "something under
 * here moved". chokidar (and Node's recursive fs.watch on Linux) stat and remember every file: over a
 * 100k-file folder that was ~430 MB of RSS and ~10 s of CPU before the first event; this is ~17 MB and 0.2 s
 * (BENCHMARKS.md, "Sync: idle watcher"). Directories that appear are watched as they appear; ignored
 * directories are never entered. Running out of inotify watches is reported through onError with what to do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError } from '../core/errors.ts';

export interface FolderWatchOptions {
  /** Whether a path (absolute) is left out; `isDir` when known. Ignored directories are not entered. */
  ignored: (abs: string, isDir: boolean | undefined) => boolean;
  /** Something changed at this path (a file or directory created, changed, removed or renamed). */
  onChange: (abs: string) => void;
  onError: (e: Error) => void;
}

export class FolderWatcher {
  private readonly root: string;
  private readonly o: FolderWatchOptions;
  private readonly dirs = new Map<string, fs.FSWatcher>();
  private closed = false;

  constructor(root: string, o: FolderWatchOptions) {
    this.root = path.resolve(root);
    this.o = o;
  }

  /** Watches every directory of the tree that is not ignored (synchronously: events after this are seen). */
  start(): void {
    this.watchTree(this.root);
  }

  close(): void {
    this.closed = true;
    for (const w of this.dirs.values()) w.close();
    this.dirs.clear();
  }

  /** How many directories are watched (tests, status). */
  get size(): number {
    return this.dirs.size;
  }

  private watchTree(dir: string): void {
    const stack = [dir];
    while (stack.length && !this.closed) {
      const d = stack.pop()!;
      if (this.dirs.has(d) || !this.watchDir(d)) continue;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        continue; // gone or unreadable meanwhile: its parent's watcher reports it
      }
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        const abs = path.join(d, e.name);
        if (!this.o.ignored(abs, true)) stack.push(abs);
      }
    }
  }

  private watchDir(d: string): boolean {
    let w: fs.FSWatcher;
    try {
      w = fs.watch(d, (_type, name) => this.event(d, name)); // persistent: a running `warp sync run` lives on it
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EMFILE')
        this.o.onError(
          new WarpError(
            ErrorCodes.INTERNAL,
            `cannot watch ${d}: the system's limit of watched folders is reached (${code}); raise fs.inotify.max_user_watches or leave large folders out with .warpignore`,
          ),
        );
      return false; // ENOENT and the like: gone meanwhile
    }
    w.on('error', () => {
      w.close();
      this.dirs.delete(d);
    });
    this.dirs.set(d, w);
    return true;
  }

  private event(dir: string, name: string | Buffer | null): void {
    if (this.closed) return;
    if (name === null) {
      this.o.onChange(dir);
      return;
    }
    const abs = path.join(dir, name.toString());
    if (!fs.existsSync(this.root)) this.forgetUnder(this.root); // the root went away: watched again once back
    const st = fs.lstatSync(abs, { throwIfNoEntry: false });
    const isDir = st?.isDirectory();
    if (this.o.ignored(abs, isDir)) return;
    if (isDir && !this.dirs.has(abs)) this.watchTree(abs);
    if (!st) this.forgetUnder(abs);
    this.o.onChange(abs);
  }

  /** A removed directory: its watchers (and those below it) end. */
  private forgetUnder(abs: string): void {
    const prefix = abs + path.sep;
    for (const [d, w] of this.dirs) {
      if (d === abs || d.startsWith(prefix)) {
        w.close();
        this.dirs.delete(d);
      }
    }
  }
}
