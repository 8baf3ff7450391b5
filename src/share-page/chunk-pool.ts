/**
 * Fetching and opening a share's chunks (ChaCha20-Poly1305, zstd, the BLAKE3 id check) off the page's thread, in
 * Web Workers, so every core works: pure-JavaScript ChaCha20 and BLAKE3 on one thread were the page's limit.
 *
 * The workers run the page's own script (it is one bundle inlined in the page, read back from
 * `document.currentScript`): started in a worker, the script serves jobs (`serveChunkJobs`) instead of drawing
 * the page. A job is one chunk; its verified bytes come back transferred, not copied. The caller bounds how many
 * are in flight (OpenShare.file's window), so the pool itself holds no queue of its own beyond those. Each
 * worker checks what it returns exactly as the page would, and errors come back as the same ShareError.
 */
import { ZSTDDecoder } from 'zstddec';
import { fetchAndOpen, ShareError, type ChunkJob } from './share-core.ts';

type Reply = { job: number; plain: Uint8Array } | { job: number; error: { kind: ShareError['kind']; message: string } };

interface Pending {
  job: ChunkJob;
  resolve(b: Uint8Array): void;
  reject(e: unknown): void;
  worker: number;
}

/** Where a job runs when no worker can: on the page's own thread. */
type Inline = (job: ChunkJob) => Promise<Uint8Array>;

/** The page's script text, captured while it runs (currentScript is null after the first turn). */
const SELF = typeof document !== 'undefined' ? (document.currentScript?.textContent ?? '') : '';

export class ChunkPool {
  private readonly workers: Worker[];
  private readonly busy: number[];
  /** Workers that failed (a policy refused them, or they crashed): given no more jobs. */
  private readonly dead = new Set<number>();
  private readonly pending = new Map<number, Pending>();
  private readonly inline: Inline;
  private nextJob = 0;

  private constructor(workers: Worker[], inline: Inline) {
    this.workers = workers;
    this.inline = inline;
    this.busy = workers.map(() => 0);
    workers.forEach((w, k) => {
      w.onmessage = (ev: MessageEvent<Reply>) => this.settle(ev.data);
      w.onerror = () => this.fail(k);
    });
  }

  /** A pool of one worker per core (2 to 4), or undefined where the page cannot start workers. */
  static create(inline: Inline): ChunkPool | undefined {
    if (!SELF || typeof Worker === 'undefined' || typeof Blob === 'undefined') return undefined;
    try {
      const url = URL.createObjectURL(new Blob([SELF], { type: 'text/javascript' }));
      const count = Math.max(2, Math.min(4, navigator.hardwareConcurrency || 2));
      return new ChunkPool(
        Array.from({ length: count }, () => new Worker(url)),
        inline,
      );
    } catch {
      return undefined;
    }
  }

  /** One chunk, fetched and opened by the least busy live worker (on this thread when none is left). */
  run(job: ChunkJob): Promise<Uint8Array> {
    let worker = -1;
    for (let k = 0; k < this.workers.length; k++)
      if (!this.dead.has(k) && (worker < 0 || this.busy[k] < this.busy[worker])) worker = k;
    if (worker < 0) return this.inline(job);
    const id = this.nextJob++;
    this.busy[worker]++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { job, resolve, reject, worker });
      this.workers[worker].postMessage({ job: id, ...job });
    });
  }

  private settle(r: Reply): void {
    const p = this.pending.get(r.job);
    if (!p) return;
    this.pending.delete(r.job);
    this.busy[p.worker]--;
    if ('plain' in r) p.resolve(r.plain);
    else p.reject(new ShareError(r.error.kind, r.error.message));
  }

  /** A worker failed: its jobs go to the others (or this thread); a chunk's own errors come back as replies. */
  private fail(worker: number): void {
    this.dead.add(worker);
    this.workers[worker].terminate();
    for (const [id, p] of this.pending)
      if (p.worker === worker) {
        this.pending.delete(id);
        this.busy[worker]--;
        this.run(p.job).then(p.resolve, p.reject);
      }
  }
}

/** In a worker started by ChunkPool: answers chunk jobs until the page goes away. */
export function serveChunkJobs(): void {
  const zstd = new ZSTDDecoder();
  const ready = zstd.init();
  const scope = self as unknown as {
    onmessage: (ev: MessageEvent<ChunkJob & { job: number }>) => void;
    postMessage(m: Reply, transfer?: Transferable[]): void;
  };
  scope.onmessage = (ev) => {
    const { job, ...chunk } = ev.data;
    void ready
      .then(() => fetchAndOpen(chunk, zstd))
      .then(
        (opened) => {
          // Transfer only a buffer the bytes own whole (never a view into a larger one).
          const plain =
            opened.byteOffset === 0 && opened.byteLength === opened.buffer.byteLength ? opened : opened.slice();
          scope.postMessage({ job, plain }, [plain.buffer]);
        },
        (e: unknown) =>
          scope.postMessage({
            job,
            error:
              e instanceof ShareError
                ? { kind: e.kind, message: e.message }
                : { kind: 'network', message: `Part ${chunk.i}: ${String(e)}` },
          }),
      );
  };
}
