/**
 * Dispatch: pending chunks in priority order go to their assigned edge while it has a free slot
 * (in flight < max parallel), within the per-tick cap and a token-bucket rate limit. Each dispatch gets an
 * expected time and a deadline; the failure scan fails it when the deadline passes.
 */
import { ChunkStatus, NO_EDGE } from '../constants.ts';
import { transferSeconds } from '../cost.ts';
import type { TickContext } from './context.ts';

export interface Dispatch {
  chunk: number;
  edge: number;
  /** Expected transfer time, ms (size over the edge's per-stream bandwidth, plus RTT). */
  expectedMs: number;
  /** Epoch ms after which the failure scan gives up on this attempt. */
  deadline: number;
}

export class RateLimiter {
  private tokens: number;
  private last: number | undefined;
  private readonly ratePerSecond: number;
  private readonly burst: number;
  constructor(ratePerSecond: number, burst: number) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.tokens = burst;
  }
  available(now: number): number {
    if (this.ratePerSecond === Infinity) return Infinity;
    if (this.last !== undefined)
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    return Math.floor(this.tokens);
  }
  take(n: number): void {
    if (this.ratePerSecond !== Infinity) this.tokens -= n;
  }
}

export function dispatch(ctx: TickContext, limiter: RateLimiter, inflight: Set<number>, out: Dispatch[]): void {
  const m = ctx.model;
  const cfg = ctx.config;
  let budget = Math.min(cfg.dispatch.maxPerTick, limiter.available(ctx.now));
  if (budget <= 0) return;
  let hungry = 0;
  for (let e = 0; e < m.edgeCount; e++) if (isHungry(ctx, e)) hungry++;
  if (hungry === 0) return;
  const start = out.length;
  ctx.order.scanPending(m, Infinity, (c) => {
    const e = m.assigned[c];
    if (e === NO_EDGE || ctx.params.excluded[e] !== 0 || m.inflight[e] >= m.maxParallel[e]) return true;
    const expectedMs = transferSeconds(m, e, m.size[c]) * 1000;
    const deadline = ctx.now + expectedMs * cfg.deadlineSlack + cfg.deadlineGraceMs;
    m.transition(c, ChunkStatus.IN_FLIGHT, e);
    m.deadline[c] = deadline;
    inflight.add(c);
    out.push({ chunk: c, edge: e, expectedMs, deadline });
    budget--;
    if (m.inflight[e] >= m.maxParallel[e] || m.pendingAssigned[e] === 0) hungry--;
    return budget > 0 && hungry > 0;
  });
  limiter.take(out.length - start);
}

function isHungry(ctx: TickContext, e: number): boolean {
  const m = ctx.model;
  return ctx.params.excluded[e] === 0 && m.inflight[e] < m.maxParallel[e] && m.pendingAssigned[e] > 0;
}
