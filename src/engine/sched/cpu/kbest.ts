/**
 * The direct CPU kernel (any k, any edge count; kbest-ranked.ts is the fast path for k ≤ 4 and ≤ 255 edges).
 * Fused cost + k-best on the CPU: one pass over each chunk's availability pairs, no chunks × edges matrix.
 * The running top list lives in local variables (4 or 8 slots, sentinel cost +Infinity / edge 0xffff):
 * V8 keeps them in registers, which measured ~30 % faster than scratch typed arrays. The comparison (cost,
 * then edge id) is the WGSL kernel's, so ties resolve to the lowest edge id in both; a valid candidate has a
 * finite cost and so always beats the sentinel.
 */
import { PAIR_EDGE_MASK, PAIR_FAIL_SHIFT } from '../constants.ts';

export interface KBestArrays {
  k: number;
  costSize: Float32Array;
  availStart: Uint32Array;
  pairs: Uint32Array;
  kEdge: Uint16Array;
  kCost: Float32Array;
  a: Float64Array;
  b: Float64Array;
  excluded: Uint8Array;
  maxFail: number;
}

/** Scores chunks [from, to), or list[from..to) when a list is given. */
export function directKBest(s: KBestArrays, from: number, to: number, list: Uint32Array | undefined): void {
  if (s.k <= 4) top4(s, from, to, list);
  else top8(s, from, to, list);
}

function top4(s: KBestArrays, from: number, to: number, list: Uint32Array | undefined): void {
  const { k, costSize, availStart, pairs, kEdge, kCost, a, b, excluded, maxFail } = s;
  for (let i = from; i < to; i++) {
    const c = list === undefined ? i : list[i];
    const size = costSize[c];
    let c0 = Infinity,
      c1 = Infinity,
      c2 = Infinity,
      c3 = Infinity;
    let e0 = 0xffff,
      e1 = 0xffff,
      e2 = 0xffff,
      e3 = 0xffff;
    const j1 = availStart[c + 1];
    for (let j = availStart[c]; j < j1; j++) {
      const w = pairs[j];
      const e = w & PAIR_EDGE_MASK;
      if (excluded[e] !== 0 || w >>> PAIR_FAIL_SHIFT >= maxFail) continue;
      // a*size is exact (quantised operands); fround gives the correctly rounded f32 sum, as WGSL does.
      const x = Math.fround(a[e] * size + b[e]);
      if (x < c3 || (x === c3 && e < e3)) {
        if (x < c2 || (x === c2 && e < e2)) {
          c3 = c2;
          e3 = e2;
          if (x < c1 || (x === c1 && e < e1)) {
            c2 = c1;
            e2 = e1;
            if (x < c0 || (x === c0 && e < e0)) {
              c1 = c0;
              e1 = e0;
              c0 = x;
              e0 = e;
            } else {
              c1 = x;
              e1 = e;
            }
          } else {
            c2 = x;
            e2 = e;
          }
        } else {
          c3 = x;
          e3 = e;
        }
      }
    }
    const o = c * k;
    kEdge[o] = e0;
    kCost[o] = c0;
    if (k > 1) {
      kEdge[o + 1] = e1;
      kCost[o + 1] = c1;
    }
    if (k > 2) {
      kEdge[o + 2] = e2;
      kCost[o + 2] = c2;
    }
    if (k > 3) {
      kEdge[o + 3] = e3;
      kCost[o + 3] = c3;
    }
  }
}

function top8(s: KBestArrays, from: number, to: number, list: Uint32Array | undefined): void {
  const { k, costSize, availStart, pairs, kEdge, kCost, a, b, excluded, maxFail } = s;
  for (let i = from; i < to; i++) {
    const c = list === undefined ? i : list[i];
    const size = costSize[c];
    let c0 = Infinity,
      c1 = Infinity,
      c2 = Infinity,
      c3 = Infinity,
      c4 = Infinity,
      c5 = Infinity,
      c6 = Infinity,
      c7 = Infinity;
    let e0 = 0xffff,
      e1 = 0xffff,
      e2 = 0xffff,
      e3 = 0xffff,
      e4 = 0xffff,
      e5 = 0xffff,
      e6 = 0xffff,
      e7 = 0xffff;
    const j1 = availStart[c + 1];
    for (let j = availStart[c]; j < j1; j++) {
      const w = pairs[j];
      const e = w & PAIR_EDGE_MASK;
      if (excluded[e] !== 0 || w >>> PAIR_FAIL_SHIFT >= maxFail) continue;
      const x = Math.fround(a[e] * size + b[e]);
      if (!(x < c7 || (x === c7 && e < e7))) continue;
      // Shift down from the tail until the slot is found (a branchy insertion, but at most 8 steps).
      if (x < c6 || (x === c6 && e < e6)) {
        c7 = c6;
        e7 = e6;
      } else {
        c7 = x;
        e7 = e;
        continue;
      }
      if (x < c5 || (x === c5 && e < e5)) {
        c6 = c5;
        e6 = e5;
      } else {
        c6 = x;
        e6 = e;
        continue;
      }
      if (x < c4 || (x === c4 && e < e4)) {
        c5 = c4;
        e5 = e4;
      } else {
        c5 = x;
        e5 = e;
        continue;
      }
      if (x < c3 || (x === c3 && e < e3)) {
        c4 = c3;
        e4 = e3;
      } else {
        c4 = x;
        e4 = e;
        continue;
      }
      if (x < c2 || (x === c2 && e < e2)) {
        c3 = c2;
        e3 = e2;
      } else {
        c3 = x;
        e3 = e;
        continue;
      }
      if (x < c1 || (x === c1 && e < e1)) {
        c2 = c1;
        e2 = e1;
      } else {
        c2 = x;
        e2 = e;
        continue;
      }
      if (x < c0 || (x === c0 && e < e0)) {
        c1 = c0;
        e1 = e0;
        c0 = x;
        e0 = e;
      } else {
        c1 = x;
        e1 = e;
      }
    }
    const o = c * k;
    kEdge[o] = e0;
    kCost[o] = c0;
    kEdge[o + 1] = e1;
    kCost[o + 1] = c1;
    kEdge[o + 2] = e2;
    kCost[o + 2] = c2;
    kEdge[o + 3] = e3;
    kCost[o + 3] = c3;
    kEdge[o + 4] = e4;
    kCost[o + 4] = c4;
    if (k > 5) {
      kEdge[o + 5] = e5;
      kCost[o + 5] = c5;
    }
    if (k > 6) {
      kEdge[o + 6] = e6;
      kCost[o + 6] = c6;
    }
    if (k > 7) {
      kEdge[o + 7] = e7;
      kCost[o + 7] = c7;
    }
  }
}
