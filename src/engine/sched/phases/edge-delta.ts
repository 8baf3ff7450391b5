/**
 * Incremental update of k-best lists when an edge's parameters changed, without rescoring the chunks.
 *
 * Only edge e's cost changed, so a chunk's list (exact for the previous parameters) needs e moved, inserted,
 * dropped or replaced: the new list follows from the old one, e's new cost and the comparison (cost, edge id).
 * When e leaves the list or gets dearer than the old last entry, the other entries still beat every edge
 * outside the list (their costs did not change), so they keep their order and only the last slot is refilled,
 * with the best of e and the candidates outside the list: one pass over the chunk's pairs, on lines already in
 * cache. (Marking such chunks for a rescore, as before, cost a second pass over scattered chunks, a sort and a
 * rank-table rebuild: one edge of 1M × 16 × 5 whose cost rose took 20–50 ms, now ~9 ms.) The result is exactly
 * a full recompute's (the tests check it), at a few reads per chunk.
 *
 * Each chunk's update reads and writes only that chunk's list, so the work is a pure function over a slice of
 * the edge's reverse-index entries (`EdgeDeltaJob`, plain data): the CPU backend splits it across worker threads
 * (src/engine/sched-node) when the model is shared; otherwise it runs here.
 *
 * Several changed edges are applied one after the other (`applyEdgeDeltas`): each step turns a list that is
 * exact for some parameters into one exact for those with e's replaced by the current ones. Edges whose turn
 * has not come yet (`pending`) are left out of a refill: their current parameters are already in `params`, but
 * the lists are not exact for them yet, and a refill that took one at its new cost could put it behind an
 * entry it beats (found by the property test: edge 8 came back from "unavailable" in the same tick in which
 * edge 3 fell out of a list). Leaving it out is exact for "that edge absent"; its own step then inserts it
 * where it belongs, as for any edge outside a list. Dirty chunks are skipped (they are rescored anyway, and
 * their lists may not be exact).
 */
import { NO_EDGE, PAIR_EDGE_MASK, PAIR_FAIL_SHIFT } from '../constants.ts';
import type { EdgeParams } from '../cost.ts';
import type { SchedModel } from '../model.ts';
import type { KBestArrays } from '../cpu/kbest.ts';
import { RECORD_HEADER as HEADER, SLOW_CLASS as SLOW } from '../cpu/narrow-chunks.ts';

/**
 * One changed edge's update of the chunks listed in chunks[from..to) (typed arrays + scalars only): the k-best
 * arrays of cpu/kbest.ts plus the edge and its slice of chunks.
 */
export interface EdgeDeltaJob extends KBestArrays {
  e: number;
  /** The edge's chunks (reverse index slice; the CSR's whole array, indexed by from..to). */
  chunks: Uint32Array;
  from: number;
  to: number;
  /** The model's dirty flags when any chunk is dirty (those are skipped), else undefined. */
  dirtyFlag: Uint8Array | undefined;
  /** Per edge, 1 while the edge's own delta is still to run in this batch (see the header); else undefined. */
  pending: Uint8Array | undefined;
  /**
   * The CPU backend's narrow mirror (cpu/narrow-chunks.ts), when it has one: a chunk's size class and edge ids
   * in one record, so a scattered chunk costs one cache line of input instead of three (size, offsets, pairs).
   * SLOW chunks (a pair failed, or too many pairs) are read from the model's arrays.
   */
  narrow?: { rec: Uint8Array; rec16: Uint16Array; stride: number; classSize: Float32Array };
}

/** Runs a delta job over the chunks of the whole edge: inline by default; the CPU backend may split it. */
export type EdgeDeltaRunner = (job: EdgeDeltaJob, model: SchedModel) => Promise<void> | void;

const BLOCK = 16;
/** Keeps the touch loads alive. */
let _touched = 0;

/** The job for edge e over its indexed chunks (chunks added since the reverse index was built are not in it). */
export function edgeDeltaJob(
  m: SchedModel,
  params: EdgeParams,
  maxFail: number,
  e: number,
  pending?: Uint8Array,
): EdgeDeltaJob {
  const { start, chunks } = m.reverseIndex();
  const inIndex = e < start.length - 1;
  return {
    e,
    k: m.k,
    maxFail,
    chunks,
    from: inIndex ? start[e] : 0,
    to: inIndex ? start[e + 1] : 0,
    costSize: m.costSize,
    availStart: m.availStart,
    pairs: m.pairs,
    kEdge: m.kEdge,
    kCost: m.kCost,
    a: params.a,
    b: params.b,
    excluded: params.excluded,
    dirtyFlag: m.dirtyCount > 0 ? m.dirtyFlag : undefined,
    pending,
  };
}

