/**
 * The scheduler model: structure of arrays in typed arrays, one layout read by both backends.
 *
 * Chunks: size (bytes), costSize (the 12-bit quantised size the cost uses), priority, status, retries,
 * deadline (epoch ms), assigned edge, and the k-best list (edges + costs) that doubles as the ordered backups.
 * Availability: CSR (availStart[c]..availStart[c+1] index `pairs`), each pair = edge id | failures << 16.
 * Edges: bandwidth, RTT, health, queue depth, max parallel, flags, the per-tick constraint multiplier and
 * exclusion, and two counters the scheduler keeps (in flight, pending assigned) for dispatch and balancing.
 * Nothing here materialises chunks × edges.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import {
  ChunkStatus,
  EdgeFlag,
  MAX_EDGES,
  MAX_K,
  NO_EDGE,
  PAIR_EDGE_MASK,
  PAIR_FAIL_MAX,
  PAIR_FAIL_SHIFT,
} from './constants.ts';
import { quantize12 } from './quantize.ts';
import { growF32, growF64, growU16, growU32, growU8, type Allocate } from './typed-growth.ts';

export interface EdgeSpec {
  /** Estimated bandwidth in bytes per second. */
  bandwidth: number;
  /** Estimated round-trip time in seconds. */
  rtt: number;
  /** 0 (dead) .. 1 (perfect). */
  health?: number;
  queueDepth?: number;
  maxParallel?: number;
  metered?: boolean;
  batteryLow?: boolean;
  unavailable?: boolean;
}

export interface ChunkBatch {
  sizes: ArrayLike<number>;
  priorities?: ArrayLike<number>;
  /** CSR offsets into replicaEdges, length sizes.length + 1, starting at 0. */
  replicaStart: ArrayLike<number>;
  replicaEdges: ArrayLike<number>;
}

export interface SchedModelOptions {
  /** Length of each chunk's k-best list (1..8). */
  k?: number;
  chunkCapacity?: number;
  pairCapacity?: number;
  edgeCapacity?: number;
  /** Buffer factory: pass `(n) => new SharedArrayBuffer(n)` to share the arrays with workers. */
  allocate?: Allocate;
}

const defaultAllocate: Allocate = (n) => new ArrayBuffer(n);

export class SchedModel {
  readonly k: number;
  readonly allocate: Allocate;
  chunkCount = 0;
  pairCount = 0;
  edgeCount = 0;

  // chunks
  size: Uint32Array;
  costSize: Float32Array;
  priority: Uint8Array;
  status: Uint8Array;
  retries: Uint8Array;
  deadline: Float64Array;
  assigned: Uint16Array;
  availStart: Uint32Array;
  pairs: Uint32Array;
  kEdge: Uint16Array;
  kCost: Float32Array;

  // edges
  bandwidth: Float64Array;
  rtt: Float64Array;
  health: Float32Array;
  queueDepth: Uint32Array;
  maxParallel: Uint16Array;
  flags: Uint8Array;
  constraintMult: Float32Array;
  constraintExcluded: Uint8Array;
  inflight: Uint32Array;
  pendingAssigned: Uint32Array;

  /** Chunks whose k-best must be recomputed (added, failed on an edge, availability changed). */
  dirtyFlag: Uint8Array;
  dirtyList: Uint32Array;
  dirtyCount = 0;
  /** Bumped when a priority changes, so the dispatch order knows to rebuild (appends are detected by count). */
  priorityVersion = 0;
  /**
   * Chunks in the order their pairs first recorded a failure (append-only; a chunk may repeat): the CPU
   * backend's narrow mirror (cpu/narrow-chunks.ts) reads it to route those chunks to the failure-aware path.
   */
  failureLog: Uint32Array = new Uint32Array(64);
  failureLogCount = 0;
  readonly statusCounts = [0, 0, 0, 0, 0];

  // reverse index edge -> chunks (built lazily; chunks >= reverseIndexed are not in it yet)
  private revStart: Uint32Array | undefined;
  private revChunks: Uint32Array | undefined;
  private reverseIndexed = 0;

