/**
 * The CPU backend: runs the fused kernel on the calling thread. Optional parallelism is injected by the host
 * (`parallel`), because starting workers differs between Node and browsers and sched must stay browser-safe.
 */
import type { BackendDescription, SchedBackend, ScoreInput } from '../backend.ts';
import { scoreList, scoreRange, type KBestArrays } from './kbest.ts';

/** Splits a full scoring run across workers; provided by a host that can start them (see cpu/parallel.ts). */
export interface ParallelScorer {
  readonly threads: number;
  /** Scores [0, chunkCount) on all threads; resolves when every slice is written into the shared arrays. */
  scoreAll(input: ScoreInput): Promise<void>;
  dispose(): void;
}

export interface CpuBackendOptions {
  parallel?: ParallelScorer;
  /** Below this many chunks a full run stays on the calling thread (worker round trips cost ~0.1 ms). */
  parallelMinChunks?: number;
}

export function kbestArrays(input: ScoreInput): KBestArrays {
  const m = input.model;
  return {
    k: m.k, costSize: m.costSize, availStart: m.availStart, pairs: m.pairs, kEdge: m.kEdge, kCost: m.kCost,
    a: input.params.a, b: input.params.b, excluded: input.params.excluded, maxFail: input.maxFailuresPerEdge,
  };
}

export class CpuBackend implements SchedBackend {
  readonly description: BackendDescription;
  private readonly parallel: ParallelScorer | undefined;
  private readonly parallelMinChunks: number;

  constructor(opts: CpuBackendOptions = {}) {
    this.parallel = opts.parallel;
    this.parallelMinChunks = opts.parallelMinChunks ?? 200_000;
    const threads = this.parallel?.threads ?? 1;
    this.description = { kind: 'cpu', label: `cpu (${threads} thread${threads === 1 ? '' : 's'})` };
  }

  async scoreAll(input: ScoreInput): Promise<void> {
    if (this.parallel && input.model.chunkCount >= this.parallelMinChunks) return this.parallel.scoreAll(input);
    scoreRange(kbestArrays(input), 0, input.model.chunkCount);
  }

  async scoreChunks(input: ScoreInput, chunks: Uint32Array, count: number): Promise<void> {
    scoreList(kbestArrays(input), chunks, count);
  }

  dispose(): void {
    this.parallel?.dispose();
  }
}
