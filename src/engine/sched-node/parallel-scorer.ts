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
import { scoreJobList, scoreJobRange, type ScoreJob } from '../sched/cpu/job.ts';
import { runEdgeDelta, type EdgeDeltaJob } from '../sched/phases/edge-delta.ts';
import type { Allocate } from '../sched/typed-growth.ts';

/** One worker's share: chunks [from, to), or list[from..to); or an edge delta over delta.chunks[from..to). */
export type ScoreSlice =
  | { job: ScoreJob; from: number; to: number; list?: Uint32Array }
  | { delta: EdgeDeltaJob; from: number; to: number };

/** Buffer factory for models that workers score: `new SchedModel({ allocate: sharedAllocate })`. */
export const sharedAllocate: Allocate = (n) => new SharedArrayBuffer(n);

export class NodeParallelScorer implements ParallelScorer {
  readonly threads: number;
  private readonly pool: WorkerPool<ScoreSlice, void>;

  /**
   * `threads` counts the calling thread: the default uses every core (one worker on a 2-core machine).
   * Throws E_INTERNAL when the worker entry cannot be found (see scoreWorkerUrl).
   */
  constructor(threads: number = os.availableParallelism()) {
    this.threads = Math.max(2, Math.floor(threads));
    const url = scoreWorkerUrl(import.meta.url);
    if (!url) throw new WarpError(ErrorCodes.INTERNAL, 'the scheduler worker entry (sched-score-worker.js or src/engine/sched-node/score-worker.ts) was not found');
    this.pool = new WorkerPool<ScoreSlice, void>(url, this.threads - 1);
  }

  canShare(job: ScoreJob): boolean {
    const big: ArrayBufferView[] = [job.costSize, job.availStart, job.pairs, job.kEdge, job.kCost];
    if (job.ranked) big.push(job.ranked.classOf, job.ranked.ranks, job.ranked.costBits);
    if (job.narrow) big.push(job.narrow.rec, job.narrow.rec16, job.narrow.classSize, job.narrow.kEdgeWords);
    return big.every((a) => a.buffer instanceof SharedArrayBuffer);
  }

  async scoreRange(job: ScoreJob, count: number): Promise<void> {
    // Equal shares of pairs (the work), not of chunks: replica counts may differ between chunks.
    const n = this.threads;
    const bounds = [0];
    for (let t = 1; t < n; t++) bounds.push(chunkAtPair(job.availStart, count, Math.floor((job.availStart[count] * t) / n)));
    bounds.push(count);
    const pending: Promise<void>[] = [];
    for (let t = 0; t < n - 1; t++) if (bounds[t + 1] > bounds[t]) pending.push(this.pool.run({ job, from: bounds[t], to: bounds[t + 1] }));
    scoreJobRange(job, bounds[n - 1], count);
    await Promise.all(pending);
  }

  async scoreList(job: ScoreJob, list: Uint32Array, count: number): Promise<void> {
    const n = this.threads;
    const share = Math.ceil(count / n);
    const pending: Promise<void>[] = [];
    for (let t = 0; t < n - 1; t++) {
      const from = t * share;
      const to = Math.min(count, from + share);
      if (to > from) pending.push(this.pool.run({ job, list, from, to }));
    }
    scoreJobList(job, list, Math.min(count, (n - 1) * share), count);
    await Promise.all(pending);
  }

  async runEdgeDelta(job: EdgeDeltaJob): Promise<void> {
    const n = this.threads;
    const len = job.to - job.from;
    const share = Math.ceil(len / n);
    const pending: Promise<void>[] = [];
    for (let t = 0; t < n - 1; t++) {
      const from = job.from + t * share;
      const to = Math.min(job.to, from + share);
      if (to > from) pending.push(this.pool.run({ delta: job, from, to }));
    }
    runEdgeDelta(job, Math.min(job.to, job.from + (n - 1) * share), job.to);
    await Promise.all(pending);
  }

  dispose(): void {
    void this.pool.close();
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
