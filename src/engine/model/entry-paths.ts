/**
 * Entry paths: relative, '/'-separated UTF-8, no '.', '..' or empty components, no NUL, and short enough to
 * exist (a name of at most 255 bytes, a path of at most 4095). Checked when an archive is written and again
 * when one is read, because a crafted archive is untrusted input.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';

/** NAME_MAX and PATH_MAX - 1 on Linux (the tightest of the systems Warp runs on for bytes per name). */
export const MAX_NAME_BYTES = 255;
export const MAX_PATH_BYTES = 4095;

export function unsafePathReason(p: string): string | undefined {
  if (p.length === 0) return 'empty path';
  if (p.includes('\0')) return 'contains a NUL byte';
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p) || p.startsWith('\\')) return 'absolute path';
  // Bytes are at most 3 per UTF-16 unit: the exact count is needed only for long strings.
  if (p.length * 3 > MAX_PATH_BYTES && Buffer.byteLength(p) > MAX_PATH_BYTES)
    return `longer than ${MAX_PATH_BYTES} bytes`;
  for (const part of p.split('/')) {
    if (part === '') return 'empty path component';
    if (part === '..') return "'..' component";
    if (part === '.') return "'.' component";
    if (part.length * 3 > MAX_NAME_BYTES && Buffer.byteLength(part) > MAX_NAME_BYTES)
      return `a name longer than ${MAX_NAME_BYTES} bytes`;
  }
  if (process.platform === 'win32' && p.includes('\\')) return 'backslash in a path on Windows';
  return undefined;
}

export function assertSafePath(p: string, context: string): void {
  const why = unsafePathReason(p);
  if (why)
    throw new WarpError(
      ErrorCodes.UNSAFE_PATH,
      `${context}: refusing entry '${p}' (${why}): it could land outside the target directory`,
      { details: { path: p, reason: why } },
    );
}

export function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** True when `p` is `prefix` itself or inside it ('' matches everything). */
export function isWithin(p: string, prefix: string): boolean {
  return prefix === '' || p === prefix || p.startsWith(prefix + '/');
}
