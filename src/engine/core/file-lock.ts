/**
 * A lock file beside a small store (`<file>.lock`) so that read-modify-write cycles of two processes (a daemon and
 * a `warp pair`, two CLI commands) do not lose each other's writes. Synchronous, like the stores it guards: each
 * cycle is a read and a write of a few kB. The lock file holds its owner's pid; one whose owner is gone (a crash),
 * or older than STALE_MS, is taken over. Waiting longer than `timeoutMs` is an error, never a silent write.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from './errors.ts';

/** A lock older than this is a leftover (no cycle of these stores takes more than milliseconds). */
const STALE_MS = 30_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Runs `fn` holding the lock of `file`; throws E_OUTPUT_UNWRITABLE when it cannot be had within `timeoutMs`. */
export function withFileLock<T>(file: string, fn: () => T, timeoutMs = 10_000): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + timeoutMs;
  let wait = 1;
  for (;;) {
    if (tryTake(lock)) break;
    if (Date.now() > deadline)
      throw new WarpError(
        ErrorCodes.OUTPUT_UNWRITABLE,
        `${file} stayed locked by another Warp process for ${Math.round(timeoutMs / 1000)} s (${lock}); if none runs, remove the lock file`,
        { details: { path: lock } },
      );
    Atomics.wait(sleeper, 0, 0, wait);
    wait = Math.min(wait * 2, 50);
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function tryTake(lock: string): boolean {
  try {
    fs.mkdirSync(path.dirname(lock), { recursive: true, mode: 0o700 });
    const fd = fs.openSync(lock, 'wx', 0o600);
    fs.writeSync(fd, `${process.pid} ${Date.now()}\n`);
    fs.closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fromSystemError(e, lock, 'write');
  }
  const seen = read(lock);
  // Removed only if it still says what was judged stale (another process may have taken over meanwhile).
  if (seen !== undefined && isStale(lock, seen) && read(lock) === seen) fs.rmSync(lock, { force: true });
  return false;
}

function read(lock: string): string | undefined {
  try {
    return fs.readFileSync(lock, 'utf8');
  } catch {
    return undefined; // just released
  }
}

function isStale(lock: string, text: string): boolean {
  const [pid, at] = text.trim().split(' ').map(Number);
  // Half-written (its owner is between open and write): fresh by its mtime unless that is old too.
  const since = Number.isFinite(at) && at > 0 ? at : mtime(lock);
  if (Date.now() - since > STALE_MS) return true;
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function mtime(p: string): number {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return Date.now();
  }
}
