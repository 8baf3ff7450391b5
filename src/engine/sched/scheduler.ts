/**
 * The tick loop. One tick, in order:
 *  1. constraints → per-edge multiplier / exclusion; edge parameters (a, b, excluded) and which edges changed;
 *  2. failure scan (reported failures, deadlines passed, edge unavailable or excluded) and failover to the
 *     next precomputed backup;
 *  3. scoring on the backend: incremental (dirty chunks + chunks on changed edges) or full;
 *  4. second-chance failover for chunks whose backups ran out, assignment of new / stalled chunks and of
 *     pending chunks whose edge dropped out;
 *  5. re-optimisation (when requested), load balancing, dispatch.
 * The driver (swarm, simulator) reports completions and failures between ticks and runs the dispatches.
 */
import type { EventBus } from '../core/event-bus.ts';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { SchedBackend } from './backend.ts';
import { resolveConfig, type SchedulerConfig, type SchedulerConfigInput } from './config.ts';
import { ChunkStatus, FailureReason, NO_EDGE } from './constants.ts';
import {
  evaluateConstraints,
  validateConstraints,
  type ConstraintVerdict,
  type EdgeConstraints,
  type EdgeEnvironment,
} from './constraints/evaluate.ts';
import { computeEdgeParams, EdgeParams } from './cost.ts';
import type { SchedEvent } from './sched-events.ts';
import { SchedModel, type SchedModelOptions } from './model.ts';
import { DispatchOrder } from './order.ts';
import { balanceLoad } from './phases/balance.ts';
import { firstValidBackup, newCounters, type TickContext, type TickCounters } from './phases/context.ts';
import { dispatch, RateLimiter, type Dispatch } from './phases/dispatch.ts';
import { applyEdgeDeltas } from './phases/edge-delta.ts';
import { failover, finishFailover, scanFailures, type FailedChunk } from './phases/failover.ts';
import { Reoptimizer, type ReoptRequest, type ReoptStatus } from './phases/reopt.ts';
import { resolveWeights, type CostWeights } from './policies.ts';

export interface TickTimings {
  constraintsMs: number;
  failureScanMs: number;
  scoreMs: number;
  assignMs: number;
  reoptMs: number;
  balanceMs: number;
  dispatchMs: number;
  totalMs: number;
}

export interface TickResult extends TickCounters {
  tick: number;
  now: number;
  mode: 'full' | 'incremental' | 'none';
  /** Chunks whose k-best was recomputed or updated in place (a chunk on a changed edge may count twice). */
  scored: number;
  changedEdges: number;
  dispatched: Dispatch[];
  /** Pending chunks with no usable edge right now. */
  stalled: number;
  unfinished: number;
  reopt: ReoptStatus;
  timings: TickTimings;
}

export interface TickOptions {
  /** Epoch ms; defaults to Date.now(). The simulator passes virtual time. */
  now?: number;
  /** Ignore the incremental path (benchmarks, tests). */
  forceFull?: boolean;
}

export interface SchedulerOptions {
  backend: SchedBackend;
  config?: SchedulerConfigInput;
  model?: SchedModel;
  modelOptions?: Omit<SchedModelOptions, 'k'>;
  events?: EventBus<SchedEvent>;
}

export class Scheduler {
  readonly model: SchedModel;
  readonly config: SchedulerConfig;
  readonly backend: SchedBackend;
  readonly params = new EdgeParams();
  private weights: CostWeights;
  private readonly events: EventBus<SchedEvent> | undefined;
  private readonly order = new DispatchOrder();
  private readonly inflight = new Set<number>();
  private reported: FailedChunk[] = [];
  private unassigned: number[] = [];
  /** When each stalled chunk (pending, no usable edge) first found nothing; cleared once it is assigned. */
  private readonly stalledSince = new Map<number, number>();
  private readonly limiter: RateLimiter;
  private readonly reopt = new Reoptimizer();
  private readonly constraints = new Map<
    number,
    { rules: EdgeConstraints; env: EdgeEnvironment; verdict?: ConstraintVerdict }
  >();
  private tickNo = 0;
  private scoredOnce = false;
  private newChunksFrom = 0;
  private totalBytes = 0;

  constructor(opts: SchedulerOptions) {
    this.config = resolveConfig(opts.config);
    this.weights = resolveWeights(this.config.policy, this.config.customWeights);
    this.backend = opts.backend;
    this.model = opts.model ?? new SchedModel({ ...opts.modelOptions, k: this.config.k });
    if (this.model.k !== this.config.k)
      throw new WarpError(ErrorCodes.USAGE, `model k (${this.model.k}) differs from config k (${this.config.k})`);
    this.events = opts.events;
    this.limiter = new RateLimiter(this.config.dispatch.ratePerSecond, this.config.dispatch.burst);
  }

