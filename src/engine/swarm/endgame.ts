/**
 * End game: once the work left fits in about two rounds of every working edge's slots, an edge with free
 * slots also requests chunks still queued or in flight on busier edges that it holds. The first verified
 * copy wins and the scheduler sees one completion (a queued chunk is simply taken; an in-flight one costs
 * a duplicate). This trims the tail where the last chunks wait on one edge's pipeline.
 */
import { ChunkStatus, NO_EDGE, type Scheduler } from '../sched/index.ts';
import type { SwarmEdge } from './edge.ts';

export class EndGame {
  /** End-game copies requested so far. */
  copiesRequested = 0;
  /** Scheduler chunk -> the edge an end-game copy of it was queued on. */
  private readonly copies = new Map<number, number>();
  private readonly sched: Scheduler;
  private readonly edges: readonly SwarmEdge[];

  constructor(sched: Scheduler, edges: readonly SwarmEdge[]) {
    this.sched = sched;
    this.edges = edges;
  }

  /** After a tick: queues copies on idle edges when the work left is small enough. */
  step(): void {
    const model = this.sched.model;
    const left = model.statusCounts[ChunkStatus.PENDING] + model.statusCounts[ChunkStatus.IN_FLIGHT];
    if (left === 0) return;
    const working = this.edges.filter((e) => e.state !== 'offline' && e.eligible && !e.standby && e.source);
    const slots = working.reduce((a, e) => a + model.maxParallel[e.e], 0);
    if (left > 2 * slots) return;
    for (const idle of working) {
      if (model.pendingAssigned[idle.e] > 0 || this.sched.params.excluded[idle.e] !== 0) continue;
      const free = model.maxParallel[idle.e] - model.inflight[idle.e] - idle.queue.length - this.copiesOn(idle.e);
      if (free > 0) this.copyOnto(idle, free);
    }
  }

  /**
   * One pass over the chunks this edge holds: queued ones elsewhere first (no duplicate), then in-flight ones,
   * each from the busiest edges first.
   */
  private copyOnto(idle: SwarmEdge, free: number): void {
    const model = this.sched.model;
    const load = (e: number): number => model.pendingAssigned[e] + model.inflight[e];
    const queued: number[] = [];
    const flying: number[] = [];
    model.forEachChunkOnEdge(idle.e, (c) => {
      const a = model.assigned[c];
      if (a === idle.e || a === NO_EDGE || this.copies.has(c) || model.pairFailures(model.pairIndex(c, idle.e)) > 0)
        return;
      if (model.status[c] === ChunkStatus.PENDING) queued.push(c);
      else if (model.status[c] === ChunkStatus.IN_FLIGHT) flying.push(c);
    });
    const byLoad = (x: number, y: number): number => load(model.assigned[y]) - load(model.assigned[x]) || x - y;
    for (const c of [...queued.sort(byLoad), ...flying.sort(byLoad)]) {
      if (free <= 0) break;
      this.copies.set(c, idle.e);
      idle.queue.push(c);
      this.copiesRequested++;
      free--;
    }
  }

  private copiesOn(e: number): number {
    let n = 0;
    for (const [c, on] of this.copies) if (on === e && this.sched.model.status[c] !== ChunkStatus.DONE) n++;
    return n;
  }
}
