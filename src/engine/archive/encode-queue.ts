/**
 * The ordered half of `archive create`: new chunks (views into slabs) are grouped into storage units
 * (units.ts: small chunks share one, a large chunk is alone) and units into batches; workers compress and
 * encrypt each batch, and results are written strictly in batch order, so stored units land in chunk-table
 * order. A slab stays held while a batch points into it; the window bounds memory.
 */
import type { ChunkPool } from '../codec/chunk-pool.ts';
import type { EncodeResult } from '../codec/chunk-tasks.ts';
import type { LevelName } from '../codec/compress.ts';
import type { ManifestBuilder } from '../model/manifest.ts';
import type { ByteSink } from './sink.ts';
import type { Slab, SlabPool } from './slabs.ts';
import { IN_UNIT } from '../model/unit-codes.ts';
import { SOLO_CHUNK, UNIT_TARGET } from './units.ts';

/** A batch goes to a worker once its closed units hold this much. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** A batch points into at most this many slabs (the reader holds one more; the pool must have room). */
const MAX_BATCH_SLABS = 2;

interface Batch {
  slabs: Slab[];
  /** Quadruples: slab index in `slabs`, offset in the slab, length, chunk index. */
  items: number[];
  /** Items per closed unit. */
  units: number[];
  /** Items not yet in a closed unit (the open unit, at the end of `items`). */
  open: number;
  openBytes: number;
  bytes: number;
}

interface InFlight {
  promise: Promise<EncodeResult>;
  /** First chunk and chunk count of each unit. */
  units: number[];
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

  constructor(
    pool: ChunkPool,
    slabs: SlabPool,
    sink: ByteSink,
    builder: ManifestBuilder,
    level: LevelName,
    key: Uint8Array | undefined,
  ) {
    this.pool = pool;
    this.slabs = slabs;
    this.sink = sink;
    this.builder = builder;
    this.level = level;
    this.key = key;
    this.maxInFlight = pool.size + 2;
  }

  /** Queues chunk `index` (the next new chunk of the table), held at slab[from, from + length). */
  add(slab: Slab, from: number, length: number, index: number): void {
    if (length >= SOLO_CHUNK) this.closeUnit();
    const b = (this.batch ??= { slabs: [], items: [], units: [], open: 0, openBytes: 0, bytes: 0 });
    let s = b.slabs.indexOf(slab);
    if (s < 0) {
      if (b.slabs.length === MAX_BATCH_SLABS) {
        this.flush();
        this.add(slab, from, length, index);
        return;
      }
      this.slabs.hold(slab);
      s = b.slabs.push(slab) - 1;
    }
    b.items.push(s, from, length, index);
    b.open++;
    b.openBytes += length;
    if (length >= SOLO_CHUNK || b.openBytes >= UNIT_TARGET) this.closeUnit();
  }

  private closeUnit(): void {
    const b = this.batch;
    if (!b || b.open === 0) return;
    b.units.push(b.open);
    b.bytes += b.openBytes;
    b.open = 0;
    b.openBytes = 0;
    if (b.bytes >= MAX_BATCH_BYTES) this.flush();
  }

  /** Closes the open unit and sends the batch to a worker. */
  flush(): void {
    const b = this.batch;
    if (!b) return;
    if (b.open > 0) {
      b.units.push(b.open);
      b.open = 0;
    }
    this.batch = undefined;
    if (b.items.length === 0) {
      for (const s of b.slabs) this.slabs.release(s);
      return;
    }
    const units: number[] = [];
    let k = 0;
    for (const n of b.units) {
      units.push(b.items[k * 4 + 3], n);
      k += n;
    }
    const task = {
      op: 'encode' as const,
      srcs: b.slabs.map((s) => s.sab),
      items: Float64Array.from(b.items),
      units: Uint32Array.from(b.units),
      level: this.level,
      key: this.key,
    };
    const promise = (this.pool.run(task) as Promise<EncodeResult>).finally(() => {
      for (const s of b.slabs) this.slabs.release(s);
    });
    promise.catch(() => {}); // observed by writeNext; avoid an unhandled rejection meanwhile
    this.queue.push({ promise, units });
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
    for (let u = 0; u < r.storedSizes.length; u++) {
      const first = head.units[u * 2];
      this.builder.setStored(first, r.storedSizes[u], r.codecs[u]);
      for (let c = first + 1; c < first + head.units[u * 2 + 1]; c++) this.builder.setStored(c, 0, IN_UNIT);
      this.storedChunkBytes += r.storedSizes[u];
    }
    await this.sink.write(new Uint8Array(r.out, 0, r.length));
  }
}
