/**
 * Mirror mode (`send --delete`, `fetch --delete`): after a received tree is in place, whatever the
 * destination holds under the tree's top-level folders and the tree does not is removed, so the destination
 * is an exact copy. The receiver calls this once every file is renamed into place and before symlinks and
 * folder times are set (removing entries changes a folder's mtime).
 *
 * Contract:
 * - Only inside the tree's top-level folders (`send ~/Photos peer:/backup` mirrors `/backup/Photos`, never
 *   its siblings); a top-level file has nothing to mirror.
 * - Removed files and symlinks go to `<top>/.warp-versions/` (versions.ts) unless `versions` is false.
 * - Protected, never removed: the versions folder, the engine's temporary names (other sessions' part files,
 *   archives being written, sync staging folders), and what the tree's ignore rules leave out: the sender's
 *   patterns plus the `.warpignore` files now in place (rsync: excluded files are not deleted). A folder that
 *   still holds something protected stays.
 * - Bounded: one directory listing at a time, depth-first; nothing is held per removed path but counters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fromSystemError } from '../core/errors.ts';
import { EntryType, type Manifest } from '../model/manifest.ts';
import { IgnoreRules, VERSIONS_DIR, type TreeMatcher } from '../ignore/matcher.ts';
import { keepVersion } from './versions.ts';

/** What the sender asks for (the `mirror` field of a push). */
export interface MirrorOptions {
  /** Keep removed files in `.warp-versions/` (default true). */
  versions?: boolean;
  /** The sender's ignore patterns (root-relative), so what it left out is not deleted here. */
  patterns?: string[];
  /** Whether the sender read `.warpignore` files (then they are read here too). */
  warpignore?: boolean;
}

export interface MirrorResult {
  /** Files and symlinks removed. */
  deletedFiles: number;
  deletedDirs: number;
  deletedBytes: number;
  /** How many of the removed files went to the versions folder. */
  versioned: number;
  /** Paths left because ignore rules protect them (what the sender left out). */
  protectedPaths: number;
}

/** The mirror request of a push as the wire schema checked it (net/wire.ts), with defaults filled in. */
export function mirrorOptionsOf(
  v: { versions?: boolean; patterns?: string[]; warpignore?: boolean } | undefined,
): MirrorOptions | undefined {
  if (!v) return undefined;
  return { versions: v.versions !== false, patterns: v.patterns ?? [], warpignore: v.warpignore !== false };
}

const TEMPORARY = /\.warp-part-[0-9a-f]+$|\.warp-tmp-|^\.warp-sync-stage-/;

export function mirrorTree(m: Manifest, target: string, o: MirrorOptions, nowMs = Date.now()): MirrorResult {
  const r: MirrorResult = { deletedFiles: 0, deletedDirs: 0, deletedBytes: 0, versioned: 0, protectedPaths: 0 };
  const rules = IgnoreRules.compile({ patterns: o.patterns ?? [], warpignore: o.warpignore !== false });
  for (let i = 0; i < m.entryCount; i++) {
    const e = m.entry(i);
    if (e.type !== EntryType.DIR || e.path.includes('/')) continue;
    const top = path.join(target, e.path);
    const walker = new Pruner(m, e.path, top, rules.forRoot(top), o.versions !== false, nowMs, r);
    walker.visit('');
  }
  return r;
}

/** One top-level folder's removal walk. */
class Pruner {
  private readonly m: Manifest;
  private readonly top: string;
  private readonly topAbs: string;
  private readonly matcher: TreeMatcher;
  private readonly versions: boolean;
  private readonly now: number;
  private readonly r: MirrorResult;

  constructor(
    m: Manifest,
    top: string,
    topAbs: string,
    matcher: TreeMatcher,
    versions: boolean,
    now: number,
    r: MirrorResult,
  ) {
    this.m = m;
    this.top = top;
    this.topAbs = topAbs;
    this.matcher = matcher;
    this.versions = versions;
    this.now = now;
    this.r = r;
  }

  /** Walks folder `rel` (relative to the top; '' is the top): removes what the tree lacks, recurses into what it has. */
  visit(rel: string): void {
    const abs = rel === '' ? this.topAbs : path.join(this.topAbs, ...rel.split('/'));
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      throw fromSystemError(e, abs, 'read');
    }
    for (const d of names) {
      const childRel = rel === '' ? d.name : `${rel}/${d.name}`;
      if (rel === '' && d.name === VERSIONS_DIR) continue;
      if (TEMPORARY.test(d.name)) continue;
      const isDir = d.isDirectory();
      const inTree = this.m.indexOfPath(`${this.top}/${childRel}`);
      if (inTree >= 0) {
        if (isDir && this.m.entry(inTree).type === EntryType.DIR) this.visit(childRel);
        continue;
      }
      if (this.matcher.excludes(childRel, isDir)) {
        this.r.protectedPaths++;
        continue;
      }
      if (isDir) this.removeDir(childRel);
      else this.removeFile(childRel, path.join(abs, d.name));
    }
  }

  /** A folder the tree lacks: everything in it goes (but what is protected), then the folder if empty. */
  private removeDir(rel: string): void {
    const abs = path.join(this.topAbs, ...rel.split('/'));
    this.visit(rel); // nothing under it is in the tree, so every entry is removed or protected
    try {
      fs.rmdirSync(abs);
      this.r.deletedDirs++;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw fromSystemError(e, abs, 'write');
    }
  }

  private removeFile(rel: string, abs: string): void {
    const st = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (!st) return;
    if (this.versions) {
      keepVersion(this.topAbs, rel, this.now);
      this.r.versioned++;
    } else {
      try {
        fs.unlinkSync(abs);
      } catch (e) {
        throw fromSystemError(e, abs, 'write');
      }
    }
    this.r.deletedFiles++;
    if (st.isFile()) this.r.deletedBytes += st.size;
  }
}
