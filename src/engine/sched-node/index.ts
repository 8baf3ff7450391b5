/**
 * Node-only hosting for the scheduler (src/engine/sched stays browser-safe): the worker-thread ParallelScorer
 * and the SharedArrayBuffer allocator its models need.
 */
export { NodeParallelScorer, sharedAllocate } from './parallel-scorer.ts';
export type { ScoreSlice } from './slices.ts';
