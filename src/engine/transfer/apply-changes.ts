/**
 * Renames and deletions a sync decided, applied to one side's copy of the folder (the peer's, through an
 * `apply` request, or this machine's own). Each change names the content it expects: a rename or removal
 * happens only while the file there still has that BLAKE3 hash, so a file edited after the other side's view
 * was taken is never removed or moved silently (it is reported as skipped and the next sync pulls the edit).
 * Removed files go to the folder's `.warp-versions/` unless versions are off; folders a removal leaves empty
 * are removed up to the synced folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { array, boolean, object, string } from '../core/schema.ts';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { VERSIONS_DIR } from '../ignore/matcher.ts';
import { hashFd } from './local-files.ts';
import { keepVersion } from './versions.ts';

export interface TreeChanges {
  renames: Array<{ from: string; to: string; hash: string }>;
  removes: Array<{ path: string; hash: string }>;
  /** Keep removed files in `.warp-versions/` (default true). */
  versions: boolean;
}

export interface AppliedChanges {
  renamed: number;
  removed: number;
  versioned: number;
  /** Changes not made (the file changed, vanished or the target exists), at most MAX_SKIPPED listed. */
  skipped: Array<{ path: string; reason: string }>;
}

export const MAX_CHANGES = 1_000_000;
const MAX_SKIPPED = 1000;
const rel = string({ min: 1, max: 4096 });
const hex64 = string({ min: 64, max: 64, pattern: /^[0-9a-f]{64}$/ });
/** The payload of an `apply` request (JSON), checked as hostile input. */
export const treeChangesSchema = object({
  renames: array(object({ from: rel, to: rel, hash: hex64 }), { max: MAX_CHANGES }),
  removes: array(object({ path: rel, hash: hex64 }), { max: MAX_CHANGES }),
  versions: boolean(),
});

export function encodeChanges(c: TreeChanges): Buffer {
  return Buffer.from(JSON.stringify(c));
}

export function decodeChanges(payload: Uint8Array): TreeChanges {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8'));
  } catch {
    throw new WarpError(ErrorCodes.PROTOCOL, 'the changes to apply are not valid JSON');
  }
  return treeChangesSchema.parse(v, 'apply', false);
}

/** A relative path inside the folder that is not the versions folder and does not climb out. */
function checkRel(p: string): void {
  const parts = p.split('/');
  if (
    parts.some((x) => x === '' || x === '.' || x === '..') ||
    p.includes('\0') ||
    p.includes('\\') ||
    parts[0] === VERSIONS_DIR
  ) {
    throw new WarpError(
      ErrorCodes.UNSAFE_PATH,
      `refusing to change '${p.slice(0, 200)}': not a plain path inside the synced folder`,
    );
  }
}

/** The hex BLAKE3 of a regular file, or undefined when it is not one (missing, a link, a folder). */
function fileHash(abs: string): string | undefined {
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  if (!st?.isFile()) return undefined;
  const fd = fs.openSync(abs, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  try {
    return hashFd(fd, st.size).toString('hex');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Applies `c` inside `folder`; `resolve` turns a checked relative path into an absolute one (the listener
 * resolves through its root so no symlink leads out).
 */
export function applyChanges(
  folder: string,
  c: TreeChanges,
  resolve: (rel: string) => string,
  nowMs = Date.now(),
): AppliedChanges {
  const out: AppliedChanges = { renamed: 0, removed: 0, versioned: 0, skipped: [] };
  const skip = (p: string, reason: string): void => {
    if (out.skipped.length < MAX_SKIPPED) out.skipped.push({ path: p, reason });
  };
  const emptied = new Set<string>();
  for (const r of c.renames) {
    checkRel(r.from);
    checkRel(r.to);
    const from = resolve(r.from);
    const to = resolve(r.to);
    if (fileHash(from) !== r.hash) {
      skip(r.from, 'changed or gone since the other side looked');
      continue;
    }
    if (fs.lstatSync(to, { throwIfNoEntry: false })) {
      skip(r.to, 'the new name exists');
      continue;
    }
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
    out.renamed++;
    emptied.add(path.posix.dirname(r.from));
  }
  for (const d of c.removes) {
    checkRel(d.path);
    const abs = resolve(d.path);
    if (fileHash(abs) !== d.hash) {
      skip(d.path, 'changed or gone since the other side looked');
      continue;
    }
    if (c.versions) {
      keepVersion(folder, d.path, nowMs);
      out.versioned++;
    } else fs.unlinkSync(abs);
    out.removed++;
    emptied.add(path.posix.dirname(d.path));
  }
  removeEmptyParents(emptied, resolve);
  return out;
}

function removeEmptyParents(dirs: Set<string>, resolve: (rel: string) => string): void {
  const all = new Set<string>();
  for (let d of dirs) for (; d !== '.' && d !== ''; d = path.posix.dirname(d)) all.add(d);
  for (const d of [...all].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(resolve(d));
    } catch {
      /* not empty, or gone */
    }
  }
}
