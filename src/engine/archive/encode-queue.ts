/**
 * The ordered half of `archive create`: new chunks (views into slabs) are grouped into batches, workers
 * compress and encrypt each batch, and results are written strictly in batch order, so chunk data lands in
 * chunk-index order. A slab stays held while a batch points into it; the window bounds memory.
 */
import type { ChunkPool } from '../codec/chunk-pool.ts';
import type { EncodeResult } from '../codec/chunk-tasks.ts';
import type { LevelName } from '../codec/compress.ts';
import type { ManifestBuilder } from './manifest.ts';
import type { ByteSink } from './sink.ts';
import type { Slab, SlabPool } from './slabs.ts';

const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const MAX_BATCH_ITEMS = 512;

interface Batch {
  slab: Slab;
  /** Triples: offset in the slab, length, chunk index. */
  items: number[];
  bytes: number;
}

interface InFlight {
  promise: Promise<EncodeResult>;
  indices: number[];
}

export class EncodeQueue {
  private batch?: Batch;
  private readonly queue: InFlight[] = [];
  private readonly maxInFlight: number;
  private readonly pool: ChunkPool;
  private readonly slabs: SlabPool;
  private readonly sink: ByteSink;
  private readonly builder: ManifestBuilder;
  private readonly level: LevelName;
  private readonly key: Uint8Array | undefined;
  storedChunkBytes = 0;

  constructor(pool: ChunkPool, slabs: SlabPool, sink: ByteSink, builder: ManifestBuilder, level: LevelName, key: Uint8Array | undefined) {
    this.pool = pool;
    this.slabs = slabs;
    this.sink = sink;
    this.builder = builder;
    this.level = level;
    this.key = key;
    this.maxInFlight = pool.size + 2;
  }

  /** Queues chunk `index`, held at slab[from, from + length). */
  add(slab: Slab, from: number, length: number, index: number): void {
    if (this.batch && this.batch.slab !== slab) this.flush();
    this.batch ??= { slab, items: [], bytes: 0 };
    this.batch.items.push(from, length, index);
    this.batch.bytes += length;
    if (this.batch.bytes >= MAX_BATCH_BYTES || this.batch.items.length >= MAX_BATCH_ITEMS * 3) this.flush();
  }

  /** Sends the open batch to a worker. */
  flush(): void {
    const b = this.batch;
    if (!b || b.items.length === 0) return;
    this.batch = undefined;
    this.slabs.hold(b.slab);
    const indices: number[] = [];
    for (let k = 2; k < b.items.length; k += 3) indices.push(b.items[k]);
    const promise = (this.pool.run({ op: 'encode', src: b.slab.sab, items: Float64Array.from(b.items), level: this.level, key: this.key }) as Promise<EncodeResult>)
      .finally(() => this.slabs.release(b.slab));
    promise.catch(() => {}); // observed by writeNext; avoid an unhandled rejection meanwhile
    this.queue.push({ promise, indices });
  }

  /** Backpressure: writes finished batches until the window has room. */
  async makeRoom(): Promise<void> {
    while (this.queue.length >= this.maxInFlight) await this.writeNext();
  }

  /** Flushes and writes everything queued. */
  async finish(): Promise<void> {
    this.flush();
    while (this.queue.length > 0) await this.writeNext();
  }

  /** After a failure: lets in-flight work settle so slabs and workers are quiet before cleanup. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.queue.map((q) => q.promise));
  }

  private async writeNext(): Promise<void> {
    const head = this.queue.shift()!;
    const r = await head.promise;
    for (let k = 0; k < head.indices.length; k++) {
      this.builder.setStored(head.indices[k], r.storedSizes[k], r.codecs[k]);
      this.storedChunkBytes += r.storedSizes[k];
    }
    await this.sink.write(new Uint8Array(r.out, 0, r.length));
  }
}