  // ------------------------------------------------------------------ driver API (between ticks)

  /** A transfer finished and verified. Accepted from any unfinished state (a late success still counts). */
  markDone(c: number): boolean {
    const m = this.model;
    m.checkChunk(c);
    const s = m.status[c];
    if (s === ChunkStatus.DONE || s === ChunkStatus.FAILED_PERMANENT) return false;
    this.inflight.delete(c);
    m.transition(c, ChunkStatus.DONE, NO_EDGE);
    m.deadline[c] = 0;
    return true;
  }

  /** A transfer failed (error, hash mismatch, peer gone). Failover happens in the next tick. */
  markFailed(c: number): boolean {
    const m = this.model;
    m.checkChunk(c);
    if (m.status[c] !== ChunkStatus.IN_FLIGHT) return false;
    const e = m.assigned[c];
    this.inflight.delete(c);
    m.transition(c, ChunkStatus.FAILED, e);
    this.reported.push({ chunk: c, edge: e, reason: FailureReason.REPORTED });
    return true;
  }

  setPolicy(policy: SchedulerConfig['policy'], customWeights?: SchedulerConfig['customWeights']): void {
    this.weights = resolveWeights(policy, customWeights);
    this.config.policy = policy;
    this.config.customWeights = customWeights;
  }

  setEdgeConstraints(e: number, rules: EdgeConstraints | undefined): void {
    this.model.checkEdge(e);
    if (!rules) {
      this.constraints.delete(e);
      this.model.constraintMult[e] = 1;
      this.model.constraintExcluded[e] = 0;
      return;
    }
    validateConstraints(rules);
    this.constraints.set(e, { rules, env: this.constraints.get(e)?.env ?? {} });
  }

  setEdgeEnvironment(e: number, env: EdgeEnvironment): void {
    this.model.checkEdge(e);
    const entry = this.constraints.get(e);
    if (entry) entry.env = { ...entry.env, ...env };
    else this.constraints.set(e, { rules: {}, env });
  }

  /** Why an edge is excluded or multiplied, as of the last tick. */
  constraintVerdict(e: number): ConstraintVerdict {
    return this.constraints.get(e)?.verdict ?? { multiplier: 1, excluded: false, reasons: [] };
  }

  requestReopt(req: ReoptRequest): void {
    this.reopt.request(req, this.model.chunkCount, (edges) => {
      const seen = new Uint8Array(this.model.chunkCount);
      const out: number[] = [];
      for (const e of edges) {
        this.model.checkEdge(e);
        this.model.forEachChunkOnEdge(e, (c) => {
          if (!seen[c]) {
            seen[c] = 1;
            out.push(c);
          }
        });
      }
      out.sort((x, y) => x - y);
      return Uint32Array.from(out);
    });
  }

  setPriority(c: number, priority: number): void {
    this.model.setPriority(c, priority);
  }

  get tickIntervalMs(): number {
    return 1000 / this.config.tickHz;
  }

  // ------------------------------------------------------------------ the tick

  async tick(opts: TickOptions = {}): Promise<TickResult> {
    const t0 = performance.now();
    const m = this.model;
    const now = opts.now ?? Date.now();
    const tick = ++this.tickNo;
    this.order.refresh(m);
    this.trackNewChunks();
    const ctx: TickContext = {
      model: m,
      params: this.params,
      config: this.config,
      weights: this.weights,
      order: this.order,
      now,
      tick,
      counters: newCounters(),
      events: this.events,
    };

    // 1. constraints and edge parameters
    this.evaluateConstraints(now);
    const changedEdges = computeEdgeParams(
      m,
      { weights: this.weights, maxAcceptableTimeS: this.config.maxAcceptableTimeS },
      this.params,
    );
    const t1 = performance.now();

    // 2. failures and first-chance failover (precomputed backups)
    const failed = this.reported;
    this.reported = [];
    scanFailures(ctx, this.inflight, failed);
    const retryLater = failover(ctx, failed);
    const t2 = performance.now();

    // 3. scoring
    const input = { model: m, params: this.params, maxFailuresPerEdge: this.config.maxFailuresPerEdge };
    let mode: TickResult['mode'] = 'none';
    let scored = 0;
    const full =
      opts.forceFull ||
      !this.scoredOnce ||
      this.rescoreCount(changedEdges) > this.config.fullRecomputeFraction * m.chunkCount;
    if (full) {
      await this.backend.scoreAll(input);
      mode = 'full';
      scored = m.chunkCount;
    } else {
      // Chunks on changed edges get their lists updated in place (phases/edge-delta.ts); dirty ones are rescored.
      const run = this.backend.runEdgeDelta?.bind(this.backend);
      scored += await applyEdgeDeltas(m, this.params, this.config.maxFailuresPerEdge, changedEdges, run);
      if (m.dirtyCount > 0) {
        await this.backend.scoreChunks(input, m.dirtyList, m.dirtyCount);
        scored += m.dirtyCount;
      }
      if (scored > 0) mode = 'incremental';
    }
    m.clearDirty();
    this.scoredOnce = true;
    const t3 = performance.now();

    // 4. second-chance failover, assignments
    finishFailover(ctx, retryLater, (c) => this.unassigned.push(c));
    this.reassignFromDroppedEdges(ctx, changedEdges);
    this.assignUnassigned(ctx);
    const t4 = performance.now();

    // 5. re-optimisation, balancing, dispatch
    const meanSize = m.chunkCount > 0 ? this.totalBytes / m.chunkCount : 0;
    this.reopt.run(ctx, meanSize);
    const t5 = performance.now();
    balanceLoad(ctx, meanSize);
    const t6 = performance.now();
    const dispatched: Dispatch[] = [];
    dispatch(ctx, this.limiter, this.inflight, dispatched);
    const t7 = performance.now();

    return {
      tick,
      now,
      mode,
      scored,
      changedEdges: changedEdges.length,
      dispatched,
      ...ctx.counters,
      stalled: this.unassigned.length,
      unfinished: m.unfinished,
      reopt: this.reopt.status(),
      timings: {
        constraintsMs: t1 - t0,
        failureScanMs: t2 - t1,
        scoreMs: t3 - t2,
        assignMs: t4 - t3,
        reoptMs: t5 - t4,
        balanceMs: t6 - t5,
        dispatchMs: t7 - t6,
        totalMs: t7 - t0,
      },
    };
  }

