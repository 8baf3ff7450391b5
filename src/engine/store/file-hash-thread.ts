/**
 * A whole-file BLAKE3 on a second core, fed synchronously. Scanning a changed file costs two BLAKE3 passes
 * over its bytes, one per chunk (the chunk ids) and one over the whole file (its hash): on the sender of a
 * re-send after a 1 % edit that is ~1.9 GB of hashing for ~0.96 GB of changed files, all on one thread. Here
 * the main thread reads into a shared buffer and posts "hash bytes [off, off + len)"; the worker hashes them
 * while the main thread cuts and hashes the chunks of the same bytes. The scan stays synchronous: posting and
 * waiting are Atomics on shared control words, never promises.
 *
 * The worker starts in the background; until it reports ready (it loads in ~30 ms while the tree is walked),
 * callers hash on their own thread. A worker that stops answering is a bug, not a user error: waits time out
 * with E_INTERNAL rather than hanging.
 */
import { Worker } from 'node:worker_threads';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { workerUrl } from '../core/worker-url.ts';
import { Ctl, Op } from './file-hash-protocol.ts';

const WAIT_MS = 30_000;

export class FileHashThread {
  /** The shared read buffer: the caller reads file bytes into it and posts ranges of it. */
  readonly data: Buffer;
  private readonly ctl = new Int32Array(new SharedArrayBuffer(Ctl.WORDS * 4));
  private readonly out = new SharedArrayBuffer(32);
  private readonly worker: Worker;
  private seq = 0;
  private dead = false;

  constructor(bytes: number) {
    const sab = new SharedArrayBuffer(bytes);
    this.data = Buffer.from(sab);
    this.worker = new Worker(workerUrl('file-hash-worker', import.meta.url), {
      workerData: { ctl: this.ctl.buffer, data: sab, out: this.out },
    });
    this.worker.unref();
    this.worker.on('error', () => {
      this.dead = true;
    });
    this.worker.on('exit', () => {
      this.dead = true;
    });
  }

  /** True once the worker runs (never blocks). */
  get ready(): boolean {
    return !this.dead && Atomics.load(this.ctl, Ctl.READY) === 1;
  }

  /** Blocks until the worker runs or `ms` pass (a large file is worth waiting ~30 ms for). */
  waitReady(ms: number): void {
    const until = performance.now() + ms;
    while (!this.dead && Atomics.load(this.ctl, Ctl.READY) !== 1 && performance.now() < until) {
      Atomics.wait(this.ctl, Ctl.READY, 0, Math.max(1, until - performance.now()));
    }
    // A worker that could not start (its 'error' event waits for an event loop this synchronous scan blocks) is
    // given up on, so no later file waits again.
    if (Atomics.load(this.ctl, Ctl.READY) !== 1) this.dead = true;
  }

  /** Starts hashing data[off, off + len) (after the previous operation); `first` starts a new file. */
  update(off: number, len: number, first: boolean): void {
    this.post(first ? Op.RESET_UPDATE : Op.UPDATE, off, len);
  }

  /** Waits until every posted range is hashed: the buffer may be overwritten afterwards. */
  idle(): void {
    while (Atomics.load(this.ctl, Ctl.DONE) !== this.seq) {
      if (
        Atomics.wait(this.ctl, Ctl.DONE, Atomics.load(this.ctl, Ctl.DONE), WAIT_MS) === 'timed-out' &&
        Atomics.load(this.ctl, Ctl.DONE) !== this.seq
      ) {
        this.dead = true;
        throw new WarpError(ErrorCodes.INTERNAL, 'the file hashing thread stopped answering');
      }
    }
    if (Atomics.load(this.ctl, Ctl.FAILED) === 1) {
      this.dead = true;
      throw new WarpError(ErrorCodes.INTERNAL, 'the file hashing thread failed');
    }
  }

  /** The hash of everything posted since the last `first` update. */
  digest(): Buffer {
    this.post(Op.DIGEST, 0, 0);
    this.idle();
    return Buffer.from(new Uint8Array(this.out).slice());
  }

  close(): void {
    if (this.dead) return;
    this.dead = true;
    try {
      this.idle();
    } catch {
      /* closing anyway */
    }
    this.post(Op.EXIT, 0, 0, true);
    void this.worker.terminate();
  }

  private post(op: number, off: number, len: number, force = false): void {
    if (!force) this.idle();
    this.ctl[Ctl.OP] = op;
    this.ctl[Ctl.OFF] = off;
    this.ctl[Ctl.LEN] = len;
    Atomics.store(this.ctl, Ctl.REQ, ++this.seq);
    Atomics.notify(this.ctl, Ctl.REQ);
  }
}
