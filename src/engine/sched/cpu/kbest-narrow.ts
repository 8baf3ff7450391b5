/**
 * The ranked kernel over the narrow mirror (narrow-chunks.ts), k = 4 exactly: the full-run fast path.
 *
 * Same algorithm and results as kbest-ranked.ts (integer keys rank << 8 | edge, sorting network + branch-free
 * insertion), but it reads a byte per pair and a u16 class per chunk instead of u32 pairs and f32 sizes, takes
 * the size for the winners' costs from the class (exact: the class key is costSize without its zero bits), and
 * writes a chunk's list only when it changed: the four edge ids are compared as two u32 words with the old
 * ones, and when they are equal and none of the four edges' parameters changed since the list was written
 * (`stable`), the costs are equal too and nothing is stored (a store costs a read-for-ownership and a write-back
 * of the line; a read costs neither). Chunks marked SLOW (a pair recorded a failure) go through rankedTop4.
 */
import { NO_EDGE } from '../constants.ts';
import { rankedTop4, type RankedArrays } from './kbest-ranked.ts';
import { SLOW_CLASS } from './narrow-chunks.ts';
import { RANK_EXCLUDED } from './rank-table.ts';

export interface NarrowArrays extends RankedArrays {
  cls: Uint16Array;
  edges8: Uint8Array;
  /** costSize of each class (classSize[cls] === costSize[c] bit for bit). */
  classSize: Float32Array;
  /** kEdge viewed as u32 words (k = 4: two per chunk). */
  kEdgeWords: Uint32Array;
  /**
   * 256 bytes: stable[e] = 1 when edge e's (a, b, excluded) are the ones every current list was computed with
   * (index 255 stands for NO_EDGE and is 1). All zeros: always store.
   */
  stable: Uint8Array;
  /** Every edge stable (skips the per-edge checks). */
  allStable: boolean;
}

const SENTINEL = 0xffff;
/** Keys at or above this are excluded edges (rank RANK_EXCLUDED). */
const INVALID_KEY = RANK_EXCLUDED << 8;

/** Scores chunks [from, to), or list[from..to) when a list is given. Requires k = 4 and ≤ 255 edges. */
export function narrowTop4(s: NarrowArrays, from: number, to: number, list: Uint32Array | undefined): void {
  const { cls, edges8, classSize, availStart, kEdgeWords, kCost, a, b, ranks, stride, stable, allStable } = s;
  for (let i = from; i < to; i++) {
    const c = list === undefined ? i : list[i];
    const cl = cls[c];
    if (cl === SLOW_CLASS) {
      rankedTop4(s, i, i + 1, list);
      continue;
    }
    const row = cl * stride;
    let r0 = SENTINEL, r1 = SENTINEL, r2 = SENTINEL, r3 = SENTINEL;
    let j = availStart[c];
    const j1 = availStart[c + 1];
    let e = 0, d = 0;
    if (j1 - j >= 4) {
      e = edges8[j]; r0 = (ranks[row + e] << 8) | e;
      e = edges8[j + 1]; r1 = (ranks[row + e] << 8) | e;
      e = edges8[j + 2]; r2 = (ranks[row + e] << 8) | e;
      e = edges8[j + 3]; r3 = (ranks[row + e] << 8) | e;
      // Sorting network (0,1)(2,3)(0,2)(1,3)(1,2); each step: d = min(hi - lo, 0), lo += d, hi -= d.
      d = r1 - r0; d &= d >> 31; r0 += d; r1 -= d;
      d = r3 - r2; d &= d >> 31; r2 += d; r3 -= d;
      d = r2 - r0; d &= d >> 31; r0 += d; r2 -= d;
      d = r3 - r1; d &= d >> 31; r1 += d; r3 -= d;
      d = r2 - r1; d &= d >> 31; r1 += d; r2 -= d;
      j += 4;
    }
    for (; j < j1; j++) {
      e = edges8[j];
      const x = (ranks[row + e] << 8) | e;
      // Insert x, dropping the largest: r_i' = min(r_i, max(r_{i-1}, x)), all from the old values.
      d = x - r2; const m2 = x - (d & (d >> 31));
      d = x - r1; const m1 = x - (d & (d >> 31));
      d = x - r0; const m0 = x - (d & (d >> 31));
      d = m2 - r3; r3 += d & (d >> 31);
      d = m1 - r2; r2 += d & (d >> 31);
      d = m0 - r1; r1 += d & (d >> 31);
      d = x - r0; r0 += d & (d >> 31);
    }
    const e0 = r0 < INVALID_KEY ? r0 & 0xff : NO_EDGE;
    const e1 = r1 < INVALID_KEY ? r1 & 0xff : NO_EDGE;
    const e2 = r2 < INVALID_KEY ? r2 & 0xff : NO_EDGE;
    const e3 = r3 < INVALID_KEY ? r3 & 0xff : NO_EDGE;
    const w0 = (e0 | (e1 << 16)) >>> 0;
    const w1 = (e2 | (e3 << 16)) >>> 0;
    const wo = c << 1;
    if (kEdgeWords[wo] === w0 && kEdgeWords[wo + 1] === w1) {
      if (allStable || (stable[e0 & 0xff] & stable[e1 & 0xff] & stable[e2 & 0xff] & stable[e3 & 0xff]) !== 0) continue;
    } else {
      kEdgeWords[wo] = w0;
      kEdgeWords[wo + 1] = w1;
    }
    const size = classSize[cl];
    const o = c << 2;
    kCost[o] = e0 !== NO_EDGE ? Math.fround(a[e0] * size + b[e0]) : Infinity;
    kCost[o + 1] = e1 !== NO_EDGE ? Math.fround(a[e1] * size + b[e1]) : Infinity;
    kCost[o + 2] = e2 !== NO_EDGE ? Math.fround(a[e2] * size + b[e2]) : Infinity;
    kCost[o + 3] = e3 !== NO_EDGE ? Math.fround(a[e3] * size + b[e3]) : Infinity;
  }
}
