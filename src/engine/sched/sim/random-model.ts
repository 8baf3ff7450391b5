/**
 * Random scheduler inputs for benchmarks and equivalence tests: E edges with varied estimates, C chunks with R
 * distinct replicas each. Built straight into the model's typed arrays (10M chunks must not go through
 * per-chunk JS objects).
 */
import { SchedModel, type SchedModelOptions } from '../model.ts';
import { Prng } from './prng.ts';

export interface RandomModelSpec {
  chunks: number;
  edges: number;
  replicas: number;
  k?: number;
  seed?: number;
  /** Chunk sizes are uniform in [minSize, maxSize] bytes. */
  minSize?: number;
  maxSize?: number;
  /** Fraction of edges flagged metered / battery low / unavailable. */
  meteredFraction?: number;
  batteryLowFraction?: number;
  unavailableFraction?: number;
  /** Draw bandwidths from few distinct values so equal costs (ties) happen often. */
  coarse?: boolean;
  modelOptions?: Omit<SchedModelOptions, 'k'>;
}

export function randomModel(spec: RandomModelSpec): SchedModel {
  const rng = new Prng(spec.seed ?? 1);
  const C = spec.chunks;
  const E = spec.edges;
  const R = Math.min(spec.replicas, E);
  const m = new SchedModel({
    chunkCapacity: C + 1,
    pairCapacity: Math.max(64, C * R),
    edgeCapacity: E,
    ...spec.modelOptions,
    k: spec.k ?? 4,
  });
  for (let e = 0; e < E; e++) {
    m.addEdge({
      bandwidth: spec.coarse ? [1e6, 1e7, 1e8][rng.int(0, 2)] : rng.range(1e5, 2e8),
      rtt: spec.coarse ? [0, 0.05][rng.int(0, 1)] : rng.range(0.001, 0.3),
      health: spec.coarse ? 1 : rng.range(0.5, 1),
      queueDepth: spec.coarse ? 0 : rng.int(0, 8),
      maxParallel: rng.int(1, 16),
      metered: rng.next() < (spec.meteredFraction ?? 0.2),
      batteryLow: rng.next() < (spec.batteryLowFraction ?? 0.1),
      unavailable: rng.next() < (spec.unavailableFraction ?? 0),
    });
  }
  const minSize = spec.minSize ?? 64 * 1024;
  const maxSize = spec.maxSize ?? 4 * 1024 * 1024;
  // Build in slices so huge models do not need C*R JS numbers at once.
  const slice = 1 << 16;
  const sizes = new Float64Array(slice);
  const start = new Uint32Array(slice + 1);
  const edges = new Uint32Array(slice * R);
  const scratch = new Uint32Array(E);
  for (let base = 0; base < C; base += slice) {
    const n = Math.min(slice, C - base);
    for (let i = 0; i < n; i++) {
      sizes[i] = spec.coarse ? [65536, 1048576][rng.int(0, 1)] : rng.int(minSize, maxSize);
      start[i + 1] = (i + 1) * R;
      // R distinct edges: rejection sampling when sparse, a partial shuffle when dense.
      if (R * 4 < E) {
        let r = 0;
        while (r < R) {
          const e = rng.int(0, E - 1);
          let dup = false;
          for (let q = 0; q < r; q++)
            if (edges[i * R + q] === e) {
              dup = true;
              break;
            }
          if (!dup) edges[i * R + r++] = e;
        }
      } else {
        const picked = rng.distinct(E, R, scratch);
        for (let r = 0; r < R; r++) edges[i * R + r] = picked[r];
      }
    }
    m.addChunks({
      sizes: sizes.subarray(0, n),
      replicaStart: start.subarray(0, n + 1),
      replicaEdges: edges.subarray(0, n * R),
    });
  }
  return m;
}
