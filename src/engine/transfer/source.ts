/**
 * Where a receiver gets chunks. A source is anything that can answer "give me these chunk ids" on one or
 * more lanes (parallel streams); replies come back in request order. The receiver's scheduler keeps one
 * queue of missing chunks and every lane of every source pulls from it, so one download can be fed by
 * several sources (the swarm issue plugs its scheduler in here) and dedup, resume and multi-source are the
 * same mechanism: whatever is not already local is pulled by id.
 */
import type { Connection } from '@libp2p/interface';
import type { WarpNode } from '../net/node.ts';
import { PROTOCOLS } from '../net/wire.ts';

export type ChunkReply = { ok: true; codec: number; rawSize: number; data: Uint8Array } | { ok: false; code: string };

export interface ChunkLane {
  /** Asks for these chunks (pipelined: call again before the replies arrive). */
  request(ids: Uint8Array[]): Promise<void>;
  /** The reply to the oldest outstanding request, in order. */
  next(): Promise<ChunkReply>;
  close(): Promise<void>;
}

export interface ChunkSource {
  /** A stable name (the peer id for a remote source). */
  readonly name: string;
  /** How many lanes to open. */
  readonly lanes: number;
  openLane(): Promise<ChunkLane>;
}

/** The payload of one batched answer this side asks for: small chunks come dozens to a frame (wire.ts `chunks`). */
const BATCH_ANSWER_BYTES = 256 * 1024;

export interface RemoteSourceOptions {
  /** The largest chunk of the tree pulled: a reply above it is refused as it arrives. */
  maxChunk?: number;
  /** Cancels the pull: lanes still waiting for replies are closed. */
  signal?: AbortSignal;
}

/** A peer serving a session over `/warp/chunks/1` streams on an open connection. */
export class RemoteSource implements ChunkSource {
  readonly name: string;
  readonly lanes: number;
  private readonly node: WarpNode;
  private readonly conn: Connection;
  private readonly sid: string;
  private readonly o: RemoteSourceOptions;

  constructor(node: WarpNode, conn: Connection, sid: string, lanes: number, o: RemoteSourceOptions = {}) {
    this.node = node;
    this.conn = conn;
    this.sid = sid;
    this.lanes = lanes;
    this.o = o;
    this.name = conn.remotePeer.toString();
  }

  async openLane(): Promise<ChunkLane> {
    const ch = await this.node.open(this.conn, PROTOCOLS.chunks);
    const sid = this.sid;
    const { maxChunk, signal } = this.o;
    // A lane waiting for a reply that never comes ends when the transfer is cancelled (a stalled sender).
    const onAbort = (): void => ch.abort('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    ch.stream.addEventListener('close', () => signal?.removeEventListener('abort', onAbort), { once: true });
    // Answers of a batched `chunks` frame not yet handed out (one `next()` per chunk, in request order).
    const queued: ChunkReply[] = [];
    return {
      async request(ids) {
        const payload = Buffer.allocUnsafe(ids.length * 32);
        ids.forEach((id, i) => payload.set(id, i * 32));
        // One answer per id, none larger than a chunk of this tree: what the peer may send on this lane.
        ch.expectAnswers(ids.length, maxChunk);
        await ch.write({ t: 'get', sid, n: ids.length, b: BATCH_ANSWER_BYTES }, payload);
      },
      async next() {
        const q = queued.shift();
        if (q) return q;
        const f = await ch.expect('a chunk', 'chunk', 'chunks', 'miss');
        if (f.h.t === 'miss') return { ok: false, code: f.h.code };
        if (f.h.t === 'chunk') return { ok: true, codec: f.h.c, rawSize: f.h.r, data: f.p };
        const { c, r, l } = f.h;
        for (let k = 0, off = 0; k < l.length; off += l[k], k++)
          queued.push({ ok: true, codec: c[k], rawSize: r[k], data: f.p.subarray(off, off + l[k]) });
        return queued.shift()!;
      },
      async close() {
        await ch.close();
      },
    };
  }
}
