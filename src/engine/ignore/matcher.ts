/**
 * The one place that decides which paths of a tree are left out, for every walk that reads a tree
 * (`archive create`, `send`, `plan`, the sync scan, the sync watcher). Contract:
 *
 * - Rules come in levels. The base level is the job's rules (presets, `--exclude-from` files, `--exclude`
 *   patterns, per-job patterns), read relative to the tree's root. Then each folder may hold a
 *   `.warpignore` file whose patterns are relative to that folder. Deeper levels win over shallower ones
 *   and, within a level, the last matching line wins, so `!pattern` in a subfolder re-includes what a
 *   preset left out: git's precedence for .gitignore over core.excludesFile.
 * - gitignore semantics come from the `ignore` library (negation, `/` anchoring, `dir/` for folders only,
 *   `**`). As in git, nothing under an excluded folder can be re-included (walks never enter it).
 * - The engine's own versions folder (`.warp-versions/` at the root) is always left out.
 * - Invalid patterns are E_IGNORE_INVALID naming the file and line (patterns.ts); a `.warpignore` is read
 *   when its folder is first asked about and kept for the matcher's lifetime (one walk, or one watcher
 *   until the file changes: `forget`).
 */
import path from 'node:path';
import ignorePkg, { type Ignore } from 'ignore';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { checkPatterns, presetPatterns, readPatternFile } from './patterns.ts';

export const IGNORE_FILE = '.warpignore';
export const VERSIONS_DIR = '.warp-versions';

/** What a job or command asks to leave out, besides the `.warpignore` files in the tree. */
export interface IgnoreSpec {
  /** Preset names (patterns.ts IGNORE_PRESETS, or `junk` for all). */
  presets?: readonly string[];
  /** Files of patterns (`--exclude-from`), relative to the root like `--exclude` patterns. */
  patternFiles?: readonly string[];
  /** Patterns (`--exclude`, per-job patterns). */
  patterns?: readonly string[];
  /** Read `.warpignore` files inside the tree (default true). */
  warpignore?: boolean;
}

/**
 * One level's rules. The library caches every path it was asked about (and each path's parents), which
 * over a 100k-file walk would keep every name alive; the instance is rebuilt (regexes are cached by the
 * library per pattern) after a bounded number of questions so the cache stays bounded.
 */
class Level {
  private ig: Ignore;
  private asked = 0;
  private readonly patterns: readonly string[];
  constructor(patterns: readonly string[]) {
    this.patterns = patterns;
    this.ig = Level.build(patterns);
  }
  // A CommonJS package: under NodeNext the default import is module.exports, whose `default` is the factory.
  private static build(patterns: readonly string[]): Ignore {
    return ignorePkg.default({ ignorecase: false }).add(patterns as string[]);
  }
  /** 1 excluded, -1 re-included by a `!` line, 0 no line matched. */
  test(rel: string): number {
    if (++this.asked > 4096) {
      this.ig = Level.build(this.patterns);
      this.asked = 0;
    }
    const r = this.ig.test(rel);
    return r.ignored ? 1 : r.unignored ? -1 : 0;
  }
}

/** The base rules of a spec, read and checked once; `forRoot` gives a tree's matcher. */
export class IgnoreRules {
  private readonly base: Level | undefined;
  private readonly basePatterns: readonly string[];
  readonly warpignore: boolean;
  private readonly scope: Scope | undefined;
  private constructor(base: Level | undefined, basePatterns: readonly string[], warpignore: boolean, scope?: Scope) {
    this.base = base;
    this.basePatterns = basePatterns;
    this.warpignore = warpignore;
    this.scope = scope;
  }

  /**
   * These rules narrowed further (sync's selective folders and held paths): `only` keeps just these folders
   * (relative to the root, '/'-separated) and the folders above them; `without` leaves out these exact file
   * paths. Both decide before any pattern, so no `.warpignore` line can bring a path back.
   */
  restrict(r: { only?: readonly string[]; without?: Iterable<string> }): IgnoreRules {
    const scope = new Scope(
      [...(this.scope?.only ?? []), ...(r.only ?? [])],
      new Set([...(this.scope?.without ?? []), ...(r.without ?? [])]),
    );
    return new IgnoreRules(this.base, this.basePatterns, this.warpignore, scope.empty ? undefined : scope);
  }

