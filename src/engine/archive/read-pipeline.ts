/**
 * Streams the contents of chosen files out of an archive, in order: stored units are read on this thread
 * (neighbours in one read), workers decrypt, decompress and check every chunk of each unit, and the consumer
 * receives raw bytes file by file, or only the outcome of a file the worker finished itself (wholly inside
 * one batch: extract writes it there, verify hashes it there). The in-flight window bounds memory.
 */
import { throwIfCancelled } from '../core/cancel.ts';
import type { ChunkPool } from '../codec/chunk-pool.ts';
import type { BadChunk, DecodeResult, WorkerFile, WorkerFileResult } from '../codec/chunk-tasks.ts';
import { DecodeBatch } from './decode-batch.ts';
import type { ArchiveReader } from './reader.ts';

export interface FileConsumer {
  /** A file begins (called in order, just before its first bytes). */
  start(entry: number): void;
  data(entry: number, bytes: Uint8Array): void;
  /** The file ended; `bad` lists its damaged chunks (no data was passed after the first bad one). */
  end(entry: number, bad: BadChunk[]): Promise<void> | void;
  /**
   * Optional: a file lying wholly in one batch may be finished by the decode worker (hash check, and with
   * `write` the file itself: syscalls in parallel off this thread, no bytes sent back). Return how, or
   * undefined to get start/data/end.
   */
  workerFile?(entry: number): Omit<WorkerFile, 'entry' | 'first' | 'count'> | undefined;
  /** The worker's outcome for such a file, in file order. */
  workerDone?(entry: number, result: WorkerFileResult): Promise<void> | void;
  /**
   * A batch is about to go to a worker (after its workerFile calls): the place to journal what it will write.
   * Batches end (batchDone) in the order they start.
   */
  batchStart?(): void;
  /** Every damaged chunk of each batch (those no chosen file uses included), and the units it decoded. */
  batchDone?(bad: BadChunk[], units: number[], rawBytes: number): void;
}

/** A batch closes (before its next unit) at 4 MiB stored or 8 MiB decoded, or this many items. */
const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_RAW_BYTES = 8 * 1024 * 1024;
const BATCH_ITEMS = 2048;

/** One step of the output: a chunk of a file (its output position and chunk slot), or (pos -1) an empty file. */
interface Item {
  entry: number;
  pos: number;
  slot: number;
  raw: number;
  first: boolean;
  last: boolean;
}
interface Pending {
  items: Item[];
  units: number[];
  rawBytes: number;
  promise: Promise<DecodeResult>;
  inWorker: Set<number>;
}

/** Decode tasks in flight, oldest first; results are consumed strictly in order. */
class Window {
  readonly queue: Pending[] = [];
  readonly max: number;
  constructor(pool: ChunkPool) {
    this.max = pool.size + 2;
  }
  async settle(): Promise<void> {
    await Promise.allSettled(this.queue.map((q) => q.promise));
  }
}

