/**
 * The target directory of an extract, as the only place writes go: every entry path maps below it, each
 * parent directory is checked (or created) once, and a symlink where a directory should be is refused, so
 * nothing is ever written through a link. Directory modes and times are applied last (extract.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { makeDirs } from '../core/make-dirs.ts';
import { parentOf } from '../model/entry-paths.ts';

export class TargetDirs {
  readonly root: string;
  /** Relative directories known to be real directories under root ('' is root itself). */
  private readonly safe = new Set<string>(['']);

  constructor(target: string) {
    this.root = path.resolve(target);
    try {
      makeDirs(this.root);
    } catch (err) {
      throw fromSystemError(err, this.root, 'write');
    }
  }

  /** Absolute path of an entry. */
  dest(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  ensureParent(rel: string): void {
    const parent = parentOf(rel);
    if (this.safe.has(parent)) return;
    this.ensureParent(parent);
    const abs = this.dest(parent);
    const st = lstatOrUndefined(abs);
    if (!st) {
      try {
        fs.mkdirSync(abs, { mode: 0o755 });
      } catch (err) {
        throw fromSystemError(err, abs, 'write');
      }
    } else if (st.isSymbolicLink()) {
      throw new WarpError(
        ErrorCodes.UNSAFE_PATH,
        `refusing '${rel}': its parent '${parent}' is a symbolic link, so writing there could land outside ${this.root}`,
        { details: { path: rel } },
      );
    } else if (!st.isDirectory()) {
      throw new WarpError(
        ErrorCodes.OUTPUT_EXISTS,
        `cannot create '${rel}': '${parent}' exists and is not a directory`,
      );
    }
    this.safe.add(parent);
  }

  /** Creates the archive's directory `rel` (or accepts an existing real directory there). */
  makeDir(rel: string): void {
    this.ensureParent(rel);
    const abs = this.dest(rel);
    const st = lstatOrUndefined(abs);
    if (!st) {
      try {
        fs.mkdirSync(abs, { mode: 0o755 });
      } catch (err) {
        throw fromSystemError(err, abs, 'write');
      }
    } else if (st.isSymbolicLink()) {
      throw new WarpError(ErrorCodes.UNSAFE_PATH, `refusing directory '${rel}': a symbolic link is in its place`);
    }
    this.safe.add(rel);
  }
}

export function lstatOrUndefined(abs: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(abs);
  } catch {
    return undefined;
  }
}
