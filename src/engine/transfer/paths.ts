/** A listener serves and receives only inside its root: remote paths are resolved here and checked. */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError } from '../core/errors.ts';

const escape = (p: string, why: string): WarpError =>
  new WarpError(
    ErrorCodes.UNSAFE_PATH,
    `refusing remote path '${p}': ${why}; the listener serves and receives only inside its root`,
    { details: { path: p } },
  );

/** Resolves `/a/b` (or `a/b`) under `root`. With `mustExist`, the path must exist; symlinks may not lead out. */
export function resolveInRoot(root: string, remotePath: string, mustExist: boolean): string {
  if (typeof remotePath !== 'string' || remotePath.length > 4096 || remotePath.includes('\0'))
    throw escape(String(remotePath).slice(0, 100), 'not a valid path');
  const parts = remotePath.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw escape(remotePath, "it contains '..'");
  if (parts.some((p) => p.includes('\\'))) throw escape(remotePath, 'it contains a backslash');
  const realRoot = fs.realpathSync(root);
  const abs = path.join(realRoot, ...parts);
  // The deepest existing ancestor must resolve (through any symlinks) to somewhere inside the root.
  let probe = abs;
  for (;;) {
    let real: string | undefined;
    try {
      real = fs.realpathSync(probe);
    } catch {
      real = undefined;
    }
    if (real !== undefined) {
      if (real !== realRoot && !real.startsWith(realRoot + path.sep))
        throw escape(remotePath, 'it leads outside the root through a symbolic link');
      break;
    }
    if (mustExist)
      throw new WarpError(ErrorCodes.INPUT_NOT_FOUND, `'${remotePath}' does not exist on the peer`, {
        details: { path: remotePath },
      });
    probe = path.dirname(probe);
  }
  return abs;
}