/**
 * Applies edge e's new parameters to the lists of chunks on e; returns how many chunks it visited. `run` runs
 * the job over the indexed chunks (default: here); chunks not in the reverse index yet are scanned here.
 */
export async function applyEdgeDelta(
  m: SchedModel,
  params: EdgeParams,
  maxFail: number,
  e: number,
  run?: EdgeDeltaRunner,
  pending?: Uint8Array,
): Promise<number> {
  const job = edgeDeltaJob(m, params, maxFail, e, pending);
  if (job.to > job.from) {
    if (run) await run(job, m);
    else runEdgeDelta(job, job.from, job.to);
  }
  return job.to - job.from + applyEdgeDeltaTail(m, job);
}

/**
 * Applies several changed edges' new parameters, one after the other (each edge's step leaves the edges still
 * to come out of its refills); returns how many chunk updates it made.
 */
export async function applyEdgeDeltas(
  m: SchedModel,
  params: EdgeParams,
  maxFail: number,
  edges: Iterable<number>,
  run?: EdgeDeltaRunner,
): Promise<number> {
  const list = [...edges];
  let pending: Uint8Array | undefined;
  if (list.length > 1) {
    pending = new Uint8Array(m.edgeCount);
    for (const e of list) pending[e] = 1;
  }
  let visited = 0;
  for (const e of list) {
    if (pending) pending[e] = 0;
    visited += await applyEdgeDelta(m, params, maxFail, e, run, pending);
  }
  return visited;
}

/** Updates the chunks job.chunks[from..to) (a slice of job's range; workers run one each). */
export function runEdgeDelta(job: EdgeDeltaJob, from: number, to: number): void {
  const { chunks, costSize, kEdge, kCost, k, dirtyFlag, availStart, pairs, narrow } = job;
  for (let base = from; base < to; base += BLOCK) {
    const end = Math.min(base + BLOCK, to);
    // Touch the block's lines with independent loads first, so their cache misses overlap (see cpu/job.ts).
    let sink = 0;
    if (narrow) {
      const { rec, stride } = narrow;
      for (let i = base; i < end; i++) {
        const c = chunks[i];
        sink += rec[c * stride] + kEdge[c * k] + kCost[c * k];
      }
    } else {
      for (let i = base; i < end; i++) {
        const c = chunks[i];
        sink += costSize[c] + kEdge[c * k] + kCost[c * k] + availStart[c];
      }
      for (let i = base; i < end; i++) sink += pairs[availStart[chunks[i]]];
    }
    _touched += sink;
    for (let i = base; i < end; i++) {
      const c = chunks[i];
      if (dirtyFlag !== undefined && dirtyFlag[c] !== 0) continue;
      updateList(job, c);
    }
  }
}

/** Chunks added since the reverse index was built: scanned directly. */
function applyEdgeDeltaTail(m: SchedModel, job: EdgeDeltaJob): number {
  const { indexed } = m.reverseIndex();
  let visited = 0;
  for (let c = indexed; c < m.chunkCount; c++) {
    if (m.pairIndex(c, job.e) < 0 || m.dirtyFlag[c] !== 0) continue;
    visited++;
    updateList(job, c);
  }
  return visited;
}

