/**
 * The ranked kernel over the narrow mirror (narrow-chunks.ts), k = 4 exactly: the full-run fast path.
 *
 * Same algorithm and results as kbest-ranked.ts (integer keys rank << 8 | edge, sorting network + branch-free
 * insertion), but it reads one small record per chunk (u16 class, count, a byte per edge) instead of CSR
 * offsets, u32 pairs and f32 sizes, takes
 * the size for the winners' costs from the class (exact: the class key is costSize without its zero bits), and
 * when no edge's parameters changed since the lists were computed (`skipUnchanged`), stores a chunk's list only
 * when its edges changed: the four edge ids are compared as two u32 words with the old ones, and equal edges
 * with equal parameters mean equal costs (a store costs a read-for-ownership and a write-back of the line; a
 * read costs neither). Chunks marked SLOW (a pair failed, or too many pairs) go through rankedTop4.
 */
import { NO_EDGE } from '../constants.ts';
import { rankedTop4, type RankedArrays } from './kbest-ranked.ts';
import { RECORD_HEADER, SLOW_CLASS } from './narrow-chunks.ts';
import { RANK_EXCLUDED } from './rank-table.ts';

export interface NarrowArrays extends RankedArrays {
  /** The mirror's records (narrow-chunks.ts): class u16, count u8, edge ids u8; `recStride` bytes each. */
  rec: Uint8Array;
  rec16: Uint16Array;
  recStride: number;
  /** costSize of each class (classSize[cls] === costSize[c] bit for bit). */
  classSize: Float32Array;
  /** kEdge viewed as i32 words (k = 4: two per chunk). */
  kEdgeWords: Int32Array;
  /**
   * Every edge's (a, b, excluded) are the ones every current list was computed with, so a list whose edges
   * did not change has the same costs too and is not stored again. False: store every list (a compare that
   * fails for half the chunks mispredicts; measured ~10 % slower than storing blindly when parameters moved).
   */
  skipUnchanged: boolean;
}

const SENTINEL = 0xffff;
/** Keys at or above this are excluded edges (rank RANK_EXCLUDED). */
const INVALID_KEY = RANK_EXCLUDED << 8;

