/**
 * How fast a dead peer's work moves elsewhere (the "≤ 50 ms from detection to dispatch"): when an
 * edge goes offline its assigned chunks become orphans; after each tick the clock notes when none of them is
 * still assigned to it (reassigned), when the first and the last of them were dispatched to another edge.
 * Chunks another edge delivered before their re-dispatch count as handled.
 */
import { ChunkStatus, NO_EDGE, type SchedModel } from '../sched/index.ts';

export interface FailoverLatency {
  edge: number;
  reassignedMs: number;
  firstMs: number;
  allMs: number;
}

interface Orphans {
  at: number;
  chunks: Set<number>;
  first?: number;
  reassigned?: number;
}

const round = (x: number): number => Math.round(x * 10) / 10;

export class FailoverClock {
  readonly results: FailoverLatency[] = [];
  private readonly orphans = new Map<number, Orphans>();

  /** Edge e went offline at `at` holding these chunks. */
  orphaned(e: number, chunks: Set<number>, at: number): void {
    if (chunks.size > 0) this.orphans.set(e, { at, chunks });
  }

  /** After a tick: which edges' orphans are all assigned elsewhere now. */
  afterTick(model: SchedModel, now: number): void {
    for (const [e, o] of this.orphans) {
      if (o.reassigned !== undefined) continue;
      let all = true;
      for (const c of o.chunks)
        if (model.assigned[c] === e || (model.status[c] !== ChunkStatus.DONE && model.assigned[c] === NO_EDGE)) {
          all = false;
          break;
        }
      if (all) o.reassigned = now - o.at;
    }
  }

  /** Chunk c was dispatched to an edge. */
  dispatched(c: number, now: number): void {
    for (const [e, o] of this.orphans) {
      if (!o.chunks.delete(c)) continue;
      o.first ??= now - o.at;
      if (o.chunks.size === 0) {
        this.record(e, o, now);
        this.orphans.delete(e);
      }
    }
  }

  /** At the end: orphans whose chunks were delivered by someone else before being re-dispatched still count. */
  close(now: number): void {
    for (const [e, o] of this.orphans) if (o.first !== undefined) this.record(e, o, now);
    this.orphans.clear();
  }

  private record(e: number, o: Orphans, now: number): void {
    this.results.push({
      edge: e,
      reassignedMs: round(o.reassigned ?? o.first!),
      firstMs: round(o.first!),
      allMs: round(now - o.at),
    });
  }
}
