/**
 * Failure scan and failover. A failure detected in a tick is reassigned in that tick: first to the next
 * precomputed backup (the chunk's k-best list from the last scoring, in order, skipping the failed edge and
 * anything no longer a candidate); if that list has run out, after this tick's rescoring (`finishFailover`).
 * A chunk fails permanently when its retries exceed maxRetries or no pair below the per-edge failure limit is
 * left.
 */
import { ChunkStatus, FailureReason, NO_EDGE } from '../constants.ts';
import { firstValidBackup, hasUntriedPair, type TickContext } from './context.ts';

export interface FailedChunk {
  chunk: number;
  edge: number;
  reason: FailureReason;
}

/** Finds in-flight chunks whose deadline passed or whose edge is gone; marks them FAILED. */
export function scanFailures(ctx: TickContext, inflight: Set<number>, out: FailedChunk[]): void {
  const m = ctx.model;
  for (const c of inflight) {
    const e = m.assigned[c];
    let reason: FailureReason | undefined;
    // An edge excluded only by a constraint (a time window closed) lets running transfers finish.
    if (m.isEdgeUnavailable(e)) reason = FailureReason.EDGE_UNAVAILABLE;
    else if (m.deadline[c] > 0 && m.deadline[c] < ctx.now) reason = FailureReason.DEADLINE;
    if (reason === undefined) continue;
    inflight.delete(c);
    m.transition(c, ChunkStatus.FAILED, e);
    out.push({ chunk: c, edge: e, reason });
  }
}

/**
 * Counts each failure (retry count, per-pair failure count) and moves the chunk to its next backup. Chunks
 * whose backups ran out are returned for a second try after rescoring.
 */
export function failover(ctx: TickContext, failed: readonly FailedChunk[]): FailedChunk[] {
  const m = ctx.model;
  const retryLater: FailedChunk[] = [];
  for (const f of failed) {
    const c = f.chunk;
    if (m.status[c] !== ChunkStatus.FAILED) continue; // completed meanwhile (a late success)
    ctx.counters.failuresDetected++;
    m.retries[c] = Math.min(255, m.retries[c] + 1);
    m.recordPairFailure(c, f.edge);
    if (m.retries[c] > ctx.config.maxRetries) {
      failPermanently(ctx, c, f.edge);
      continue;
    }
    const next = firstValidBackup(ctx, c, f.edge);
    if (next === NO_EDGE) {
      retryLater.push(f);
      continue;
    }
    moveToBackup(ctx, f, next);
  }
  return retryLater;
}

/** Second chance after rescoring: the fresh list, else wait for an edge (stalled), else permanent. */
export function finishFailover(ctx: TickContext, pending: readonly FailedChunk[], stalled: (c: number) => void): void {
  const m = ctx.model;
  for (const f of pending) {
    const c = f.chunk;
    if (m.status[c] !== ChunkStatus.FAILED) continue;
    const next = firstValidBackup(ctx, c, f.edge);
    if (next !== NO_EDGE) moveToBackup(ctx, f, next);
    else if (hasUntriedPair(ctx, c)) {
      // Usable pairs exist but their edges are excluded or unavailable right now: wait for one to return.
      m.transition(c, ChunkStatus.PENDING, NO_EDGE);
      ctx.order.requeue(m, c);
      stalled(c);
    } else failPermanently(ctx, c, f.edge);
  }
}

function moveToBackup(ctx: TickContext, f: FailedChunk, next: number): void {
  const m = ctx.model;
  m.transition(f.chunk, ChunkStatus.PENDING, next);
  m.deadline[f.chunk] = 0;
  ctx.order.requeue(m, f.chunk);
  ctx.counters.failovers++;
  if (ctx.events && ctx.events.size > 0) {
    ctx.events.emit({
      type: 'sched.failover',
      tick: ctx.tick,
      chunk: f.chunk,
      from: f.edge,
      to: next,
      reason: f.reason,
      retries: m.retries[f.chunk],
    });
  }
}

function failPermanently(ctx: TickContext, c: number, lastEdge: number): void {
  ctx.model.transition(c, ChunkStatus.FAILED_PERMANENT, NO_EDGE);
  ctx.counters.permanentFailures++;
  if (ctx.events && ctx.events.size > 0) {
    ctx.events.emit({
      type: 'sched.failed-permanently',
      tick: ctx.tick,
      chunk: c,
      lastEdge,
      retries: ctx.model.retries[c],
    });
  }
}
