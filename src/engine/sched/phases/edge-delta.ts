/**
 * Incremental update of k-best lists when an edge's parameters changed, without rescoring the chunks.
 *
 * Only edge e's cost changed, so a chunk's list (exact for the previous parameters) mostly needs e moved,
 * inserted or dropped: the new list follows from the old one, e's new cost and the comparison (cost, edge
 * id). Where it does not (e left a full list, or its cost rose past the last entry, so an edge outside the
 * list may now belong in it) the chunk is marked dirty and the backend rescores it. The result is exactly a
 * full recompute's (the tests check it), at a few reads per chunk instead of a pass over its availability:
 * one changed edge of 10M chunks × 5 replicas touches ~500k chunks.
 *
 * Several changed edges are applied one after the other: each step turns a list that is exact for some
 * parameters into one exact for those with e's replaced by the current ones; a rescore uses all current
 * parameters, after which later steps change nothing. Dirty chunks are skipped (they are rescored anyway).
 */
import { NO_EDGE, PAIR_EDGE_MASK, PAIR_FAIL_SHIFT } from '../constants.ts';
import type { EdgeParams } from '../cost.ts';
import type { SchedModel } from '../model.ts';

const BLOCK = 16;
/** Keeps the touch loads alive. */
let _touched = 0;

/** Applies edge e's new parameters to the lists of chunks on e; returns how many chunks it visited. */
export function applyEdgeDelta(m: SchedModel, params: EdgeParams, maxFail: number, e: number): number {
  const { start, chunks, indexed } = m.reverseIndex();
  let visited = 0;
  if (e < start.length - 1) {
    const to = start[e + 1];
    const checkDirty = m.dirtyCount > 0;
    const { k, costSize, kEdge, kCost } = m;
    for (let base = start[e]; base < to; base += BLOCK) {
      const end = Math.min(base + BLOCK, to);
      // Touch the block's lines with independent loads first, so their cache misses overlap (see cpu/job.ts).
      let sink = 0;
      for (let i = base; i < end; i++) {
        const c = chunks[i];
        sink += costSize[c] + kEdge[c * k] + kCost[c * k];
      }
      _touched += sink;
      for (let i = base; i < end; i++) {
        const c = chunks[i];
        if (checkDirty && m.dirtyFlag[c] !== 0) continue;
        if (!updateList(m, params, maxFail, e, c)) m.markDirty(c);
      }
    }
    visited += to - start[e];
  }
  for (let c = indexed; c < m.chunkCount; c++) {
    if (m.pairIndex(c, e) < 0 || m.dirtyFlag[c] !== 0) continue;
    visited++;
    if (!updateList(m, params, maxFail, e, c)) m.markDirty(c);
  }
  return visited;
}

/** Updates chunk c's list for e's new cost; false when only a rescore can tell (the caller marks c dirty). */
function updateList(m: SchedModel, params: EdgeParams, maxFail: number, e: number, c: number): boolean {
  const k = m.k;
  const o = c * k;
  const kEdge = m.kEdge;
  const kCost = m.kCost;
  const excluded = params.excluded[e] !== 0;
  let pos = -1;
  let used = 0;
  for (let i = 0; i < k; i++) {
    const x = kEdge[o + i];
    if (x === NO_EDGE) break;
    if (x === e) pos = i;
    used++;
  }
  const full = used === k;
  if (pos >= 0 && excluded) return false; // e leaves the list: its replacement lies outside it
  if (excluded) return true; // not a candidate before or now
  const cost = Math.fround(params.a[e] * m.costSize[c] + params.b[e]);
  if (pos >= 0) {
    const old = kCost[o + pos];
    if (cost <= old) {
      // Cheaper (or the same): e moves towards the front; nothing outside the list can overtake.
      let i = pos;
      while (i > 0 && before(cost, e, kCost[o + i - 1], kEdge[o + i - 1])) { kCost[o + i] = kCost[o + i - 1]; kEdge[o + i] = kEdge[o + i - 1]; i--; }
      kCost[o + i] = cost;
      kEdge[o + i] = e;
      return true;
    }
    // Dearer: fine while e stays ahead of the last entry (or the list holds every candidate).
    if (full && (pos === k - 1 || !before(cost, e, kCost[o + k - 1], kEdge[o + k - 1]))) return false;
    let i = pos;
    while (i + 1 < used && before(kCost[o + i + 1], kEdge[o + i + 1], cost, e)) { kCost[o + i] = kCost[o + i + 1]; kEdge[o + i] = kEdge[o + i + 1]; i++; }
    kCost[o + i] = cost;
    kEdge[o + i] = e;
    return true;
  }
  // Not in the list: it enters only if it beats the last entry (or there is room) and the pair is usable.
  if (full && !before(cost, e, kCost[o + k - 1], kEdge[o + k - 1])) return true;
  if (!pairUsable(m, c, e, maxFail)) return true;
  let i = full ? k - 1 : used;
  while (i > 0 && before(cost, e, kCost[o + i - 1], kEdge[o + i - 1])) { kCost[o + i] = kCost[o + i - 1]; kEdge[o + i] = kEdge[o + i - 1]; i--; }
  kCost[o + i] = cost;
  kEdge[o + i] = e;
  return true;
}

function before(x: number, ex: number, y: number, ey: number): boolean {
  return x < y || (x === y && ex < ey);
}

function pairUsable(m: SchedModel, c: number, e: number, maxFail: number): boolean {
  for (let j = m.availStart[c]; j < m.availStart[c + 1]; j++) {
    const w = m.pairs[j];
    if ((w & PAIR_EDGE_MASK) === e) return w >>> PAIR_FAIL_SHIFT < maxFail;
  }
  return false;
}