  /** Number of chunks an incremental tick would rescore (upper bound), to pick incremental or full. */
  private rescoreCount(changedEdges: readonly number[]): number {
    let n = this.model.dirtyCount;
    for (const e of changedEdges) n += this.model.edgeDegree(e);
    return n;
  }

  private trackNewChunks(): void {
    const m = this.model;
    for (let c = this.newChunksFrom; c < m.chunkCount; c++) {
      this.totalBytes += m.size[c];
      this.unassigned.push(c);
    }
    this.newChunksFrom = m.chunkCount;
  }

  private evaluateConstraints(now: number): void {
    const m = this.model;
    for (const [e, entry] of this.constraints) {
      const v = evaluateConstraints(entry.rules, entry.env, now);
      entry.verdict = v;
      m.constraintMult[e] = v.multiplier;
      m.constraintExcluded[e] = v.excluded ? 1 : 0;
    }
  }

  /** Pending chunks planned on an edge that is now excluded move to their next candidate (no retry counted). */
  private reassignFromDroppedEdges(ctx: TickContext, changedEdges: readonly number[]): void {
    const m = this.model;
    for (const e of changedEdges) {
      if (this.params.excluded[e] === 0 || m.pendingAssigned[e] === 0) continue;
      m.forEachChunkOnEdge(e, (c) => {
        if (m.status[c] !== ChunkStatus.PENDING || m.assigned[c] !== e) return;
        const next = firstValidBackup(ctx, c, e);
        m.transition(c, ChunkStatus.PENDING, next);
        if (next === NO_EDGE) this.unassigned.push(c);
        else ctx.counters.reassigned++;
      });
    }
  }

  /**
   * New chunks and stalled ones take the first candidate of their fresh k-best list; the rest keep waiting,
   * up to maxStallMs, then fail permanently (a source that never returns must not hang a transfer).
   */
  private assignUnassigned(ctx: TickContext): void {
    const m = this.model;
    const keep: number[] = [];
    for (const c of this.unassigned) {
      if (m.status[c] !== ChunkStatus.PENDING || m.assigned[c] !== NO_EDGE) {
        this.stalledSince.delete(c);
        continue;
      }
      const e = firstValidBackup(ctx, c, NO_EDGE);
      if (e !== NO_EDGE) {
        m.transition(c, ChunkStatus.PENDING, e);
        this.stalledSince.delete(c);
        continue;
      }
      const since = this.stalledSince.get(c);
      if (since === undefined) this.stalledSince.set(c, ctx.now);
      if (since !== undefined && ctx.now - since >= this.config.maxStallMs) {
        this.stalledSince.delete(c);
        m.transition(c, ChunkStatus.FAILED_PERMANENT, NO_EDGE);
        ctx.counters.permanentFailures++;
        if (this.events && this.events.size > 0)
          this.events.emit({
            type: 'sched.failed-permanently',
            tick: ctx.tick,
            chunk: c,
            lastEdge: NO_EDGE,
            retries: m.retries[c],
          });
        continue;
      }
      keep.push(c);
    }
    // Dedupe survivors (a chunk can be queued twice) so the list never grows without bound.
    this.unassigned = keep.length > 1 ? [...new Set(keep)] : keep;
  }
}
