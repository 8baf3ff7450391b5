/**
 * Enumerates the inputs of `archive create`, depth-first in byte order of names so the same tree always
 * gives the same manifest. Symlinks are recorded, never followed. Each input becomes a top-level entry
 * named by its basename (like `tar c dir`). Entries are stored in columns (no object or absolute path per
 * entry): 100k entries as objects cost ~50 MB of heap.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { DEFAULT_IGNORE, type IgnoreRules, type TreeMatcher } from '../ignore/matcher.ts';
import { EntryType } from '../model/manifest.ts';

export interface ScanResult {
  readonly count: number;
  rel(i: number): string;
  abs(i: number): string;
  type(i: number): EntryType;
  mode(i: number): number;
  mtimeMs(i: number): number;
  size(i: number): number;
  /** Inode number (files): with size and mtime, the identity a file index checks. */
  ino(i: number): number;
  linkTarget(i: number): string | undefined;
  totalBytes: number;
  fileCount: number;
  skipped: Array<{ path: string; reason: string }>;
  /** Entries the ignore rules left out (a folder counts once, whatever it held). */
  ignored: number;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

class Columns implements ScanResult {
  count = 0;
  totalBytes = 0;
  fileCount = 0;
  skipped: Array<{ path: string; reason: string }> = [];
  ignored = 0;
  private rels: string[] = [];
  private bases: string[] = [];
  private baseOf = new Uint16Array(1024);
  private types = new Uint8Array(1024);
  private modes = new Uint32Array(1024);
  private mtimes = new Float64Array(1024);
  private sizes = new Float64Array(1024);
  private inos = new Float64Array(1024);
  private links = new Map<number, string>();

  addBase(dir: string): number {
    this.bases.push(dir);
    return this.bases.length - 1;
  }

  push(base: number, rel: string, type: EntryType, st: fs.Stats, link?: string): void {
    const i = this.count++;
    if (i === this.types.length) {
      const grow = <T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as { new (n: number): T })(a.length * 2);
        b.set(a);
        return b;
      };
      this.baseOf = grow(this.baseOf);
      this.types = grow(this.types);
      this.modes = grow(this.modes);
      this.mtimes = grow(this.mtimes);
      this.sizes = grow(this.sizes);
      this.inos = grow(this.inos);
    }
    this.rels.push(rel);
    this.baseOf[i] = base;
    this.types[i] = type;
    this.modes[i] = st.mode & 0o7777;
    this.mtimes[i] = st.mtimeMs;
    this.sizes[i] = type === EntryType.FILE ? st.size : 0;
    this.inos[i] = st.ino;
    if (link !== undefined) this.links.set(i, link);
  }

  rel(i: number): string {
    return this.rels[i];
  }
  abs(i: number): string {
    return path.join(this.bases[this.baseOf[i]], this.rels[i]);
  }
  type(i: number): EntryType {
    return this.types[i] as EntryType;
  }
  mode(i: number): number {
    return this.modes[i];
  }
  mtimeMs(i: number): number {
    return this.mtimes[i];
  }
  size(i: number): number {
    return this.sizes[i];
  }
  ino(i: number): number {
    return this.inos[i];
  }
  linkTarget(i: number): string | undefined {
    return this.links.get(i);
  }
}

/**
 * `exclude` says which absolute paths never to enter (the archive being written, its temporary file);
 * `ignore` holds the user's rules (by default: the `.warpignore` files in the tree), applied under each input
 * that is a folder (the folder is the root its `.warpignore` files and patterns are read against). What the
 * rules leave out is counted in `ignored`.
 */
export function scanInputs(
  inputs: string[],
  exclude: (abs: string) => boolean = () => false,
  ignore: IgnoreRules = DEFAULT_IGNORE,
): ScanResult {
  if (inputs.length === 0)
    throw new WarpError(ErrorCodes.USAGE, 'nothing to archive: give at least one file or directory');
  const out = new Columns();
  const tops = new Set<string>();

  let matcher: TreeMatcher | undefined; // the current input's
  let topLen = 0;
  const visit = (base: number, abs: string, rel: string): void => {
    if (exclude(abs)) return;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(abs);
    } catch (e) {
      throw fromSystemError(e, abs, 'read');
    }
    if (matcher && rel.length > topLen && matcher.excludes(rel.slice(topLen), st.isDirectory())) {
      out.ignored++;
      return;
    }
    if (st.isFile()) {
      out.push(base, rel, EntryType.FILE, st);
      out.totalBytes += st.size;
      out.fileCount++;
    } else if (st.isSymbolicLink()) {
      out.push(base, rel, EntryType.SYMLINK, st, fs.readlinkSync(abs));
    } else if (st.isDirectory()) {
      out.push(base, rel, EntryType.DIR, st);
      let names: string[];
      try {
        names = fs.readdirSync(abs);
      } catch (e) {
        throw fromSystemError(e, abs, 'read');
      }
      names.sort(byName);
      for (const n of names) visit(base, path.join(abs, n), `${rel}/${n}`);
    } else {
      out.skipped.push({ path: rel, reason: 'not a regular file, directory or symlink' });
    }
  };

  for (const input of inputs) {
    const abs = path.resolve(input);
    const top = path.basename(abs);
    if (top === '' || top === '.' || top === '..')
      throw new WarpError(ErrorCodes.USAGE, `cannot archive '${input}' (it has no name); archive its contents instead`);
    if (tops.has(top))
      throw new WarpError(
        ErrorCodes.USAGE,
        `two inputs have the same name '${top}': archive them from a common parent directory instead`,
      );
    tops.add(top);
    matcher = ignore.forRoot(abs);
    topLen = top.length + 1;
    visit(out.addBase(path.dirname(abs)), abs, top);
  }
  return out;
}
