/**
 * Step 4 of receiving: whatever is not local is pulled by a `ChunkPuller`. The plain pull (`LanePuller`, every
 * lane of every source takes from one queue, pull-lanes.ts) and the swarm's scheduler (swarm/run.ts) both
 * implement it, and both judge a reply with the one `checkChunkReply` (chunk-reply.ts), so "verified" means the same thing
 * whoever fetched the chunk.
 *
 * Contract: `pull` resolves once `ctx.write` has been called for every chunk in `ctx.need` (a chunk written
 * twice is ignored by the receiver), or rejects. `write` may return a promise: the puller awaits it before it
 * accepts more replies (the receiver's writes push back on the network). `reject` reports a reply that failed
 * its check; the puller asks for that chunk again (and gives up after its own attempt limit).
 */
import type { Manifest } from '../model/manifest.ts';
import { pullFromLanes } from './pull-lanes.ts';
import type { ChunkSource } from './source.ts';

export interface PullContext {
  manifest: Manifest;
  /** Chunk indexes (into the manifest) still missing, in manifest order. */
  need: readonly number[];
  /** Writes a verified chunk to every place it goes (a second write of the same chunk is ignored). */
  write(c: number, data: Uint8Array, wireBytes: number, source: string): void | Promise<void>;
  /** A reply that failed `checkChunkReply` (chunk-reply.ts); it is asked for again. */
  reject(c: number, source: string, reason: string): void;
  isDone(c: number): boolean;
}

export interface ChunkPuller {
  pull(ctx: PullContext): Promise<void>;
}

/** The plain pull: the sources' lanes share one queue of missing chunks (pull-lanes.ts). */
export class LanePuller implements ChunkPuller {
  private readonly o: {
    sources: readonly ChunkSource[];
    window?: number;
    maxAttempts: number;
    signal?: AbortSignal;
    gate?: () => Promise<void>;
  };

  constructor(o: {
    sources: readonly ChunkSource[];
    window?: number;
    maxAttempts: number;
    signal?: AbortSignal;
    gate?: () => Promise<void>;
  }) {
    this.o = o;
  }

  pull(ctx: PullContext): Promise<void> {
    return pullFromLanes({ ...this.o, manifest: ctx.manifest, need: ctx.need, accept: ctx.write, reject: ctx.reject });
  }
}