  static compile(spec: IgnoreSpec = {}): IgnoreRules {
    const lines: string[] = [...presetPatterns(spec.presets ?? [])];
    for (const f of spec.patternFiles ?? []) {
      const got = readPatternFile(path.resolve(f));
      if (got === undefined)
        throw new WarpError(ErrorCodes.INPUT_NOT_FOUND, `the --exclude-from file '${f}' does not exist`);
      lines.push(...got);
    }
    lines.push(...checkPatterns(spec.patterns ?? [], '--exclude pattern'));
    return new IgnoreRules(lines.length ? new Level(lines) : undefined, lines, spec.warpignore !== false);
  }

  /** The patterns the spec adds to the `.warpignore` files (for `--dry-run` and the API). */
  get patterns(): readonly string[] {
    return this.basePatterns;
  }

  forRoot(root: string): TreeMatcher {
    return new TreeMatcher(path.resolve(root), this.base, this.warpignore, this.scope);
  }
}

/** A restriction by exact paths (see IgnoreRules.restrict): a set lookup and a few prefix tests per path. */
class Scope {
  readonly only: readonly string[];
  readonly without: ReadonlySet<string>;
  constructor(only: readonly string[], without: ReadonlySet<string>) {
    this.only = only;
    this.without = without;
  }
  get empty(): boolean {
    return this.only.length === 0 && this.without.size === 0;
  }
  excludes(rel: string, isDir: boolean): boolean {
    if (!isDir && this.without.has(rel)) return true;
    if (this.only.length === 0) return false;
    const inside = this.only.some((o) => rel === o || rel.startsWith(`${o}/`));
    const above = isDir && this.only.some((o) => o.startsWith(`${rel}/`));
    return !inside && !above;
  }
}

export class TreeMatcher {
  /** Folder (relative, '' for the root) to its `.warpignore` level, or null when it has none. */
  private readonly levels = new Map<string, Level | null>();

  readonly root: string;
  private readonly base: Level | undefined;
  private readonly warpignore: boolean;
  private readonly scope: Scope | undefined;
  constructor(root: string, base: Level | undefined, warpignore: boolean, scope?: Scope) {
    this.root = root;
    this.base = base;
    this.warpignore = warpignore;
    this.scope = scope;
  }

  /**
   * Whether `rel` ('/'-separated, relative to the root) is left out, assuming its parent folders are not
   * (what a walk knows: it never enters an excluded folder).
   */
  excludes(rel: string, isDir: boolean): boolean {
    if (rel === '' || rel === '.') return false;
    if (isDir && rel === VERSIONS_DIR) return true;
    if (this.scope?.excludes(rel, isDir)) return true;
    const subject = isDir ? `${rel}/` : rel;
    // Deepest level first: the first level with a matching line decides.
    let dir = parentOf(rel);
    for (;;) {
      const lv = this.levelOf(dir);
      if (lv) {
        const v = lv.test(dir === '' ? subject : subject.slice(dir.length + 1));
        if (v !== 0) return v > 0;
      }
      if (dir === '') break;
      dir = parentOf(dir);
    }
    return this.base ? this.base.test(subject) > 0 : false;
  }

  /** Whether `rel` or any folder above it is left out (for a path no walk has seen, like a watcher event). */
  excludesPath(rel: string, isDir: boolean): boolean {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) if (this.excludes(parts.slice(0, i).join('/'), true)) return true;
    return this.excludes(rel, isDir);
  }

  /** For an absolute path inside the root: its relative name, or undefined when it is outside. */
  relOf(abs: string): string | undefined {
    const r = path.relative(this.root, abs);
    if (r.startsWith('..') || path.isAbsolute(r)) return undefined;
    return r.split(path.sep).join('/');
  }

  /** Drops what was read of folder `relDir`'s `.warpignore` (it changed): it is read again when next needed. */
  forget(relDir: string): void {
    this.levels.delete(relDir);
  }

  private levelOf(dir: string): Level | null {
    if (!this.warpignore) return null;
    let lv = this.levels.get(dir);
    if (lv === undefined) {
      const file = path.join(this.root, dir, IGNORE_FILE);
      const lines = readPatternFile(file);
      lv = lines && lines.some((l) => l.trim() !== '' && !l.startsWith('#')) ? new Level(lines) : null;
      this.levels.set(dir, lv);
    }
    return lv;
  }
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

/** No rules but the `.warpignore` files in the tree (and the versions folder). */
export const DEFAULT_IGNORE = IgnoreRules.compile();