  constructor(opts: SchedModelOptions = {}) {
    const k = opts.k ?? 4;
    if (!Number.isInteger(k) || k < 1 || k > MAX_K)
      throw new WarpError(ErrorCodes.USAGE, `k must be an integer 1..${MAX_K}, got ${k}`);
    this.k = k;
    this.allocate = opts.allocate ?? defaultAllocate;
    const cc = Math.max(16, opts.chunkCapacity ?? 1024);
    const pc = Math.max(64, opts.pairCapacity ?? cc * 4);
    const ec = Math.max(4, opts.edgeCapacity ?? 16);
    const a = this.allocate;
    this.size = growU32(undefined, cc, a);
    this.costSize = growF32(undefined, cc, a);
    this.priority = growU8(undefined, cc, a);
    this.status = growU8(undefined, cc, a);
    this.retries = growU8(undefined, cc, a);
    this.deadline = growF64(undefined, cc, a);
    this.assigned = growU16(undefined, cc, a);
    this.availStart = growU32(undefined, cc + 1, a);
    this.pairs = growU32(undefined, pc, a);
    this.kEdge = growU16(undefined, cc * k, a);
    this.kCost = growF32(undefined, cc * k, a);
    this.dirtyFlag = growU8(undefined, cc, a);
    this.dirtyList = growU32(undefined, cc, a);
    this.bandwidth = growF64(undefined, ec, a);
    this.rtt = growF64(undefined, ec, a);
    this.health = growF32(undefined, ec, a);
    this.queueDepth = growU32(undefined, ec, a);
    this.maxParallel = growU16(undefined, ec, a);
    this.flags = growU8(undefined, ec, a);
    this.constraintMult = growF32(undefined, ec, a);
    this.constraintExcluded = growU8(undefined, ec, a);
    this.inflight = growU32(undefined, ec, a);
    this.pendingAssigned = growU32(undefined, ec, a);
  }

  // ---------------------------------------------------------------- edges

  addEdge(spec: EdgeSpec): number {
    if (this.edgeCount >= MAX_EDGES) throw new WarpError(ErrorCodes.USAGE, `at most ${MAX_EDGES} edges`);
    const e = this.edgeCount;
    if (e >= this.bandwidth.length) this.growEdges(e * 2);
    this.edgeCount++;
    this.constraintMult[e] = 1;
    this.maxParallel[e] = 4;
    this.health[e] = 1;
    this.updateEdge(e, spec);
    return e;
  }

  /** Changes an edge's estimates or flags; the next tick notices the changed cost and rescores affected chunks. */
  updateEdge(e: number, patch: Partial<EdgeSpec>): void {
    this.checkEdge(e);
    if (patch.bandwidth !== undefined) this.bandwidth[e] = checkNonNegative(patch.bandwidth, 'bandwidth');
    if (patch.rtt !== undefined) this.rtt[e] = checkNonNegative(patch.rtt, 'rtt');
    if (patch.health !== undefined) this.health[e] = Math.min(1, Math.max(0, patch.health));
    if (patch.queueDepth !== undefined) this.queueDepth[e] = Math.max(0, Math.round(patch.queueDepth));
    if (patch.maxParallel !== undefined)
      this.maxParallel[e] = Math.min(0xffff, Math.max(0, Math.round(patch.maxParallel)));
    let f = this.flags[e];
    if (patch.metered !== undefined) f = patch.metered ? f | EdgeFlag.METERED : f & ~EdgeFlag.METERED;
    if (patch.batteryLow !== undefined) f = patch.batteryLow ? f | EdgeFlag.BATTERY_LOW : f & ~EdgeFlag.BATTERY_LOW;
    if (patch.unavailable !== undefined) f = patch.unavailable ? f | EdgeFlag.UNAVAILABLE : f & ~EdgeFlag.UNAVAILABLE;
    this.flags[e] = f;
  }

  isEdgeUnavailable(e: number): boolean {
    return (this.flags[e] & EdgeFlag.UNAVAILABLE) !== 0;
  }

  // ---------------------------------------------------------------- chunks

  addChunk(size: number, replicaEdges: ArrayLike<number>, priority = 0): number {
    const first = this.chunkCount;
    this.addChunks({ sizes: [size], priorities: [priority], replicaStart: [0, replicaEdges.length], replicaEdges });
    return first;
  }

  /** Appends chunks in bulk; returns the id of the first. Duplicate replicas of one chunk are dropped. */
  addChunks(batch: ChunkBatch): number {
    const n = batch.sizes.length;
    if (batch.replicaStart.length !== n + 1)
      throw new WarpError(ErrorCodes.USAGE, 'replicaStart must have sizes.length + 1 entries');
    const first = this.chunkCount;
    this.ensureChunkCapacity(first + n);
    this.ensurePairCapacity(this.pairCount + batch.replicaEdges.length);
    let p = this.pairCount;
    for (let i = 0; i < n; i++) {
      const c = first + i;
      const size = batch.sizes[i];
      if (!(size >= 0 && size <= 0xffffffff)) throw new WarpError(ErrorCodes.USAGE, `chunk size out of range: ${size}`);
      this.size[c] = size;
      this.costSize[c] = quantize12(size);
      const prio = batch.priorities ? batch.priorities[i] : 0;
      this.priority[c] = Math.min(255, Math.max(0, prio | 0));
      this.status[c] = ChunkStatus.PENDING;
      this.retries[c] = 0;
      this.deadline[c] = 0;
      this.assigned[c] = NO_EDGE;
      this.availStart[c] = p;
      const j0 = p;
      for (let r = batch.replicaStart[i]; r < batch.replicaStart[i + 1]; r++) {
        const e = batch.replicaEdges[r];
        if (!(e >= 0 && e < this.edgeCount) || !Number.isInteger(e))
          throw new WarpError(ErrorCodes.USAGE, `chunk ${c}: unknown edge ${e}`);
        let dup = false;
        for (let q = j0; q < p; q++)
          if ((this.pairs[q] & PAIR_EDGE_MASK) === e) {
            dup = true;
            break;
          }
        if (!dup) this.pairs[p++] = e;
      }
      const o = c * this.k;
      this.kEdge.fill(NO_EDGE, o, o + this.k);
      this.kCost.fill(Infinity, o, o + this.k);
      this.markDirty(c);
    }
    this.availStart[first + n] = p;
    this.pairCount = p;
    this.chunkCount = first + n;
    this.statusCounts[ChunkStatus.PENDING] += n;
    return first;
  }

