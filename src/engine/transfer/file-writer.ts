/**
 * The receiver's whole-file writer: complete files whose bytes are in memory (and verified: one-chunk files by
 * their chunk's id, files assembled from several chunks by the hash the worker checks) are created, written,
 * given their mode and mtime and renamed into place by a worker thread (file-writer-worker.ts), in batches of
 * up to BATCH_FILES files or a slab's bytes. The thread that verifies chunks pays one copy and one message
 * per batch; creating ~3,000 small files in libuv's pool cost that thread ~2 s of callbacks (measured).
 *
 * Contract: `add` queues a file; `done` or `fail` is called for it once it is under its final name or has failed
 * (a failure never leaves anything under the final name). Queued and in-flight bytes are bounded: `full` says
 * when the caller must wait (`room`) before adding more. `drain` waits until nothing is queued or being written;
 * `close` ends the thread. A worker that cannot start or dies fails every file it held with E_INTERNAL.
 */
import { Worker } from 'node:worker_threads';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { workerUrl } from '../core/worker-url.ts';
import type { BatchDone, JobFailure, JobResult, WriteBatch, WriteJob } from './file-writer-worker.ts';

export interface WrittenFile {
  size: number;
  mtimeMs: number;
  ino: number;
}

export type WholeFile = Omit<WriteJob, 'off' | 'len'>;

interface Queued {
  file: WholeFile;
  data: Uint8Array;
  done(st: WrittenFile): void;
  fail(e: unknown): void;
}

const BATCH_FILES = 128;
/**
 * Batches travel in reused shared slabs, not a new buffer per batch: buffers handed to the worker were freed only
 * when its rarely-collecting heap ran a GC (measured: 3,000 files, the receiver's peak RSS +80 MiB).
 */
const SLAB_BYTES = 1024 * 1024;
const SLABS = 3;
/** Queued + in-flight bytes (memory held by files waiting to be written). */
const MAX_BYTES = (SLABS + 1) * SLAB_BYTES;

export class WholeFileWriter {
  private worker?: Worker;
  private dead?: WarpError;
  private queue: Queued[] = [];
  private queuedBytes = 0;
  private bytes = 0;
  private readonly inFlight = new Map<number, { jobs: Queued[]; slab?: SharedArrayBuffer }>();
  private readonly slabs: SharedArrayBuffer[] = [];
  private slabCount = 0;
  private seq = 0;
  private flushing = false;
  private waiters: Array<() => void> = [];

  /** Queues a complete file for writing. */
  add(file: WholeFile, data: Uint8Array, done: (st: WrittenFile) => void, fail: (e: unknown) => void): void {
    if (this.dead) return fail(this.dead);
    this.queue.push({ file, data, done, fail });
    this.queuedBytes += data.length;
    this.bytes += data.length;
    if (this.queue.length >= BATCH_FILES || this.queuedBytes >= SLAB_BYTES) this.flush();
    else if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush()); // what this turn of the event loop adds goes in one batch
    }
  }

  /** The caller should wait for `room()` before adding more. */
  get full(): boolean {
    return this.bytes >= MAX_BYTES;
  }

  /** Resolves once the writer is below its byte bound. */
  room(): Promise<void> {
    return this.full ? new Promise((r) => this.waiters.push(r)) : Promise.resolve();
  }

  /** Resolves once every queued file is written or failed. */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight.size > 0 || this.queue.length > 0) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Ends the worker (after `drain`; files still in flight are failed; a later `add` starts a new one). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
    this.failAll(new WarpError(ErrorCodes.INTERNAL, 'the file writer was closed'));
  }

  /** Posts queued files in batches while a slab is free (a file larger than a slab travels in a buffer of its own). */
  private flush(): void {
    this.flushing = false;
    while (this.queue.length > 0) {
      const own = this.queue[0].data.length > SLAB_BYTES;
      const slab = own ? undefined : this.takeSlab();
      if (!own && !slab) return; // again when a batch comes back
      const data = slab ?? new ArrayBuffer(this.queue[0].data.length);
      const view = new Uint8Array(data);
      const jobs: Queued[] = [];
      const wire: WriteJob[] = [];
      let off = 0;
      while (this.queue.length > 0 && jobs.length < BATCH_FILES && off + this.queue[0].data.length <= view.length) {
        const q = this.queue.shift()!;
        view.set(q.data, off);
        wire.push({ ...q.file, off, len: q.data.length });
        jobs.push(q);
        off += q.data.length;
        this.queuedBytes -= q.data.length;
      }
      const id = ++this.seq;
      this.inFlight.set(id, { jobs, slab });
      try {
        const w = this.thread();
        w.ref(); // unreferenced while idle: a receiver that forgot `close` must not keep its process alive
        w.postMessage({ id, jobs: wire, data } satisfies WriteBatch, slab ? [] : [data as ArrayBuffer]);
      } catch (e) {
        this.die(new WarpError(ErrorCodes.INTERNAL, `the file writer thread failed: ${String(e)}`));
        return;
      }
    }
  }

  private takeSlab(): SharedArrayBuffer | undefined {
    if (this.slabs.length > 0) return this.slabs.pop();
    if (this.slabCount >= SLABS) return undefined;
    this.slabCount++;
    return new SharedArrayBuffer(SLAB_BYTES);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    // Its heap holds a batch's file names only: a small young generation keeps the thread's RSS down (~30 MB idle).
    const w = new Worker(workerUrl('file-writer-worker', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 },
    });
    w.on('message', (m: BatchDone) => this.settled(m));
    w.on('error', (e) => this.die(new WarpError(ErrorCodes.INTERNAL, `the file writer thread failed: ${e.message}`)));
    w.on('exit', () => {
      if (this.worker === w) this.die(new WarpError(ErrorCodes.INTERNAL, 'the file writer thread exited'));
    });
    this.worker = w;
    return w;
  }

  private settled(m: BatchDone): void {
    const batch = this.inFlight.get(m.id);
    if (!batch) return;
    this.inFlight.delete(m.id);
    if (batch.slab) this.slabs.push(batch.slab);
    batch.jobs.forEach((q, k) => {
      this.bytes -= q.data.length;
      const r: JobResult = m.results[k];
      if ('failed' in r) q.fail(failureError(r.failed, q.file));
      else
        try {
          q.done(r);
        } catch (e) {
          q.fail(e);
        }
    });
    this.flush();
    if (this.inFlight.size === 0) this.worker?.unref();
    this.wake();
  }

  private die(e: WarpError): void {
    this.dead ??= e;
    this.worker = undefined;
    this.failAll(this.dead);
  }

  private failAll(e: WarpError): void {
    const batches = [...this.inFlight.values()];
    for (const b of batches) if (b.slab) this.slabs.push(b.slab);
    const all = batches.flatMap((b) => b.jobs).concat(this.queue);
    this.inFlight.clear();
    this.queue = [];
    this.queuedBytes = 0;
    this.bytes = 0;
    for (const q of all) q.fail(e);
    this.wake();
  }

  private wake(): void {
    if (this.full && this.inFlight.size > 0) return;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

function failureError(f: JobFailure, file: WholeFile): WarpError {
  if (f.hashMismatch)
    return new WarpError(
      ErrorCodes.FILE_HASH_MISMATCH,
      `${file.final}: the assembled file does not match its hash; it was not written (run the command again)`,
      { details: { path: file.final } },
    );
  return fromSystemError(Object.assign(new Error(f.message), { code: f.code }), f.path, 'write');
}
