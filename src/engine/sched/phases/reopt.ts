/**
 * Re-optimisation on request: moves pending chunks (never in-flight ones: cancelling a running transfer wastes
 * what it moved) to better edges, at most maxMovesPerTick per tick and only when the relative improvement is at
 * least minImprovement (a chunk on an edge that is no longer a candidate always moves).
 *
 * Strategies:
 * - greedy: walk the scope in order, move each chunk to its best candidate.
 * - minimum-disruption: rank all moves by gain and apply the largest first: fewest moves for most gain.
 * - cost-optimal: like greedy, but the target minimises cost + a load term (queued work on the edge in
 *   seconds / max acceptable time, weighted by the queue weight), updated as moves land, so a popular edge
 *   is not buried.
 * - hybrid: cost-optimal targets, ranked by gain like minimum-disruption.
 */
import { ErrorCodes, WarpError } from '../../core/errors.ts';
import { ChunkStatus, NO_EDGE } from '../constants.ts';
import { costOn, drainSeconds, isCandidate, type TickContext } from './context.ts';

export const REOPT_STRATEGIES = ['greedy', 'minimum-disruption', 'cost-optimal', 'hybrid'] as const;
export type ReoptStrategy = (typeof REOPT_STRATEGIES)[number];

export type ReoptScope =
  { kind: 'all' } | { kind: 'chunks'; chunks: readonly number[] } | { kind: 'edges'; edges: readonly number[] };

export interface ReoptRequest {
  scope: ReoptScope;
  strategy?: ReoptStrategy;
  maxMovesPerTick?: number;
  /** Relative improvement (0.05 = 5 %) a move must bring. */
  minImprovement?: number;
}

export interface ReoptStatus {
  active: boolean;
  strategy: ReoptStrategy | undefined;
  moved: number;
  remaining: number;
}

interface Candidate {
  chunk: number;
  target: number;
  gain: number;
}

export class Reoptimizer {
  private req: Required<ReoptRequest> | undefined;
  private scope: Uint32Array = new Uint32Array(0);
  private cursor = 0;
  private ranked: Candidate[] | undefined;
  private moved = 0;

  request(req: ReoptRequest, chunkCount: number, edgesToChunks: (edges: readonly number[]) => Uint32Array): void {
    const strategy = req.strategy ?? 'hybrid';
    if (!REOPT_STRATEGIES.includes(strategy))
      throw new WarpError(
        ErrorCodes.USAGE,
        `unknown re-optimisation strategy '${String(strategy)}'; use ${REOPT_STRATEGIES.join(', ')}`,
      );
    const maxMovesPerTick = req.maxMovesPerTick ?? 512;
    const minImprovement = req.minImprovement ?? 0.05;
    if (!(maxMovesPerTick >= 1) || !(minImprovement >= 0))
      throw new WarpError(ErrorCodes.USAGE, 'maxMovesPerTick must be >= 1 and minImprovement >= 0');
    if (req.scope.kind === 'all') {
      this.scope = new Uint32Array(chunkCount);
      for (let c = 0; c < chunkCount; c++) this.scope[c] = c;
    } else if (req.scope.kind === 'chunks') {
      for (const c of req.scope.chunks)
        if (!(c >= 0 && c < chunkCount))
          throw new WarpError(ErrorCodes.USAGE, `re-optimisation scope: unknown chunk ${c}`);
      this.scope = Uint32Array.from(req.scope.chunks);
    } else {
      this.scope = edgesToChunks(req.scope.edges);
    }
    this.req = { scope: req.scope, strategy, maxMovesPerTick, minImprovement };
    this.cursor = 0;
    this.ranked = undefined;
    this.moved = 0;
  }

  status(): ReoptStatus {
    const remaining =
      this.req === undefined ? 0 : this.ranked ? this.ranked.length - this.cursor : this.scope.length - this.cursor;
    return { active: this.req !== undefined, strategy: this.req?.strategy, moved: this.moved, remaining };
  }

