/**
 * The executor: runs the scheduler's dispatches against real peers. Each edge has a few lanes (chunk streams);
 * a lane's writer takes dispatched chunks from the edge's queue and requests them in batches (pipelined), its
 * reader takes the replies in order, verifies each by BLAKE3 on arrival and reports it done or failed. The
 * orchestrator feeds those reports to the scheduler at the next tick.
 */
import { checkChunkReply } from '../transfer/chunk-reply.ts';
import type { ChunkLane } from '../transfer/source.ts';
import type { SwarmEdge } from './edge.ts';
import { Notifier } from './notifier.ts';

export interface ExecutorHooks {
  /** The chunk id of scheduler chunk i. */
  chunkId(i: number): Uint8Array;
  rawSize(i: number): number;
  /** Already written (another edge delivered it first): not requested again. */
  isDone(i: number): boolean;
  /** Verified bytes of chunk i from edge e; a promise when the receiver's writer is full (the lane waits). */
  deliver(i: number, data: Uint8Array, wireBytes: number, edge: SwarmEdge): void | Promise<void>;
  /**
   * Chunk i did not arrive from edge e: `badReply` when its reply failed the shared check (checkChunkReply), else
   * the lane broke before its reply came.
   */
  reject(i: number, edge: SwarmEdge, reason: string, badReply: boolean): void;
  /** A lane of this edge broke (stream or connection error). */
  laneFailed(edge: SwarmEdge, error: unknown): void;
}

/** Opens `count` lanes on the edge's chunk session and runs them until its generation changes. */
export async function openLanes(edge: SwarmEdge, count: number, batchMax: number, hooks: ExecutorHooks): Promise<void> {
  const src = edge.source;
  if (!src) return;
  const gen = edge.generation;
  for (let k = 0; k < count; k++) {
    let lane: ChunkLane;
    try {
      lane = await src.openLane();
    } catch (e) {
      hooks.laneFailed(edge, e);
      return;
    }
    if (edge.generation !== gen) {
      lane.close().catch(() => {});
      return;
    }
    edge.lanesOpen++;
    void runLane(edge, lane, gen, batchMax, hooks);
  }
}

async function runLane(
  edge: SwarmEdge,
  lane: ChunkLane,
  gen: number,
  batchMax: number,
  hooks: ExecutorHooks,
): Promise<void> {
  const out: number[] = [];
  const replies = new Notifier();
  let failed = false;
  const live = (): boolean => edge.generation === gen && !failed;
  const fail = (e: unknown): void => {
    if (failed) return;
    failed = true;
    const lost = out.splice(0);
    edge.outstanding -= lost.length;
    if (edge.generation === gen) {
      for (const i of lost) hooks.reject(i, edge, 'the lane broke', false);
      hooks.laneFailed(edge, e);
    }
    replies.notify();
  };

  const writer = async (): Promise<void> => {
    while (live()) {
      // A lane holds at most its share of the edge's in-flight slots (plus a batch), so every lane stays busy
      // and the scheduler's dispatch limit is what bounds the edge.
      const cap = Math.ceil(edge.parallel / Math.max(1, edge.lanesOpen)) + batchMax;
      if (edge.queue.length === 0 || out.length >= cap) {
        await edge.wake.wait(100);
        continue;
      }
      const batch: number[] = [];
      while (batch.length < batchMax && edge.queue.length > 0) {
        const i = edge.queue.shift()!;
        if (!hooks.isDone(i)) batch.push(i);
      }
      if (batch.length === 0) continue;
      out.push(...batch);
      edge.outstanding += batch.length;
      try {
        await lane.request(batch.map((i) => hooks.chunkId(i)));
      } catch (e) {
        fail(e);
        return;
      }
      replies.notify();
    }
  };

  const reader = async (): Promise<void> => {
    while (live()) {
      if (out.length === 0) {
        await replies.wait(100);
        continue;
      }
      let reply;
      try {
        reply = await lane.next();
      } catch (e) {
        fail(e);
        return;
      }
      if (!live()) return;
      const i = out.shift()!;
      edge.outstanding--;
      const v = checkChunkReply(reply, hooks.chunkId(i), hooks.rawSize(i));
      if (!v.ok) {
        hooks.reject(i, edge, v.reason, true);
        continue;
      }
      const wait = hooks.deliver(i, v.data, v.wireBytes, edge);
      if (wait) await wait;
      edge.wake.notify(); // room for the next batch
    }
  };

  try {
    await Promise.all([writer(), reader()]);
  } finally {
    edge.lanesOpen--;
    lane.close().catch(() => {});
  }
}
