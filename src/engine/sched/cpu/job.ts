/**
 * A scoring job as plain data: the typed arrays and scalars one kernel call needs. The CPU backend runs it on
 * the calling thread; a ParallelScorer posts it to workers (typed arrays on SharedArrayBuffers are shared,
 * not copied) and each runs the same functions on its slice.
 */
import { directKBest, type KBestArrays } from './kbest.ts';
import { rankedTop4, type RankedArrays } from './kbest-ranked.ts';
import { narrowTop4, type NarrowArrays } from './kbest-narrow.ts';

export interface ScoreJob extends KBestArrays {
  /** Present when the rank table is current for this job's parameters (k ≤ 4, ≤ 255 edges). */
  ranked?: Omit<RankedArrays, keyof KBestArrays>;
  /** Present (with ranked) when the narrow mirror applies (k = 4): the kernel of kbest-narrow.ts. */
  narrow?: Omit<NarrowArrays, keyof RankedArrays>;
}

/** Scores chunks [from, to). */
export function scoreJobRange(job: ScoreJob, from: number, to: number): void {
  if (job.ranked && job.narrow) narrowTop4({ ...job, ...job.ranked, ...job.narrow }, from, to, undefined);
  else if (job.ranked) rankedTop4({ ...job, ...job.ranked }, from, to, undefined);
  else directKBest(job, from, to, undefined);
}

/**
 * Chunks per block of a list run. A scattered list misses the cache (and, without huge pages, the TLB) on
 * every chunk, and the kernel's dependent loads (offsets, then pairs; size, then class, then ranks) leave
 * little to overlap. Touching a block's lines first with independent loads lets ~16 misses overlap:
 * measured 100k sorted random chunks of 10M, 35 → 12.5 ms (8, 32 and 64 per block were no better).
 */
const LIST_BLOCK = 16;
/** Keeps the touch loads alive (an unused load may be optimised away). */
let _touched = 0;

/** Scores the chunk ids list[from..to). */
export function scoreJobList(job: ScoreJob, list: Uint32Array, from: number, to: number): void {
  const ranked = job.ranked ? { ...job, ...job.ranked } : undefined;
  const narrow = ranked && job.narrow ? { ...ranked, ...job.narrow } : undefined;
  for (let base = from; base < to; base += LIST_BLOCK) {
    const end = Math.min(base + LIST_BLOCK, to);
    if (narrow) {
      _touched += touchNarrow(narrow, list, base, end);
      narrowTop4(narrow, base, end, list);
      continue;
    }
    _touched += touchChunks(job, list, base, end);
    if (ranked) rankedTop4(ranked, base, end, list);
    else directKBest(job, base, end, list);
  }
}

function touchNarrow(s: NarrowArrays, list: Uint32Array, from: number, to: number): number {
  const { rec, recStride, kEdgeWords, kCost } = s;
  let sink = 0;
  for (let i = from; i < to; i++) {
    const c = list[i];
    sink += rec[c * recStride] + kEdgeWords[c << 1] + kCost[c << 2];
  }
  return sink;
}

function touchChunks(job: ScoreJob, list: Uint32Array, from: number, to: number): number {
  const { k, availStart, costSize, kEdge, kCost, pairs } = job;
  let sink = 0;
  for (let i = from; i < to; i++) {
    const c = list[i];
    sink += availStart[c] + costSize[c] + kEdge[c * k] + kCost[c * k];
  }
  for (let i = from; i < to; i++) sink += pairs[availStart[list[i]]];
  return sink;
}