/** Scores chunks [from, to), or list[from..to) when a list is given. Requires k = 4 and ≤ 255 edges. */
// One function on purpose: the scheduler's innermost loop keeps a chunk's list in locals (r0..r3, k0..k3).
// eslint-disable-next-line max-lines-per-function -- a hand-inlined kernel (see the header), not control flow
export function narrowTop4(s: NarrowArrays, from: number, to: number, list: Uint32Array | undefined): void {
  const { rec, rec16, recStride, classSize, kEdgeWords, kEdge, kCost, a, b, ranks, stride, skipUnchanged } = s;
  // 8-byte records (≤ 5 replicas) are read as two little-endian u32 words (class | count << 16 | e0 << 24,
  // e1..e4): 2 bounds-checked loads instead of 7; measured 10M × 100 × 5, one thread: 209 → 173 ms CPU.
  const words = recStride === 8 ? new Uint32Array(rec.buffer, rec.byteOffset, rec.length >>> 2) : undefined;
  for (let i = from; i < to; i++) {
    const c = list === undefined ? i : list[i];
    const ro = c * recStride;
    let w0 = 0;
    let cl: number;
    if (words !== undefined) {
      w0 = words[c << 1];
      cl = w0 & 0xffff;
    } else cl = rec16[ro >> 1];
    if (cl === SLOW_CLASS) {
      rankedTop4(s, i, i + 1, list);
      continue;
    }
    const row = cl * stride;
    let r0 = SENTINEL,
      r1 = SENTINEL,
      r2 = SENTINEL,
      r3 = SENTINEL;
    let e = 0,
      d = 0;
    if (words !== undefined && (w0 & 0xff0000) === 0x50000) {
      // Five pairs (the common case): the same network and insertion as below, on the unpacked bytes.
      const w1 = words[(c << 1) + 1];
      e = w0 >>> 24;
      r0 = (ranks[row + e] << 8) | e;
      e = w1 & 0xff;
      r1 = (ranks[row + e] << 8) | e;
      e = (w1 >>> 8) & 0xff;
      r2 = (ranks[row + e] << 8) | e;
      e = (w1 >>> 16) & 0xff;
      r3 = (ranks[row + e] << 8) | e;
      d = r1 - r0;
      d &= d >> 31;
      r0 += d;
      r1 -= d;
      d = r3 - r2;
      d &= d >> 31;
      r2 += d;
      r3 -= d;
      d = r2 - r0;
      d &= d >> 31;
      r0 += d;
      r2 -= d;
      d = r3 - r1;
      d &= d >> 31;
      r1 += d;
      r3 -= d;
      d = r2 - r1;
      d &= d >> 31;
      r1 += d;
      r2 -= d;
      e = w1 >>> 24;
      const x = (ranks[row + e] << 8) | e;
      d = x - r2;
      const m2 = x - (d & (d >> 31));
      d = x - r1;
      const m1 = x - (d & (d >> 31));
      d = x - r0;
      const m0 = x - (d & (d >> 31));
      d = m2 - r3;
      r3 += d & (d >> 31);
      d = m1 - r2;
      r2 += d & (d >> 31);
      d = m0 - r1;
      r1 += d & (d >> 31);
      d = x - r0;
      r0 += d & (d >> 31);
    } else {
      let j = ro + RECORD_HEADER;
      const j1 = j + rec[ro + 2];
      if (j1 - j >= 4) {
        e = rec[j];
        r0 = (ranks[row + e] << 8) | e;
        e = rec[j + 1];
        r1 = (ranks[row + e] << 8) | e;
        e = rec[j + 2];
        r2 = (ranks[row + e] << 8) | e;
        e = rec[j + 3];
        r3 = (ranks[row + e] << 8) | e;
        // Sorting network (0,1)(2,3)(0,2)(1,3)(1,2); each step: d = min(hi - lo, 0), lo += d, hi -= d.
        d = r1 - r0;
        d &= d >> 31;
        r0 += d;
        r1 -= d;
        d = r3 - r2;
        d &= d >> 31;
        r2 += d;
        r3 -= d;
        d = r2 - r0;
        d &= d >> 31;
        r0 += d;
        r2 -= d;
        d = r3 - r1;
        d &= d >> 31;
        r1 += d;
        r3 -= d;
        d = r2 - r1;
        d &= d >> 31;
        r1 += d;
        r2 -= d;
        j += 4;
      }
      for (; j < j1; j++) {
        e = rec[j];
        const x = (ranks[row + e] << 8) | e;
        // Insert x, dropping the largest: r_i' = min(r_i, max(r_{i-1}, x)), all from the old values.
        d = x - r2;
        const m2 = x - (d & (d >> 31));
        d = x - r1;
        const m1 = x - (d & (d >> 31));
        d = x - r0;
        const m0 = x - (d & (d >> 31));
        d = m2 - r3;
        r3 += d & (d >> 31);
        d = m1 - r2;
        r2 += d & (d >> 31);
        d = m0 - r1;
        r1 += d & (d >> 31);
        d = x - r0;
        r0 += d & (d >> 31);
      }
    }
    const o = c << 2;
    if (skipUnchanged) {
      const w0 = (r0 < INVALID_KEY ? r0 & 0xff : NO_EDGE) | ((r1 < INVALID_KEY ? r1 & 0xff : NO_EDGE) << 16);
      const w1 = (r2 < INVALID_KEY ? r2 & 0xff : NO_EDGE) | ((r3 < INVALID_KEY ? r3 & 0xff : NO_EDGE) << 16);
      if (kEdgeWords[c << 1] === w0 && kEdgeWords[(c << 1) + 1] === w1) continue;
    }
    const size = classSize[cl];
    // if/else per slot, as in kbest-ranked.ts: a conditional expression for the cost (e !== NO_EDGE ? … :
    // Infinity) measured ~40 % slower for the whole kernel when every list is stored.
    if (r0 < INVALID_KEY) {
      e = r0 & 0xff;
      kEdge[o] = e;
      kCost[o] = Math.fround(a[e] * size + b[e]);
    } else {
      kEdge[o] = NO_EDGE;
      kCost[o] = Infinity;
    }
    if (r1 < INVALID_KEY) {
      e = r1 & 0xff;
      kEdge[o + 1] = e;
      kCost[o + 1] = Math.fround(a[e] * size + b[e]);
    } else {
      kEdge[o + 1] = NO_EDGE;
      kCost[o + 1] = Infinity;
    }
    if (r2 < INVALID_KEY) {
      e = r2 & 0xff;
      kEdge[o + 2] = e;
      kCost[o + 2] = Math.fround(a[e] * size + b[e]);
    } else {
      kEdge[o + 2] = NO_EDGE;
      kCost[o + 2] = Infinity;
    }
    if (r3 < INVALID_KEY) {
      e = r3 & 0xff;
      kEdge[o + 3] = e;
      kCost[o + 3] = Math.fround(a[e] * size + b[e]);
    } else {
      kEdge[o + 3] = NO_EDGE;
      kCost[o + 3] = Infinity;
    }
  }
}