/** Updates chunk c's list for e's new cost. */
function updateList(job: EdgeDeltaJob, c: number): void {
  const { k, kEdge, kCost, e, narrow } = job;
  const o = c * k;
  const cls = narrow ? narrow.rec16[(c * narrow.stride) >> 1] : SLOW;
  const excluded = job.excluded[e] !== 0;
  let pos = -1;
  let used = 0;
  for (let i = 0; i < k; i++) {
    const x = kEdge[o + i];
    if (x === NO_EDGE) break;
    if (x === e) pos = i;
    used++;
  }
  const full = used === k;
  if (pos >= 0 && excluded) return refillLast(job, c, cls, pos, used, Infinity); // e leaves the list
  if (excluded) return; // not a candidate before or now
  const size = cls !== SLOW ? narrow!.classSize[cls] : job.costSize[c];
  const cost = Math.fround(job.a[e] * size + job.b[e]);
  if (pos >= 0) {
    const old = kCost[o + pos];
    if (cost <= old) {
      // Cheaper (or the same): e moves towards the front; nothing outside the list can overtake.
      let i = pos;
      while (i > 0 && before(cost, e, kCost[o + i - 1], kEdge[o + i - 1])) {
        kCost[o + i] = kCost[o + i - 1];
        kEdge[o + i] = kEdge[o + i - 1];
        i--;
      }
      kCost[o + i] = cost;
      kEdge[o + i] = e;
      return;
    }
    // Dearer, past the last entry of a full list: an edge outside the list may now beat it.
    if (full && (pos === k - 1 || !before(cost, e, kCost[o + k - 1], kEdge[o + k - 1])))
      return refillLast(job, c, cls, pos, used, cost);
    // Dearer, still within the list (or the list holds every candidate): e moves towards the back.
    let i = pos;
    while (i + 1 < used && before(kCost[o + i + 1], kEdge[o + i + 1], cost, e)) {
      kCost[o + i] = kCost[o + i + 1];
      kEdge[o + i] = kEdge[o + i + 1];
      i++;
    }
    kCost[o + i] = cost;
    kEdge[o + i] = e;
    return;
  }
  // Not in the list: it enters only if it beats the last entry (or there is room) and the pair is usable.
  if (full && !before(cost, e, kCost[o + k - 1], kEdge[o + k - 1])) return;
  // A chunk with a record has no failed pair, and e is on it (it is in e's reverse index).
  if (cls === SLOW && !pairUsable(job, c, e)) return;
  let i = full ? k - 1 : used;
  while (i > 0 && before(cost, e, kCost[o + i - 1], kEdge[o + i - 1])) {
    kCost[o + i] = kCost[o + i - 1];
    kEdge[o + i] = kEdge[o + i - 1];
    i--;
  }
  kCost[o + i] = cost;
  kEdge[o + i] = e;
}

/**
 * e (at pos) leaves the list or falls behind every other entry: drop it, close the gap, and give the last used
 * slot to the best of e at its new cost (Infinity: e is excluded) and the usable candidates outside the list.
 * The other entries beat every outside candidate before, and their costs did not change, so they stay ahead.
 */
function refillLast(job: EdgeDeltaJob, c: number, cls: number, pos: number, used: number, eCost: number): void {
  const { k, kEdge, kCost, e, pairs, excluded, maxFail, narrow, pending } = job;
  const o = c * k;
  for (let i = pos; i + 1 < used; i++) {
    kEdge[o + i] = kEdge[o + i + 1];
    kCost[o + i] = kCost[o + i + 1];
  }
  const last = used - 1;
  let bestE = eCost === Infinity ? NO_EDGE : e;
  let bestC = eCost;
  // From the record (no failed pairs) or from the model's pairs (failure counts checked).
  const rec = cls !== SLOW ? narrow!.rec : undefined;
  const size = rec ? narrow!.classSize[cls] : job.costSize[c];
  const ro = rec ? c * narrow!.stride : 0;
  const j0 = rec ? ro + HEADER : job.availStart[c];
  const j1 = rec ? j0 + rec[ro + 2] : job.availStart[c + 1];
  for (let j = j0; j < j1; j++) {
    let x: number;
    if (rec) x = rec[j];
    else {
      const w = pairs[j];
      if (w >>> PAIR_FAIL_SHIFT >= maxFail) continue;
      x = w & PAIR_EDGE_MASK;
    }
    if (x === e || excluded[x] !== 0 || (pending !== undefined && pending[x] !== 0)) continue;
    let inList = false;
    for (let i = 0; i < last; i++)
      if (kEdge[o + i] === x) {
        inList = true;
        break;
      }
    if (inList) continue;
    const cx = Math.fround(job.a[x] * size + job.b[x]);
    if (before(cx, x, bestC, bestE)) {
      bestC = cx;
      bestE = x;
    }
  }
  kEdge[o + last] = bestE;
  kCost[o + last] = bestC;
}

function before(x: number, ex: number, y: number, ey: number): boolean {
  return x < y || (x === y && ex < ey);
}

function pairUsable(job: EdgeDeltaJob, c: number, e: number): boolean {
  for (let j = job.availStart[c]; j < job.availStart[c + 1]; j++) {
    const w = job.pairs[j];
    if ((w & PAIR_EDGE_MASK) === e) return w >>> PAIR_FAIL_SHIFT < job.maxFail;
  }
  return false;
}
