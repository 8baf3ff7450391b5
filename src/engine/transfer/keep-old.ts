/**
 * A sync push's care for what it replaces at the receiver (the `keep` field of a push; sync/cycle.ts asks for
 * it). Before the receiver assembles a changed file, the file now under its final name is kept:
 *
 * - **as a version**: hard-linked into `<top>/.warp-versions/` (versions.ts names), so when the new file is
 *   renamed over the final name the old bytes live on there (a link is one metadata write, never a copy, and
 *   the old file stays readable under its own name as a chunk source until the rename);
 * - **as a conflict copy** instead, when the sender named the content it expects there (`expect`: what its
 *   manifest of this side showed, or '' for "no file") and the file differs: it changed here after the sender
 *   looked, so it is kept visibly as `<name>.conflict-<stamp>` beside the new file and the next sync carries it
 *   back to the sender. A file changed between the manifest and the push is never overwritten silently.
 *
 * Nothing is kept for files the push leaves unchanged. A push that fails removes the links of the files it
 * had not replaced yet; a receiver killed mid-push leaves them (a version or conflict copy identical to the
 * file: harmless, nothing lost). Top-level files of a push have no folder to keep versions in: left alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fromSystemError } from '../core/errors.ts';
import { MAX_EXPECT } from '../net/wire.ts';
import { conflictName, freeVersionPath } from './versions.ts';

/** What the sender asks (checked by the wire schema): keep replaced files as versions, and what it expects. */
export interface KeepOldRequest {
  versions: boolean;
  /** Paths of the pushed tree and the first EXPECT_HEX hex digits of the BLAKE3 the sender saw there ('' = no file). */
  expect?: Array<{ p: string; h: string }>;
}

/** Hex digits of a whole-file hash the expectations carry (64 bits: enough to tell an edit, compact on the wire). */
export const EXPECT_HEX = 16;
/** Expectations one push carries at most (they travel in the push's header, which is at most 64 KiB). */
export { MAX_EXPECT };
/** Conflict copies a result lists by name (the count is exact). */
const MAX_LISTED = 200;

export interface KeptOld {
  /** Replaced files kept in the versions folder. */
  versioned: number;
  /** Files that had changed here since the sender's view, kept as conflict copies. */
  conflicted: number;
  /** The first MAX_LISTED of them (paths in the tree). */
  conflicts: Array<{ path: string; keptAs: string }>;
}

export class KeepOld {
  private readonly made: Array<{ from: string; to: string }> = [];
  private readonly result: KeptOld = { versioned: 0, conflicted: 0, conflicts: [] };
  private readonly expect: Map<string, string>;
  private readonly target: string;
  private readonly req: KeepOldRequest;
  private readonly nowMs: number;

  constructor(target: string, req: KeepOldRequest, nowMs = Date.now()) {
    this.target = target;
    this.req = req;
    this.nowMs = nowMs;
    this.expect = new Map((req.expect ?? []).map((x) => [x.p, x.h]));
  }

  /** `rel` (a path of the tree) exists here as a regular file with `hash` and is about to be replaced. */
  beforeReplace(rel: string, hash: Uint8Array): void {
    const slash = rel.indexOf('/');
    if (slash < 0) return;
    const top = rel.slice(0, slash);
    const inner = rel.slice(slash + 1);
    const root = path.join(this.target, top);
    const abs = path.join(root, ...inner.split('/'));
    const expected = this.expect.get(rel);
    if (
      expected !== undefined &&
      !Buffer.from(hash)
        .toString('hex')
        .startsWith(expected || '-')
    ) {
      const keptAs = conflictName(inner, this.nowMs, (n) => fs.existsSync(path.join(root, ...n.split('/'))));
      this.link(abs, path.join(root, ...keptAs.split('/')));
      if (this.result.conflicted++ < MAX_LISTED) this.result.conflicts.push({ path: rel, keptAs: `${top}/${keptAs}` });
    } else if (this.req.versions) {
      this.link(abs, freeVersionPath(root, inner, this.nowMs).abs);
      this.result.versioned++;
    }
  }

  /** The push failed: the links of files it did not replace (still the same inode there) go again. */
  undo(): void {
    for (const { from, to } of this.made.splice(0)) {
      const a = fs.statSync(from, { throwIfNoEntry: false });
      const b = fs.statSync(to, { throwIfNoEntry: false });
      if (a && b && a.ino === b.ino && a.dev === b.dev) fs.rmSync(to, { force: true });
    }
  }

  done(): KeptOld {
    return this.result;
  }

  private link(from: string, to: string): void {
    try {
      fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
      try {
        fs.linkSync(from, to);
      } catch (e) {
        // A file system without hard links (exFAT, some network mounts): a copy keeps the bytes all the same.
        if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
        fs.copyFileSync(from, to, fs.constants.COPYFILE_FICLONE);
      }
    } catch (e) {
      throw fromSystemError(e, to, 'write');
    }
    this.made.push({ from, to });
  }
}
