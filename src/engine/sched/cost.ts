/**
 * The cost model, folded per edge so the per-pair work is one multiply-add:
 *
 *   cost(c, e) = mult_e × ( w_t × (size_c / bw_e + rtt_e) / T + w_q × (q_e / max_e)² + w_h × (1 − h_e)
 *                          + w_m × metered_e + w_p × batteryLow_e )
 *             = a_e × size_c + b_e
 *
 * a_e and b_e are computed once per tick on the host, in f64, then rounded to f32 (a_e quantised to 12 bits,
 * see quantize.ts). Both backends read the same EdgeParams buffer, so their inputs are bit-identical.
 * An excluded edge (unavailable, excluded by a constraint, no bandwidth, no slots) has excluded = 1 instead of
 * an infinite cost: WGSL may assume floats are finite.
 */
import { EdgeFlag } from './constants.ts';
import type { SchedModel } from './model.ts';
import type { CostWeights } from './policies.ts';
import { quantize12 } from './quantize.ts';

export interface CostSettings {
  weights: CostWeights;
  /** Transfer time (seconds) that counts as factor 1.0. */
  maxAcceptableTimeS: number;
}

/** Words per edge in the EdgeParams buffer: a (f32), b (f32), excluded (u32), padding (u32). */
export const EDGE_PARAM_STRIDE = 4;

/** Source of EdgeParams.version stamps (unique across every EdgeParams object). */
let paramStamp = 0;

/** Keeps a × size + b far from f32 overflow (and so finite on the GPU). */
const MAX_COEFF = 1e18;

export class EdgeParams {
  buffer: ArrayBuffer;
  f32: Float32Array;
  u32: Uint32Array;
  /** f64 copies for the CPU kernel (same values as the f32 words; reading f64 avoids conversions). */
  a: Float64Array;
  b: Float64Array;
  excluded: Uint8Array;
  /**
   * Per edge, a stamp from a global counter, renewed whenever computeEdgeParams changes the edge's words: equal
   * stamps (and equal values) mean the edge's costs did not change in between, even if they changed and
   * changed back (the CPU backend skips rewriting unchanged lists on that basis).
   */
  version: Float64Array;
  count = 0;

  constructor(capacity = 16) {
    this.buffer = new ArrayBuffer(capacity * EDGE_PARAM_STRIDE * 4);
    this.f32 = new Float32Array(this.buffer);
    this.u32 = new Uint32Array(this.buffer);
    this.a = new Float64Array(capacity);
    this.b = new Float64Array(capacity);
    this.excluded = new Uint8Array(capacity);
    this.version = new Float64Array(capacity);
  }

  ensure(n: number): void {
    if (n <= this.a.length) return;
    const next = new EdgeParams(Math.max(n, this.a.length * 2));
    next.u32.set(this.u32);
    next.a.set(this.a);
    next.b.set(this.b);
    next.excluded.set(this.excluded);
    next.version.set(this.version);
    this.buffer = next.buffer;
    this.f32 = next.f32;
    this.u32 = next.u32;
    this.a = next.a;
    this.b = next.b;
    this.excluded = next.excluded;
    this.version = next.version;
  }

  /** The words of the first `count` edges, ready to upload. */
  words(): Uint32Array {
    return this.u32.subarray(0, Math.max(1, this.count) * EDGE_PARAM_STRIDE);
  }
}

/**
 * Recomputes every edge's (a, b, excluded) into `out` and returns the ids of edges whose words changed: the
 * incremental tick rescores only chunks on those edges.
 */
export function computeEdgeParams(model: SchedModel, settings: CostSettings, out: EdgeParams): number[] {
  const E = model.edgeCount;
  out.ensure(E);
  const grew = E > out.count;
  const changed: number[] = [];
  const w = settings.weights;
  const T = settings.maxAcceptableTimeS > 0 ? settings.maxAcceptableTimeS : 1;
  for (let e = 0; e < E; e++) {
    const bw = model.bandwidth[e];
    const maxPar = model.maxParallel[e];
    const flags = model.flags[e];
    const mult = model.constraintMult[e];
    let excluded =
      (flags & EdgeFlag.UNAVAILABLE) !== 0 ||
      model.constraintExcluded[e] !== 0 ||
      !(bw > 0) ||
      maxPar === 0 ||
      !(mult >= 0);
    let a = 0;
    let b = 0;
    if (!excluded) {
      const q = model.queueDepth[e] / maxPar;
      const rest =
        w.queue * q * q +
        w.health * (1 - model.health[e]) +
        ((flags & EdgeFlag.METERED) !== 0 ? w.money : 0) +
        ((flags & EdgeFlag.BATTERY_LOW) !== 0 ? w.power : 0);
      a = quantize12((mult * w.transfer) / (bw * T));
      b = Math.fround(mult * (w.transfer * (model.rtt[e] / T) + rest));
      if (!(a <= MAX_COEFF && b <= MAX_COEFF)) excluded = true;
    }
    if (excluded) {
      a = 0;
      b = 0;
    }
    const base = e * EDGE_PARAM_STRIDE;
    const ex = excluded ? 1 : 0;
    // Compare the stored f32 words: an edge changed iff what the kernels read changed.
    const oldA = out.f32[base];
    const oldB = out.f32[base + 1];
    const oldEx = out.u32[base + 2];
    if ((grew && e >= out.count) || !Object.is(oldA, a) || !Object.is(oldB, b) || oldEx !== ex) {
      changed.push(e);
      out.version[e] = ++paramStamp;
    }
    out.f32[base] = a;
    out.f32[base + 1] = b;
    out.u32[base + 2] = ex;
    out.u32[base + 3] = 0;
    out.a[e] = a;
    out.b[e] = b;
    out.excluded[e] = ex;
  }
  out.count = E;
  return changed;
}

/** The f32 cost of one pair, as both kernels compute it; Infinity when the edge is excluded. */
export function pairCost(params: EdgeParams, e: number, costSize: number): number {
  if (params.excluded[e] !== 0) return Infinity;
  return Math.fround(params.a[e] * costSize + params.b[e]);
}

/**
 * Seconds one transfer of `size` bytes is expected to take on edge e: the edge's bandwidth is shared by its
 * max-parallel streams, plus one RTT. Dispatch deadlines, balancing and the simulator use the same formula.
 */
export function transferSeconds(model: SchedModel, e: number, size: number): number {
  const bw = model.bandwidth[e];
  return bw > 0 ? (size * Math.max(1, model.maxParallel[e])) / bw + model.rtt[e] : Infinity;
}
