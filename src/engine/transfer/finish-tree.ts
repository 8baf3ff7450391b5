/**
 * The last step of receiving a tree, after every file is in place: symlinks (created last, so nothing is
 * ever written through one; each via a temporary name and a rename), then directory modes and times,
 * deepest first so a read-only directory does not block its children.
 */
import fs from 'node:fs';
import { fromSystemError } from '../core/errors.ts';
import { EntryType, type Manifest } from '../model/manifest.ts';
import { fileTime } from '../core/file-time.ts';

export function finishTree(m: Manifest, dest: (rel: string) => string, tempFor: (final: string) => string): void {
  for (let i = 0; i < m.entryCount; i++) {
    const e = m.entry(i);
    if (e.type !== EntryType.SYMLINK) continue;
    const final = dest(e.path);
    try {
      const cur = fs.lstatSync(final, { throwIfNoEntry: false });
      if (cur?.isSymbolicLink() && fs.readlinkSync(final) === e.linkTarget) continue;
      const tmp = tempFor(final);
      fs.rmSync(tmp, { force: true });
      fs.symlinkSync(e.linkTarget!, tmp);
      fs.renameSync(tmp, final);
    } catch (err) {
      throw fromSystemError(err, final, 'write');
    }
  }
  for (let i = m.entryCount - 1; i >= 0; i--) {
    const e = m.entry(i);
    if (e.type !== EntryType.DIR) continue;
    try {
      fs.chmodSync(dest(e.path), e.mode & 0o7777);
      fs.utimesSync(dest(e.path), fileTime(e.mtimeMs), fileTime(e.mtimeMs));
    } catch {
      /* metadata only */
    }
  }
}