  setPriority(c: number, priority: number): void {
    this.checkChunk(c);
    this.priority[c] = Math.min(255, Math.max(0, priority | 0));
    this.priorityVersion++;
  }

  markDirty(c: number): void {
    if (this.dirtyFlag[c] !== 0) return;
    this.dirtyFlag[c] = 1;
    if (this.dirtyCount >= this.dirtyList.length)
      this.dirtyList = growU32(this.dirtyList, this.dirtyList.length * 2, this.allocate);
    this.dirtyList[this.dirtyCount++] = c;
  }

  clearDirty(): void {
    for (let i = 0; i < this.dirtyCount; i++) this.dirtyFlag[this.dirtyList[i]] = 0;
    this.dirtyCount = 0;
  }

  /** Index into `pairs` of (chunk, edge), or -1. */
  pairIndex(c: number, e: number): number {
    for (let j = this.availStart[c]; j < this.availStart[c + 1]; j++)
      if ((this.pairs[j] & PAIR_EDGE_MASK) === e) return j;
    return -1;
  }

  pairFailures(j: number): number {
    return this.pairs[j] >>> PAIR_FAIL_SHIFT;
  }

  /** Counts one failure of chunk c on edge e (saturating) and marks the chunk for rescoring. */
  recordPairFailure(c: number, e: number): void {
    const j = this.pairIndex(c, e);
    if (j < 0) return;
    const old = this.pairs[j] >>> PAIR_FAIL_SHIFT;
    const f = Math.min(PAIR_FAIL_MAX, old + 1);
    this.pairs[j] = (this.pairs[j] & PAIR_EDGE_MASK) | (f << PAIR_FAIL_SHIFT);
    if (old === 0) {
      if (this.failureLogCount === this.failureLog.length) {
        const next = new Uint32Array(this.failureLog.length * 2);
        next.set(this.failureLog);
        this.failureLog = next;
      }
      this.failureLog[this.failureLogCount++] = c;
    }
    this.markDirty(c);
  }

  // ---------------------------------------------------------------- status transitions (keep counters exact)

  /** Moves a chunk to `status` with `edge` as its assigned edge, keeping per-edge counters consistent. */
  transition(c: number, status: ChunkStatus, edge: number): void {
    const old = this.status[c] as ChunkStatus;
    const a = this.assigned[c];
    if (a !== NO_EDGE) {
      if (old === ChunkStatus.PENDING) this.pendingAssigned[a]--;
      else if (old === ChunkStatus.IN_FLIGHT) this.inflight[a]--;
    }
    this.statusCounts[old]--;
    this.status[c] = status;
    this.assigned[c] = edge;
    this.statusCounts[status]++;
    if (edge !== NO_EDGE) {
      if (status === ChunkStatus.PENDING) this.pendingAssigned[edge]++;
      else if (status === ChunkStatus.IN_FLIGHT) this.inflight[edge]++;
    }
  }

  /** Chunks not yet done or permanently failed. */
  get unfinished(): number {
    return (
      this.statusCounts[ChunkStatus.PENDING] +
      this.statusCounts[ChunkStatus.IN_FLIGHT] +
      this.statusCounts[ChunkStatus.FAILED]
    );
  }

  // ---------------------------------------------------------------- reverse index (edge -> chunks)

  /** Calls fn for every chunk that has edge e in its availability. */
  forEachChunkOnEdge(e: number, fn: (c: number) => void): void {
    const { start, chunks, indexed } = this.reverseIndex();
    if (e < start.length - 1) for (let i = start[e]; i < start[e + 1]; i++) fn(chunks[i]);
    for (let c = indexed; c < this.chunkCount; c++) if (this.pairIndex(c, e) >= 0) fn(c);
  }

