/**
 * Where archive bytes go. A file sink writes under a temporary name next to the target and renames only
 * after everything was written (so a failure never leaves a half-written file under the final name);
 * the stdout sink streams to a pipe with backpressure.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';

export interface ByteSink {
  /** Appends bytes in order. */
  write(data: Uint8Array): Promise<void>;
  /** Makes the output final (rename into place). */
  commit(): Promise<void>;
  /** Removes partial output after a failure. Safe to call more than once. */
  abort(): Promise<void>;
  readonly bytesWritten: number;
  readonly tempPath?: string;
}

/**
 * Temporary names: `.warp-tmp-<host>-<pid>-<random><counter>`, about 35 bytes whatever the final name (which
 * may itself be up to 255 bytes), unique per process (random) and per call (counter, no random bytes per
 * file). Host and pid say who owns one, so a later run can remove those a killed process left behind.
 */
const HOST_TAG = crypto.createHash('sha256').update(os.hostname()).digest('hex').slice(0, 4);
const TEMP_PREFIX = `.warp-tmp-${HOST_TAG}-${process.pid.toString(36)}-${crypto.randomBytes(4).toString('hex')}`;
const TEMP_NAME = /^\.warp-tmp-([0-9a-f]{4})-([0-9a-z]{1,8})-[0-9a-f]{8}[0-9a-z]+$/;
let tempCounter = 0;

export function tempNameFor(finalPath: string): string {
  return path.join(path.dirname(finalPath), `${TEMP_PREFIX}${(tempCounter++).toString(36)}`);
}

/** True for a name tempNameFor makes (any process). */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/**
 * True when a name tagged `<host>-<pid in base 36>` (temporaries, extract journals) belongs to a process of
 * this host that is gone: what it left behind is stale and nobody else will clean it up.
 */
export function ownerGone(host: string, pid36: string): boolean {
  if (host !== HOST_TAG) return false;
  const pid = parseInt(pid36, 36);
  return pid !== process.pid && processGone(pid);
}

/** `<prefix>-<host>-<pid>-<random>` for this process (the pid and host say who owns the name). */
export function ownedName(prefix: string): string {
  return `${prefix}${TEMP_PREFIX.slice('.warp-tmp'.length)}`;
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as { code?: string }).code === 'ESRCH'; // EPERM: it exists, under another user
  }
}

/**
 * Removes the temporary files in `dir` that a process of this host left behind and that is gone (killed
 * mid-write: nothing else removes them). Best effort: a file that cannot be removed is left alone.
 * Returns the names removed.
 */
export function sweepStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || !ownerGone(m[1], m[2])) continue;
    const abs = path.join(dir, name);
    try {
      const st = fs.lstatSync(abs);
      if (!st.isFile() && !st.isSymbolicLink()) continue;
      fs.unlinkSync(abs);
      removed.push(name);
    } catch {
      /* raced with another sweeper, or not ours to remove */
    }
  }
  return removed;
}

export class FileSink implements ByteSink {
  readonly tempPath: string;
  private fd: number;
  private written = 0;
  private queued = 0;
  private tail: Promise<void> = Promise.resolve();
  private error?: Error;
  private done = false;
  private readonly finalPath: string;
  private static readonly MAX_QUEUED = 32 * 1024 * 1024;
  private readonly fsync: boolean;

  constructor(finalPath: string, opts: { overwrite?: boolean; fsync?: boolean } = {}) {
    this.finalPath = finalPath;
    this.fsync = opts.fsync ?? false;
    if (!opts.overwrite && fs.existsSync(finalPath)) {
      throw new WarpError(
        ErrorCodes.OUTPUT_EXISTS,
        `${finalPath} already exists; choose another name or pass --force to replace it`,
        { details: { path: finalPath } },
      );
    }
    sweepStaleTemps(path.dirname(path.resolve(finalPath)));
    this.tempPath = tempNameFor(finalPath);
    try {
      this.fd = fs.openSync(this.tempPath, 'wx', 0o644);
    } catch (e) {
      throw fromSystemError(e, finalPath, 'write');
    }
  }

  get bytesWritten(): number {
    return this.written;
  }

  /**
   * Queues an append on libuv's thread pool and returns at once unless too much is queued: the caller
   * (the main thread, which also chunks and hashes) is the pipeline's critical path. Errors surface on a
   * later write or at commit. The caller must not reuse `data` (the pipeline never does).
   */
  async write(data: Uint8Array): Promise<void> {
    if (this.error) throw this.error;
    const position = this.written;
    this.written += data.length;
    this.queued += data.length;
    this.tail = this.tail
      .then(() => this.writeAt(data, position))
      .catch((e: unknown) => {
        this.error ??= fromSystemError(e, this.finalPath, 'write');
      })
      .finally(() => {
        this.queued -= data.length;
      });
    if (this.queued > FileSink.MAX_QUEUED) await this.tail;
    if (this.error) throw this.error;
  }

  private async writeAt(data: Uint8Array, position: number): Promise<void> {
    if (this.error) return;
    let off = 0;
    while (off < data.length) {
      off += await new Promise<number>((resolve, reject) =>
        fs.write(this.fd, data, off, data.length - off, position + off, (err, n) => (err ? reject(err) : resolve(n))),
      );
    }
  }

  async commit(): Promise<void> {
    await this.tail;
    if (this.error) {
      await this.abort();
      throw this.error;
    }
    try {
      if (this.fsync) fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.done = true;
      fs.renameSync(this.tempPath, this.finalPath);
    } catch (e) {
      await this.abort();
      throw fromSystemError(e, this.finalPath, 'write');
    }
  }

  async abort(): Promise<void> {
    await this.tail.catch(() => {});
    if (!this.done) {
      this.done = true;
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
    }
    fs.rmSync(this.tempPath, { force: true });
  }
}

export class StreamSink implements ByteSink {
  private written = 0;
  private readonly out: Writable;

  constructor(out: Writable) {
    this.out = out;
  }

  get bytesWritten(): number {
    return this.written;
  }

  write(data: Uint8Array): Promise<void> {
    this.written += data.length;
    // Copy: the caller reuses its buffers, and a stream may hold on to them.
    if (this.out.write(Buffer.from(data))) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onErr = (e: Error) => {
        this.out.off('drain', onDrain);
        reject(fromSystemError(e, 'standard output', 'write'));
      };
      const onDrain = () => {
        this.out.off('error', onErr);
        resolve();
      };
      this.out.once('drain', onDrain);
      this.out.once('error', onErr);
    });
  }

  async commit(): Promise<void> {}
  async abort(): Promise<void> {}
}
