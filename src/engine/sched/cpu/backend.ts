/**
 * The CPU backend. Prepares a ScoreJob per call (the fast ranked kernel when k ≤ 4 and ≤ 255 edges and the
 * rank table is worth having, the direct kernel otherwise) and runs it on the calling thread, or splits it
 * across workers through an injected ParallelScorer: starting workers differs between Node and browsers and
 * sched must stay browser-safe (the Node one lives in src/engine/sched-node).
 */
import type { BackendDescription, SchedBackend, ScoreInput } from '../backend.ts';
import { scoreJobList, scoreJobRange, type ScoreJob } from './job.ts';
import { NarrowChunks } from './narrow-chunks.ts';
import { RANK_MAX_EDGES, RankTable } from './rank-table.ts';
import type { EdgeParams } from '../cost.ts';
import { runEdgeDelta, type EdgeDeltaJob } from '../phases/edge-delta.ts';
import type { SchedModel } from '../model.ts';
import { IdSorter } from './sort-ids.ts';

/** Splits a scoring job across threads; provided by a host that can start them (src/engine/sched-node). */
export interface ParallelScorer {
  /** Threads a job is split across, the calling one included. */
  readonly threads: number;
  /** Whether workers can see these arrays (SharedArrayBuffer-backed); otherwise the backend runs the job itself. */
  canShare(job: ScoreJob): boolean;
  /** Scores chunks [0, count) on all threads; resolves when every slice is written. */
  scoreRange(job: ScoreJob, count: number): Promise<void>;
  /** Scores list[0..count) (sorted ascending) on all threads. */
  scoreList(job: ScoreJob, list: Uint32Array, count: number): Promise<void>;
  /** Runs an edge delta over job.from..job.to on all threads (its arrays shared). */
  runEdgeDelta(job: EdgeDeltaJob): Promise<void>;
  dispose(): void;
}

export interface CpuBackendOptions {
  parallel?: ParallelScorer;
  /** Below this many chunks a full run stays on the calling thread (a worker round trip costs ~0.1-0.3 ms). */
  parallelMinChunks?: number;
  /** Below this many listed chunks an incremental run stays on the calling thread. */
  parallelMinList?: number;
  /**
   * 'auto' (default): the ranked kernel when it applies and its table is current or cheap to rebuild;
   * 'ranked': whenever it applies (tests); 'direct': never (tests, and the benchmark's before/after).
   */
  kernel?: 'auto' | 'ranked' | 'direct';
  /** Use the narrow mirror for k = 4 (default true; false keeps the wide ranked kernel, for tests). */
  narrow?: boolean;
}

export class CpuBackend implements SchedBackend {
  readonly description: BackendDescription;
  private readonly parallel: ParallelScorer | undefined;
  private readonly parallelMinChunks: number;
  private readonly parallelMinList: number;
  private readonly kernel: 'auto' | 'ranked' | 'direct';
  private ranks: RankTable | undefined;
  private readonly useNarrow: boolean;
  private narrow: NarrowChunks | undefined;
  private readonly sorter = new IdSorter();
  /** The parameters every list was last computed with in a full run (see stableEdges). */
  private seenModel: SchedModel | undefined;
  private seenParams: EdgeParams | undefined;
  private seenCount = 0;
  private readonly seenA = new Float64Array(256);
  private readonly seenB = new Float64Array(256);
  private readonly seenEx = new Uint8Array(256);
  private readonly seenVersion = new Float64Array(256);

  constructor(opts: CpuBackendOptions = {}) {
    this.parallel = opts.parallel;
    this.parallelMinChunks = opts.parallelMinChunks ?? 100_000;
    this.parallelMinList = opts.parallelMinList ?? 20_000;
    this.kernel = opts.kernel ?? 'auto';
    this.useNarrow = opts.narrow ?? true;
    const threads = this.parallel?.threads ?? 1;
    this.description = { kind: 'cpu', label: `cpu (${threads} thread${threads === 1 ? '' : 's'})` };
  }

  /** The rank table (undefined until a run used it); tests and benchmarks read its counters. */
  get rankTable(): RankTable | undefined {
    return this.ranks;
  }

  async scoreAll(input: ScoreInput): Promise<void> {
    const count = input.model.chunkCount;
    const job = this.prepare(input, count, true);
    const p = this.parallel;
    if (p && count >= this.parallelMinChunks && p.canShare(job)) await p.scoreRange(job, count);
    else scoreJobRange(job, 0, count);
    this.rememberParams(input);
  }

  /** Sorts list[0..count) in place first (memory order), then scores it. */
  async scoreChunks(input: ScoreInput, chunks: Uint32Array, count: number): Promise<void> {
    if (count === 0) return;
    this.sorter.sort(chunks, count, input.model.chunkCount);
    const job = this.prepare(input, count, false);
    const p = this.parallel;
    if (p && count >= this.parallelMinList && p.canShare(job)) return p.scoreList(job, chunks, count);
    scoreJobList(job, chunks, 0, count);
  }

