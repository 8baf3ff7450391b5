/**
 * The Node host's ParallelScorer: splits a CPU scoring job over worker threads and the calling thread. The
 * model's arrays must live on SharedArrayBuffers (`sharedAllocate`); workers then write their slices of the
 * k-best arrays in place and a job message carries only views and the small per-edge parameters.
 * The calling thread scores a slice too (it would otherwise wait idle), so `threads` = workers + 1.
 */
import fs from 'node:fs';
import os from 'node:os';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { WorkerPool } from '../core/worker-pool.ts';
import type { ParallelScorer } from '../sched/cpu/backend.ts';
import type { ScoreJob } from '../sched/cpu/job.ts';
import type { EdgeDeltaJob } from '../sched/phases/edge-delta.ts';
import { runSlices, type ScoreSlice } from './slices.ts';
import type { Allocate } from '../sched/typed-growth.ts';

/**
 * Slices per thread. The run ends when the last slice does, and a slice a worker took just before losing its
 * core to another process finishes late: small slices bound that wait (10M chunks: ~3 ms of work per slice at
 * 2 threads; 8 per thread measured up to +35 ms over one thread when the worker lost its core).
 */
const SLICES_PER_THREAD = 32;
const MAX_SLICES = 128;

/** Buffer factory for models that workers score: `new SchedModel({ allocate: sharedAllocate })`. */
export const sharedAllocate: Allocate = (n) => new SharedArrayBuffer(n);

export class NodeParallelScorer implements ParallelScorer {
  readonly threads: number;
  private readonly pool: WorkerPool<ScoreSlice, void>;
  /** The counter and slice bounds, reused by every run (runs do not overlap: the backend awaits each). */
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (MAX_SLICES + 2)));

  /**
   * `threads` counts the calling thread: the default uses every core (one worker on a 2-core machine).
   * Throws E_INTERNAL when the worker entry cannot be found (see scoreWorkerUrl).
   */
  constructor(threads: number = os.availableParallelism()) {
    this.threads = Math.max(2, Math.floor(threads));
    const url = scoreWorkerUrl(import.meta.url);
    if (!url)
      throw new WarpError(
        ErrorCodes.INTERNAL,
        'the scheduler worker entry (sched-score-worker.js or src/engine/sched-node/score-worker.ts) was not found',
      );
    this.pool = new WorkerPool<ScoreSlice, void>(url, this.threads - 1);
  }

  canShare(job: ScoreJob): boolean {
    const big: ArrayBufferView[] = [job.costSize, job.availStart, job.pairs, job.kEdge, job.kCost];
    if (job.ranked) big.push(job.ranked.classOf, job.ranked.ranks, job.ranked.costBits);
    if (job.narrow) big.push(job.narrow.rec, job.narrow.rec16, job.narrow.classSize, job.narrow.kEdgeWords);
    return big.every((a) => a.buffer instanceof SharedArrayBuffer);
  }

  scoreRange(job: ScoreJob, count: number): Promise<void> {
    // Equal shares of pairs (the work), not of chunks: replica counts may differ between chunks.
    const slices = this.sliceCount();
    const c = this.control;
    const pairs = job.availStart[count];
    c[1] = 0;
    for (let i = 1; i < slices; i++) c[1 + i] = chunkAtPair(job.availStart, count, Math.floor((pairs * i) / slices));
    c[1 + slices] = count;
    return this.run({ kind: 'range', job, control: c, slices });
  }

  scoreList(job: ScoreJob, list: Uint32Array, count: number): Promise<void> {
    const slices = this.sliceCount();
    this.evenBounds(0, count, slices);
    return this.run({ kind: 'list', job, list, control: this.control, slices });
  }

  runEdgeDelta(job: EdgeDeltaJob): Promise<void> {
    const slices = this.sliceCount();
    this.evenBounds(job.from, job.to, slices);
    return this.run({ kind: 'delta', delta: job, control: this.control, slices });
  }

  dispose(): void {
    void this.pool.close();
  }

  private sliceCount(): number {
    return Math.min(MAX_SLICES, this.threads * SLICES_PER_THREAD);
  }

  private evenBounds(from: number, to: number, slices: number): void {
    const c = this.control;
    for (let i = 0; i <= slices; i++) c[1 + i] = from + Math.floor(((to - from) * i) / slices);
  }

  /** Posts the job to every worker, takes slices here too, then waits for the workers' last slices. */
  private async run(req: ScoreSlice): Promise<void> {
    Atomics.store(this.control, 0, 0);
    const pending: Promise<void>[] = [];
    for (let t = 0; t < this.threads - 1; t++) pending.push(this.pool.run(req));
    runSlices(req);
    await Promise.all(pending);
  }
}

/**
 * The worker entry: next to this module when running from source; from the CLI bundle (dist/), a bundled
 * `sched-score-worker.js` next to it if the build emits one, else the TypeScript source found above dist/
 * (type-stripped in the worker: slower to start, same speed once running).
 */
export function scoreWorkerUrl(from: string): URL | undefined {
  if (from.endsWith('.ts')) return new URL('./score-worker.ts', from);
  const candidates = [
    new URL('./sched-score-worker.js', from),
    new URL('./cli/sched-score-worker.js', from),
    new URL('../src/engine/sched-node/score-worker.ts', from),
    new URL('../../src/engine/sched-node/score-worker.ts', from),
  ];
  return candidates.find((u) => fs.existsSync(u));
}

/** First chunk whose pairs start at or after `pair` (binary search over the CSR offsets). */
function chunkAtPair(availStart: Uint32Array, count: number, pair: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (availStart[mid] < pair) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
