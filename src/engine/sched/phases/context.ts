/** What every tick phase reads and writes; phases are plain functions over it (easy to test one by one). */
import type { EventBus } from '../../core/event-bus.ts';
import { NO_EDGE, PAIR_FAIL_SHIFT } from '../constants.ts';
import type { SchedulerConfig } from '../config.ts';
import type { CostWeights } from '../policies.ts';
import { pairCost, type EdgeParams } from '../cost.ts';
import type { SchedModel } from '../model.ts';
import type { DispatchOrder } from '../order.ts';
import type { SchedEvent } from '../sched-events.ts';

export interface TickCounters {
  failuresDetected: number;
  failovers: number;
  permanentFailures: number;
  reassigned: number;
  balanceMoves: number;
  reoptMoves: number;
}

export interface TickContext {
  model: SchedModel;
  params: EdgeParams;
  config: SchedulerConfig;
  weights: CostWeights;
  order: DispatchOrder;
  now: number;
  tick: number;
  counters: TickCounters;
  events: EventBus<SchedEvent> | undefined;
}

export function newCounters(): TickCounters {
  return { failuresDetected: 0, failovers: 0, permanentFailures: 0, reassigned: 0, balanceMoves: 0, reoptMoves: 0 };
}

/** Whether edge e may serve chunk c now: not excluded this tick and the pair's failures are below the limit. */
export function isCandidate(ctx: TickContext, c: number, e: number): boolean {
  if (e === NO_EDGE || ctx.params.excluded[e] !== 0) return false;
  const j = ctx.model.pairIndex(c, e);
  return j >= 0 && ctx.model.pairs[j] >>> PAIR_FAIL_SHIFT < ctx.config.maxFailuresPerEdge;
}

/** The first entry of c's k-best list (its backups, in order) that is a candidate and not `skip`, or NO_EDGE. */
export function firstValidBackup(ctx: TickContext, c: number, skip: number): number {
  const k = ctx.model.k;
  const o = c * k;
  for (let i = 0; i < k; i++) {
    const e = ctx.model.kEdge[o + i];
    if (e === NO_EDGE) break;
    if (e !== skip && isCandidate(ctx, c, e)) return e;
  }
  return NO_EDGE;
}

/** True when some pair of c is still usable in principle (failures below the limit), excluded edges included. */
export function hasUntriedPair(ctx: TickContext, c: number): boolean {
  const m = ctx.model;
  for (let j = m.availStart[c]; j < m.availStart[c + 1]; j++) {
    if (m.pairs[j] >>> PAIR_FAIL_SHIFT < ctx.config.maxFailuresPerEdge) return true;
  }
  return false;
}

/** The cost of c on e as the kernels compute it (from the k-best list when present). */
export function costOn(ctx: TickContext, c: number, e: number): number {
  if (e === NO_EDGE) return Infinity;
  const m = ctx.model;
  const o = c * m.k;
  for (let i = 0; i < m.k; i++) if (m.kEdge[o + i] === e) return m.kCost[o + i];
  if (!isCandidate(ctx, c, e)) return Infinity;
  return pairCost(ctx.params, e, m.costSize[c]);
}

/** Rounds of work queued on an edge: (in flight + pending assigned) / max parallel. */
export function edgeLoad(m: SchedModel, e: number): number {
  const p = m.maxParallel[e];
  return p === 0 ? Infinity : (m.inflight[e] + m.pendingAssigned[e]) / p;
}

/** Seconds until edge e would finish its queued work, assuming chunks of `meanSize` bytes. */
export function drainSeconds(m: SchedModel, e: number, meanSize: number): number {
  const bw = m.bandwidth[e];
  const p = Math.max(1, m.maxParallel[e]);
  if (!(bw > 0)) return Infinity;
  return (m.inflight[e] + m.pendingAssigned[e]) * (meanSize / bw + m.rtt[e] / p);
}
