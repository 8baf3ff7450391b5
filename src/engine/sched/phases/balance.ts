/**
 * Load balancing: pending chunks move from overloaded edges to backups below the underload threshold, at most
 * maxMovesPerTick per tick. The lowest-priority pending work moves first (scanned from the tail), so urgent
 * chunks stay on the edges the cost model prefers, and a move happens only when it should finish sooner:
 * the source's backlog takes longer to drain than the target needs for this chunk (no end-game stragglers).
 */
import { ChunkStatus, NO_EDGE } from '../constants.ts';
import { transferSeconds } from '../cost.ts';
import { drainSeconds, edgeLoad, isCandidate, type TickContext } from './context.ts';

export function balanceLoad(ctx: TickContext, meanSize: number): void {
  const cfg = ctx.config.balance;
  if (!cfg.enabled || cfg.maxMovesPerTick <= 0) return;
  const m = ctx.model;
  // Skip the scan unless some overloaded edge would drain slower than some underloaded edge takes for a
  // typical chunk: otherwise no move can pass the test below and scanning would be wasted every tick.
  let maxDrainOver = -Infinity;
  let minFinishUnder = Infinity;
  for (let e = 0; e < m.edgeCount; e++) {
    if (ctx.params.excluded[e] !== 0) continue;
    const load = edgeLoad(m, e);
    if (load > cfg.overloadThreshold) maxDrainOver = Math.max(maxDrainOver, drainSeconds(m, e, meanSize));
    else if (load < cfg.underloadThreshold)
      minFinishUnder = Math.min(minFinishUnder, drainSeconds(m, e, meanSize) + transferSeconds(m, e, meanSize));
  }
  if (!(maxDrainOver > minFinishUnder)) return;
  const k = m.k;
  let moves = 0;
  ctx.order.scanPendingReverse(m, cfg.scanLimit, (c) => {
    const a = m.assigned[c];
    if (a === NO_EDGE || edgeLoad(m, a) <= cfg.overloadThreshold) return true;
    const drainA = drainSeconds(m, a, meanSize);
    const o = c * k;
    for (let i = 0; i < k; i++) {
      const e = m.kEdge[o + i];
      if (e === NO_EDGE) break;
      // Cheap per-edge test first: most backups of a busy model are not underloaded, and isCandidate scans pairs.
      if (e === a || edgeLoad(m, e) >= cfg.underloadThreshold || !isCandidate(ctx, c, e)) continue;
      if (drainSeconds(m, e, meanSize) + transferSeconds(m, e, m.size[c]) >= drainA) continue;
      m.transition(c, ChunkStatus.PENDING, e);
      moves++;
      break;
    }
    return moves < cfg.maxMovesPerTick;
  });
  ctx.counters.balanceMoves += moves;
  if (moves > 0 && ctx.events && ctx.events.size > 0) ctx.events.emit({ type: 'sched.balance', tick: ctx.tick, moves });
}