  /**
   * An edge delta: over the narrow mirror when there is one (k = 4), split across threads when it is large and
   * the model is shared, else here.
   */
  async runEdgeDelta(job: EdgeDeltaJob, m?: SchedModel): Promise<void> {
    if (m && m.k === 4 && this.useNarrow && this.ranks && this.narrow) {
      this.ranks.syncClasses(m);
      const n = this.narrow;
      if (n.sync(m, this.ranks))
        job.narrow = { rec: n.rec, rec16: n.rec16, stride: n.stride, classSize: this.ranks.classSize };
    }
    const p = this.parallel;
    const shared =
      [job.chunks, job.costSize, job.availStart, job.pairs, job.kEdge, job.kCost].every(
        (a) => a.buffer instanceof SharedArrayBuffer,
      ) &&
      (job.dirtyFlag === undefined || job.dirtyFlag.buffer instanceof SharedArrayBuffer) &&
      (job.narrow === undefined ||
        [job.narrow.rec, job.narrow.classSize].every((a) => a.buffer instanceof SharedArrayBuffer));
    if (p && job.to - job.from >= this.parallelMinList && shared) return p.runEdgeDelta(job);
    runEdgeDelta(job, job.from, job.to);
  }

  dispose(): void {
    this.parallel?.dispose();
  }

  /**
   * The job for `work` chunks. The ranked kernel needs a current rank table; rebuilding it costs one entry per
   * (size class, edge), so a small incremental run after an edge changed uses the direct kernel instead.
   */
  private prepare(input: ScoreInput, work: number, full: boolean): ScoreJob {
    const m = input.model;
    const p = input.params;
    const job: ScoreJob = {
      k: m.k,
      costSize: m.costSize,
      availStart: m.availStart,
      pairs: m.pairs,
      kEdge: m.kEdge,
      kCost: m.kCost,
      a: p.a,
      b: p.b,
      excluded: p.excluded,
      maxFail: input.maxFailuresPerEdge,
    };
    if (this.kernel === 'direct' || m.k > 4 || m.edgeCount > RANK_MAX_EDGES || m.edgeCount === 0) return job;
    this.ranks ??= new RankTable(m.allocate);
    const t = this.ranks;
    t.syncClasses(m);
    if (!t.isCurrent(p, m.edgeCount)) {
      // Measured: a table entry costs about a tenth of scoring one chunk with the direct kernel.
      if (this.kernel === 'auto' && t.rebuildCost(m.edgeCount) > work * 10) return job;
      t.build(p, m.edgeCount);
    }
    job.ranked = {
      costBits: new Uint32Array(m.costSize.buffer, m.costSize.byteOffset, m.costSize.length),
      classOf: t.classOf,
      ranks: t.ranks,
      stride: t.stride,
    };
    if (m.k === 4 && this.useNarrow) {
      this.narrow ??= new NarrowChunks(m.allocate);
      const n = this.narrow;
      if (n.sync(m, t)) {
        job.narrow = {
          rec: n.rec,
          rec16: n.rec16,
          recStride: n.stride,
          classSize: t.classSize,
          skipUnchanged: full && this.paramsUnchanged(input),
          kEdgeWords: new Int32Array(m.kEdge.buffer, m.kEdge.byteOffset, m.kEdge.length >>> 1),
        };
      }
    }
    return job;
  }

  /**
   * Whether every edge's costs are what every current list was computed with: same model and params object,
   * same values, and the same version stamps (so an edge that changed and changed back between two full runs,
   * its lists updated in place by the tick's edge delta meanwhile, counts as changed). Only full runs record
   * what they used: after one, every list is exact for those parameters, and every later tick keeps it exact
   * for the parameters of its own (rescoring or updating the chunks on changed edges).
   */
  private paramsUnchanged(input: ScoreInput): boolean {
    const m = input.model;
    const p = input.params;
    if (m !== this.seenModel || p !== this.seenParams || m.edgeCount !== this.seenCount) return false;
    for (let e = 0; e < m.edgeCount; e++) {
      // Object.is: a -0 where a 0 was gives other cost bits.
      if (
        !Object.is(p.a[e], this.seenA[e]) ||
        !Object.is(p.b[e], this.seenB[e]) ||
        p.excluded[e] !== this.seenEx[e] ||
        p.version[e] !== this.seenVersion[e]
      )
        return false;
    }
    return true;
  }

  private rememberParams(input: ScoreInput): void {
    const m = input.model;
    const p = input.params;
    if (m.edgeCount > 255) {
      this.seenModel = undefined;
      return;
    }
    this.seenModel = m;
    this.seenParams = p;
    this.seenCount = m.edgeCount;
    for (let e = 0; e < m.edgeCount; e++) {
      this.seenA[e] = p.a[e];
      this.seenB[e] = p.b[e];
      this.seenEx[e] = p.excluded[e];
      this.seenVersion[e] = p.version[e];
    }
  }
}