  /** One tick's share of the work. */
  run(ctx: TickContext, meanSize: number): void {
    const req = this.req;
    if (!req) return;
    const m = ctx.model;
    const loadAware = req.strategy === 'cost-optimal' || req.strategy === 'hybrid';
    const ranking = req.strategy === 'minimum-disruption' || req.strategy === 'hybrid';
    let moves = 0;
    if (ranking) {
      if (!this.ranked) {
        const all: Candidate[] = [];
        for (const c of this.scope) {
          const cand = this.evaluate(ctx, c, loadAware, meanSize, req.minImprovement);
          if (cand) all.push(cand);
        }
        // Largest gain first; ties by chunk id so both backends (and reruns) agree.
        all.sort((x, y) => y.gain - x.gain || x.chunk - y.chunk);
        this.ranked = all;
        this.cursor = 0;
      }
      while (this.cursor < this.ranked.length && moves < req.maxMovesPerTick) {
        // Re-evaluate: earlier moves and this tick's events may have changed the picture.
        const cand = this.evaluate(ctx, this.ranked[this.cursor++].chunk, loadAware, meanSize, req.minImprovement);
        if (cand) {
          m.transition(cand.chunk, ChunkStatus.PENDING, cand.target);
          moves++;
        }
      }
      if (this.cursor >= this.ranked.length) this.finish(ctx, moves);
    } else {
      while (this.cursor < this.scope.length && moves < req.maxMovesPerTick) {
        const cand = this.evaluate(ctx, this.scope[this.cursor++], loadAware, meanSize, req.minImprovement);
        if (cand) {
          m.transition(cand.chunk, ChunkStatus.PENDING, cand.target);
          moves++;
        }
      }
      if (this.cursor >= this.scope.length) this.finish(ctx, moves);
    }
    this.moved += moves;
    ctx.counters.reoptMoves += moves;
  }

  private finish(ctx: TickContext, lastMoves: number): void {
    const strategy = this.req!.strategy;
    this.req = undefined;
    if (ctx.events && ctx.events.size > 0)
      ctx.events.emit({ type: 'sched.reopt-done', tick: ctx.tick, moved: this.moved + lastMoves, strategy });
  }

  private evaluate(
    ctx: TickContext,
    c: number,
    loadAware: boolean,
    meanSize: number,
    minImprovement: number,
  ): Candidate | undefined {
    const m = ctx.model;
    if (m.status[c] !== ChunkStatus.PENDING) return undefined;
    const current = m.assigned[c];
    const weightQ =
      ctx.config.maxAcceptableTimeS > 0 ? Math.max(0.25, ctx.weights.queue) / ctx.config.maxAcceptableTimeS : 0;
    // The current edge's own load counts without this chunk (it would leave), so compare like with like.
    const score = (e: number, isCurrent: boolean): number => {
      const base = costOn(ctx, c, e);
      if (!loadAware || base === Infinity) return base;
      const drain = drainSeconds(m, e, meanSize) - (isCurrent ? meanSize / Math.max(1, m.bandwidth[e]) : 0);
      return base + weightQ * Math.max(0, drain);
    };
    const currentScore = current === NO_EDGE ? Infinity : score(current, true);
    let best = NO_EDGE;
    let bestScore = Infinity;
    const o = c * m.k;
    for (let i = 0; i < m.k; i++) {
      const e = m.kEdge[o + i];
      if (e === NO_EDGE) break;
      if (!isCandidate(ctx, c, e)) continue;
      const s = score(e, e === current);
      if (s < bestScore) {
        bestScore = s;
        best = e;
      }
      if (!loadAware) break; // the list is sorted by cost: the first candidate is the best
    }
    if (best === NO_EDGE || best === current) return undefined;
    const gain = currentScore - bestScore;
    if (currentScore !== Infinity && !(gain > 0 && gain >= minImprovement * currentScore)) return undefined;
    return { chunk: c, target: best, gain: currentScore === Infinity ? Number.MAX_VALUE : gain };
  }
}
