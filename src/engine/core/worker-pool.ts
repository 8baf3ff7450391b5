/**
 * A small pool of worker threads running one module. Tasks go to the least-busy worker (each takes up to
 * `depth` at once so it never idles between messages); results come back as promises. Buffers listed in
 * `transfer` move without copying. Node-only.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { ErrorCodes, WarpError, type ErrorCode } from './errors.ts';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
}

export interface WorkerReply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { code?: ErrorCode; message: string };
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(8, os.availableParallelism()));
}

export class WorkerPool<Req, Res> {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private failure?: Error;

  constructor(moduleUrl: URL, size: number = defaultWorkerCount()) {
    for (let i = 0; i < size; i++) {
      // A small young generation: workers allocate short-lived buffers only, and V8's default (up to 3 x 16+ MB
      // per isolate) showed up as RSS without making them faster.
      const worker = new Worker(moduleUrl, {
        resourceLimits: { maxYoungGenerationSizeMb: 6 },
        // Workers need no flags, and inherited ones can stop them from starting (--input-type, V8 heap sizes).
        execArgv: [],
      });
      const slot: Slot = { worker, busy: 0 };
      worker.on('message', (msg: WorkerReply) => {
        if (--slot.busy === 0) worker.unref();
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else
          p.reject(new WarpError(msg.error?.code ?? ErrorCodes.INTERNAL, msg.error?.message ?? 'worker task failed'));
      });
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => {
        if (!this.closed && code !== 0) this.fail(new Error(`a worker thread exited with code ${code}`));
      });
      worker.unref();
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const p of this.pending.values())
      p.reject(new WarpError(ErrorCodes.INTERNAL, `worker failed: ${e.message}`, { cause: e }));
    this.pending.clear();
  }

  run(req: Req, transfer: Transferable[] = []): Promise<Res> {
    if (this.closed) return Promise.reject(new WarpError(ErrorCodes.INTERNAL, 'worker pool is closed'));
    if (this.failure)
      return Promise.reject(new WarpError(ErrorCodes.INTERNAL, `worker failed: ${this.failure.message}`));
    let slot = this.slots[0];
    for (const s of this.slots) if (s.busy < slot.busy) slot = s;
    const id = this.nextId++;
    // Busy workers keep the process alive; idle ones do not (an open pool must not block exit).
    if (slot.busy++ === 0) slot.worker.ref();
    return new Promise<Res>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.postMessage({ id, req }, transfer as never);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
