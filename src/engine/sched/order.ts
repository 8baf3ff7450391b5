/**
 * Priority order for dispatch and balancing without sorting every tick: one bucket per priority level (chunk
 * ids ascending inside), scanned from high to low priority. Each bucket keeps a cursor before which no chunk
 * is pending; a chunk that becomes pending again moves its bucket's cursor back (binary search), so a scan
 * starts where work is instead of walking finished chunks.
 */
import { ChunkStatus } from './constants.ts';
import type { SchedModel } from './model.ts';

interface Bucket {
  priority: number;
  ids: Uint32Array;
  count: number;
  cursor: number;
}

export class DispatchOrder {
  private buckets: Bucket[] = [];
  private byPriority: (Bucket | undefined)[] = [];
  private builtVersion = -1;
  private builtChunks = 0;

  /** Brings the buckets up to date with the model (appends new chunks; rebuilds after priority changes). */
  refresh(m: SchedModel): void {
    if (this.builtVersion !== m.priorityVersion) {
      this.rebuild(m);
      this.builtVersion = m.priorityVersion;
    } else if (m.chunkCount > this.builtChunks) {
      this.append(m);
    }
  }

  /** A chunk became pending again: make sure scans reach it. */
  requeue(m: SchedModel, c: number): void {
    const b = this.byPriority[m.priority[c]];
    if (!b || c >= this.builtChunks) return;
    let lo = 0;
    let hi = b.cursor;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (b.ids[mid] < c) lo = mid + 1;
      else hi = mid;
    }
    if (lo < b.cursor && b.ids[lo] === c) b.cursor = lo;
  }

  /**
   * Calls visit(c) for pending chunks in priority order (high first, then lower id) until it returns false or
   * `limit` chunks were visited. Advances cursors past chunks that are not pending.
   */
  scanPending(m: SchedModel, limit: number, visit: (c: number) => boolean): number {
    let visited = 0;
    const status = m.status;
    for (const b of this.buckets) {
      while (b.cursor < b.count && status[b.ids[b.cursor]] !== ChunkStatus.PENDING) b.cursor++;
      for (let i = b.cursor; i < b.count; i++) {
        const c = b.ids[i];
        if (status[c] !== ChunkStatus.PENDING) continue;
        if (visited++ >= limit) return visited;
        if (!visit(c)) return visited;
      }
    }
    return visited;
  }

  private append(m: SchedModel): void {
    for (let c = this.builtChunks; c < m.chunkCount; c++) this.push(m.priority[c], c);
    this.builtChunks = m.chunkCount;
  }

  private rebuild(m: SchedModel): void {
    const counts = new Uint32Array(256);
    for (let c = 0; c < m.chunkCount; c++) counts[m.priority[c]]++;
    this.byPriority = [];
    this.buckets = [];
    for (let p = 255; p >= 0; p--) {
      if (counts[p] === 0) continue;
      const b: Bucket = { priority: p, ids: new Uint32Array(Math.max(16, counts[p])), count: 0, cursor: 0 };
      this.byPriority[p] = b;
      this.buckets.push(b);
    }
    for (let c = 0; c < m.chunkCount; c++) {
      const b = this.byPriority[m.priority[c]]!;
      b.ids[b.count++] = c;
    }
    this.builtChunks = m.chunkCount;
  }

  /**
   * Like scanPending but from the lowest priority and highest id backwards: balancing moves the least urgent
   * work. Does not move cursors (they only track the front).
   */
  scanPendingReverse(m: SchedModel, limit: number, visit: (c: number) => boolean): number {
    let visited = 0;
    const status = m.status;
    for (let bi = this.buckets.length - 1; bi >= 0; bi--) {
      const b = this.buckets[bi];
      for (let i = b.count - 1; i >= b.cursor; i--) {
        const c = b.ids[i];
        // Counts finished chunks too: the tail may be long and done, and this scan must stay bounded.
        if (visited++ >= limit) return visited;
        if (status[c] !== ChunkStatus.PENDING) continue;
        if (!visit(c)) return visited;
      }
    }
    return visited;
  }

  private push(priority: number, c: number): void {
    let b = this.byPriority[priority];
    if (!b) {
      b = { priority, ids: new Uint32Array(1024), count: 0, cursor: 0 };
      this.byPriority[priority] = b;
      this.buckets.push(b);
      this.buckets.sort((x, y) => y.priority - x.priority);
    }
    if (b.count === b.ids.length) {
      const ids = new Uint32Array(b.ids.length * 2);
      ids.set(b.ids);
      b.ids = ids;
    }
    b.ids[b.count++] = c;
  }
}