export async function streamFiles(
  reader: ArchiveReader,
  entries: Iterable<number>,
  pool: ChunkPool,
  consumer: FileConsumer,
  signal?: AbortSignal,
): Promise<void> {
  const m = reader.manifest;
  const units = reader.units;
  const win = new Window(pool);
  let batch = new DecodeBatch(reader);
  let items: Item[] = [];
  let outBytes = 0;

  const flush = (): void => {
    if (items.length === 0) return;
    const inWorker = new Set<number>();
    if (consumer.workerFile) addWorkerFiles(batch, items, consumer, inWorker);
    consumer.batchStart?.();
    const { task, transfer } = batch.task(reader.keys?.data, true);
    const promise = batch.empty
      ? Promise.resolve({ out: new ArrayBuffer(0), bad: [] })
      : (pool.run(task, transfer) as Promise<DecodeResult>);
    promise.catch(() => {});
    win.queue.push({ items, units: batch.units, rawBytes: batch.rawBytes, promise, inWorker });
    items = [];
    outBytes = 0;
    batch = new DecodeBatch(reader);
  };
  const full = (): boolean =>
    batch.storedBytes >= BATCH_BYTES || batch.rawBytes >= BATCH_RAW_BYTES || items.length >= BATCH_ITEMS;

  let fileBad: BadChunk[] = [];
  const consumeNext = async (): Promise<void> => {
    const p = win.queue.shift()!;
    const r = await p.promise;
    consumer.batchDone?.(r.bad, p.units, p.rawBytes);
    const out = new Uint8Array(r.out);
    const badBySlot = new Map(r.bad.map((b) => [b.item, b]));
    const workerResults = new Map((r.files ?? []).map((f) => [f.entry, f]));
    let at = 0;
    for (const it of p.items) {
      if (p.inWorker.has(it.entry)) {
        if (it.last) await consumer.workerDone!(it.entry, workerResults.get(it.entry)!);
        continue;
      }
      if (it.first) {
        fileBad = [];
        await consumer.start(it.entry);
      }
      if (it.pos >= 0) {
        const bad = badBySlot.get(it.slot);
        if (bad) fileBad.push(bad);
        else if (fileBad.length === 0) consumer.data(it.entry, out.subarray(at, at + it.raw));
        at += it.raw;
      }
      if (it.last) await consumer.end(it.entry, fileBad);
    }
  };

  try {
    for (const e of entries) {
      throwIfCancelled(signal);
      const refs = m.refsOf(e);
      if (refs.length === 0) items.push({ entry: e, pos: -1, slot: -1, raw: 0, first: true, last: true });
      for (let r = 0; r < refs.length; r++) {
        const chunk = refs[r];
        const u = units.unitOf(chunk);
        // Inside the file's loop: a large file spans batches, so memory stays bounded whatever its size.
        // A new unit joins only a batch with room; a batch also closes on its output (chunks of a unit that
        // dedup makes a file use many times: the unit is decoded again by the next batch).
        if ((!batch.has(u) && full()) || items.length >= BATCH_ITEMS || outBytes >= BATCH_RAW_BYTES) {
          flush();
          while (win.queue.length >= win.max) await consumeNext();
        }
        batch.addUnit(u);
        const pos = batch.addOut(chunk);
        items.push({
          entry: e,
          pos,
          slot: batch.slotOfOut(pos),
          raw: m.chunkRawSize(chunk),
          first: r === 0,
          last: r === refs.length - 1,
        });
        outBytes += m.chunkRawSize(chunk);
      }
      if (refs.length === 0 && items.length >= BATCH_ITEMS) {
        flush();
        while (win.queue.length >= win.max) await consumeNext();
      }
    }
    flush();
    while (win.queue.length > 0) await consumeNext();
  } catch (e) {
    await win.settle();
    throw e;
  }
}

/** Files wholly inside this batch (first and last item here) that the consumer lets the worker finish. */
function addWorkerFiles(batch: DecodeBatch, items: Item[], consumer: FileConsumer, inWorker: Set<number>): void {
  let firstPos = -1;
  for (const it of items) {
    if (it.first) firstPos = it.pos;
    if (it.last && firstPos >= 0 && it.pos >= 0) {
      const spec = consumer.workerFile!(it.entry);
      if (spec) {
        batch.files.push({ ...spec, entry: it.entry, first: firstPos, count: it.pos - firstPos + 1 });
        inWorker.add(it.entry);
      }
    }
    if (it.last) firstPos = -1;
  }
}

/** Decodes and checks the given units (verify's sweep of units no file led to); reports each batch. */
export async function checkUnits(
  reader: ArchiveReader,
  list: number[],
  pool: ChunkPool,
  onBatch: (bad: BadChunk[], rawBytes: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const win = new Window(pool);
  const consumeNext = async (): Promise<void> => {
    const p = win.queue.shift()!;
    onBatch((await p.promise).bad, p.rawBytes);
  };
  try {
    let batch = new DecodeBatch(reader);
    for (let i = 0; i <= list.length; i++) {
      throwIfCancelled(signal);
      if (i === list.length || batch.storedBytes >= BATCH_BYTES || batch.rawBytes >= BATCH_RAW_BYTES) {
        if (!batch.empty) {
          const { task, transfer } = batch.task(reader.keys?.data, false);
          const promise = pool.run(task, transfer) as Promise<DecodeResult>;
          promise.catch(() => {});
          win.queue.push({ items: [], units: batch.units, rawBytes: batch.rawBytes, promise, inWorker: new Set() });
          batch = new DecodeBatch(reader);
        }
        while (win.queue.length >= (i === list.length ? 1 : win.max)) await consumeNext();
      }
      if (i < list.length) batch.addUnit(list[i]);
    }
  } catch (e) {
    await win.settle();
    throw e;
  }
}
