/**
 * A scoring job as plain data: the typed arrays and scalars one kernel call needs. The CPU backend runs it on
 * the calling thread; a ParallelScorer posts it to workers (typed arrays on SharedArrayBuffers are shared,
 * not copied) and each runs the same functions on its slice.
 */
import { directKBest, type KBestArrays } from './kbest.ts';
import { rankedTop4, type RankedArrays } from './kbest-ranked.ts';

export interface ScoreJob extends KBestArrays {
  /** Present when the rank table is current for this job's parameters (k ≤ 4, ≤ 255 edges). */
  ranked?: Omit<RankedArrays, keyof KBestArrays>;
}

/** Scores chunks [from, to). */
export function scoreJobRange(job: ScoreJob, from: number, to: number): void {
  if (job.ranked) rankedTop4({ ...job, ...job.ranked }, from, to, undefined);
  else directKBest(job, from, to, undefined);
}

/** Scores the chunk ids list[from..to). */
export function scoreJobList(job: ScoreJob, list: Uint32Array, from: number, to: number): void {
  if (job.ranked) rankedTop4({ ...job, ...job.ranked }, from, to, list);
  else directKBest(job, from, to, list);
}
