/**
 * The backend interface: the data-parallel part of a tick (fused cost + k-best over sparse availability).
 * Everything else in a tick (failure scan, failover, balancing, dispatch, re-optimisation) is sequential,
 * touches few chunks, and runs in shared host code, so two backends that agree on k-best agree on the tick.
 *
 * Contract for both implementations (checked by the equivalence tests):
 * - for each scored chunk c, kEdge[c*k .. c*k+k) holds up to k edges sorted by (cost ascending, edge id
 *   ascending), kCost the matching f32 costs; unused slots are NO_EDGE / +Infinity;
 * - an edge is a candidate iff it is in c's availability, not excluded in EdgeParams, and the pair's failure
 *   count is below maxFailuresPerEdge;
 * - cost = f32(a_e × costSize_c + b_e), with the product exact (quantize.ts), so results are bit-identical.
 */
import type { EdgeParams } from './cost.ts';
import type { EdgeDeltaJob } from './phases/edge-delta.ts';
import type { SchedModel } from './model.ts';

export type BackendKind = 'cpu' | 'webgpu';

export interface ScoreInput {
  model: SchedModel;
  params: EdgeParams;
  /** A pair whose failure count reached this is no longer a candidate (≥ 1). */
  maxFailuresPerEdge: number;
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** The adapter says it is a fallback, or its name is a known software rasteriser (llvmpipe, SwiftShader). */
  software: boolean;
  isFallbackAdapter: boolean;
  featureLevel: 'core' | 'compatibility';
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

export interface BackendDescription {
  kind: BackendKind;
  /** Human label, e.g. "cpu (1 thread)" or "webgpu: llvmpipe (software)". */
  label: string;
  adapter?: AdapterSummary;
}

export interface SchedBackend {
  readonly description: BackendDescription;
  /** Scores chunks [0, model.chunkCount). */
  scoreAll(input: ScoreInput): Promise<void>;
  /** Scores the first `count` chunk ids of `chunks` (any order, no duplicates needed). */
  scoreChunks(input: ScoreInput, chunks: Uint32Array, count: number): Promise<void>;
  /**
   * Optional: runs a changed edge's in-place list update (phases/edge-delta.ts) over job.from..job.to, e.g.
   * split across threads; without it the scheduler runs the job on the calling thread.
   */
  runEdgeDelta?(job: EdgeDeltaJob, model: SchedModel): Promise<void>;
  dispose(): void;
}