  /**
   * The reverse index: chunks[start[e] .. start[e + 1]) are the chunks on edge e, ascending. Chunks ≥ `indexed`
   * (added since the last build) are not in it; callers scan them directly.
   */
  reverseIndex(): { start: Uint32Array; chunks: Uint32Array; indexed: number } {
    // Rebuild when a large unindexed tail would make the callers' linear scan dominate.
    if (this.revStart === undefined || this.chunkCount - this.reverseIndexed > Math.max(4096, this.reverseIndexed >> 3))
      this.buildReverseIndex();
    return { start: this.revStart!, chunks: this.revChunks!, indexed: this.reverseIndexed };
  }

  /** Number of (chunk, edge) pairs of edge e (an upper bound when the index is stale). */
  edgeDegree(e: number): number {
    if (this.revStart === undefined) this.buildReverseIndex();
    const s = this.revStart!;
    return (e < s.length - 1 ? s[e + 1] - s[e] : 0) + (this.chunkCount - this.reverseIndexed);
  }

  private buildReverseIndex(): void {
    const E = this.edgeCount;
    const start = new Uint32Array(E + 1);
    const np = this.pairCount;
    for (let j = 0; j < np; j++) start[(this.pairs[j] & PAIR_EDGE_MASK) + 1]++;
    for (let e = 0; e < E; e++) start[e + 1] += start[e];
    const fillPos = start.slice(0, E);
    // On the model's buffers: workers read it when they split an edge delta (phases/edge-delta.ts).
    const chunks = growU32(undefined, np, this.allocate);
    for (let c = 0; c < this.chunkCount; c++) {
      for (let j = this.availStart[c]; j < this.availStart[c + 1]; j++)
        chunks[fillPos[this.pairs[j] & PAIR_EDGE_MASK]++] = c;
    }
    this.revStart = start;
    this.revChunks = chunks;
    this.reverseIndexed = this.chunkCount;
  }

  // ---------------------------------------------------------------- accounting

  /** Bytes of model state per chunk (chunk arrays + its share of availability and the reverse index). */
  bytesPerChunk(): number {
    const C = Math.max(1, this.chunkCount);
    const perChunk = 4 + 4 + 1 + 1 + 1 + 8 + 2 + 4 + this.k * (2 + 4) + 1 + 4; // incl. dirty flag + list slot
    const pairs = (this.pairCount * (4 + (this.revChunks ? 4 : 0))) / C;
    return perChunk + pairs;
  }

  // ---------------------------------------------------------------- helpers

  checkChunk(c: number): void {
    if (!(c >= 0 && c < this.chunkCount) || !Number.isInteger(c))
      throw new WarpError(ErrorCodes.USAGE, `unknown chunk ${c}`);
  }

  checkEdge(e: number): void {
    if (!(e >= 0 && e < this.edgeCount) || !Number.isInteger(e))
      throw new WarpError(ErrorCodes.USAGE, `unknown edge ${e}`);
  }

  private ensureChunkCapacity(n: number): void {
    if (n + 1 <= this.size.length) return;
    let cap = this.size.length;
    while (cap < n + 1) cap *= 2;
    const a = this.allocate;
    this.size = growU32(this.size, cap, a);
    this.costSize = growF32(this.costSize, cap, a);
    this.priority = growU8(this.priority, cap, a);
    this.status = growU8(this.status, cap, a);
    this.retries = growU8(this.retries, cap, a);
    this.deadline = growF64(this.deadline, cap, a);
    this.assigned = growU16(this.assigned, cap, a);
    this.availStart = growU32(this.availStart, cap + 1, a);
    this.kEdge = growU16(this.kEdge, cap * this.k, a);
    this.kCost = growF32(this.kCost, cap * this.k, a);
    this.dirtyFlag = growU8(this.dirtyFlag, cap, a);
  }

  private ensurePairCapacity(n: number): void {
    if (n <= this.pairs.length) return;
    let cap = this.pairs.length;
    while (cap < n) cap *= 2;
    this.pairs = growU32(this.pairs, cap, this.allocate);
  }

  private growEdges(cap: number): void {
    const a = this.allocate;
    this.bandwidth = growF64(this.bandwidth, cap, a);
    this.rtt = growF64(this.rtt, cap, a);
    this.health = growF32(this.health, cap, a);
    this.queueDepth = growU32(this.queueDepth, cap, a);
    this.maxParallel = growU16(this.maxParallel, cap, a);
    this.flags = growU8(this.flags, cap, a);
    this.constraintMult = growF32(this.constraintMult, cap, a);
    this.constraintExcluded = growU8(this.constraintExcluded, cap, a);
    this.inflight = growU32(this.inflight, cap, a);
    this.pendingAssigned = growU32(this.pendingAssigned, cap, a);
  }
}

function checkNonNegative(x: number, what: string): number {
  if (!(x >= 0) || !Number.isFinite(x))
    throw new WarpError(ErrorCodes.USAGE, `${what} must be a finite number >= 0, got ${x}`);
  return x;
}
