/**
 * Streams the contents of chosen files out of an archive, in order: stored chunks are read sequentially on
 * this thread, workers decrypt, decompress and check each chunk's BLAKE3, and the consumer receives raw
 * bytes file by file. Extract writes them; verify only hashes them. The in-flight window bounds memory.
 */
import { throwIfCancelled } from '../core/cancel.ts';
import type { ChunkPool } from '../codec/chunk-pool.ts';
import type { BadChunk, DecodeResult, WorkerFile, WorkerFileResult } from '../codec/chunk-tasks.ts';
import type { ArchiveReader } from './reader.ts';

export interface FileConsumer {
  /** A file begins (called in order, just before its first bytes). */
  start(entry: number): void;
  data(entry: number, bytes: Uint8Array): void;
  /** The file ended; `bad` lists its damaged chunks (no data was passed after the first bad one). */
  end(entry: number, bad: BadChunk[]): Promise<void> | void;
  /**
   * Optional: a file lying wholly in one batch may be written by the decode worker itself (syscalls in
   * parallel off this thread, no bytes sent back). Return where and how, or undefined to get start/data/end.
   */
  workerWrite?(entry: number): Omit<WorkerFile, 'entry' | 'first' | 'count'> | undefined;
  /** The worker's outcome for such a file, in file order. */
  workerDone?(entry: number, result: WorkerFileResult): Promise<void> | void;
}

/** A batch closes at 4 MiB stored or 8 MiB decoded (compressed text decodes to ~5x its stored size). */
const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_RAW_BYTES = 8 * 1024 * 1024;
const BATCH_ITEMS = 512;

/** One step of the output: a chunk of a file, or (chunk -1) an empty file. */
interface Item { entry: number; chunk: number; raw: number; first: boolean; last: boolean }
interface Pending { items: Item[]; promise: Promise<DecodeResult> | undefined; inWorker: Set<number> }

export async function streamFiles(reader: ArchiveReader, entries: number[], pool: ChunkPool, consumer: FileConsumer, signal?: AbortSignal): Promise<void> {
  const m = reader.manifest;
  const key = reader.keys?.data;
  const maxInFlight = pool.size * 2 + 2;
  const queue: Pending[] = [];
  let items: Item[] = [];
  let decodeCount = 0;
  let storedBytes = 0;
  let rawBytes = 0;

  const flush = (): void => {
    if (items.length === 0) return;
    let promise: Promise<DecodeResult> | undefined;
    const inWorker = new Set<number>();
    if (decodeCount > 0) {
      const buf = new Uint8Array(storedBytes);
      const desc = new Float64Array(decodeCount * 5);
      const ids = new Uint8Array(decodeCount * 32);
      const files: WorkerFile[] = [];
      let at = 0;
      let k = 0;
      let fileStart = -1;
      for (const it of items) {
        if (it.chunk < 0) continue;
        if (it.first) fileStart = k;
        const len = m.chunkStoredSize(it.chunk);
        reader.readStored(it.chunk, buf, at);
        desc.set([at, len, it.raw, m.chunkCodec(it.chunk), it.chunk], k * 5);
        ids.set(m.chunkId(it.chunk), k * 32);
        at += len;
        k++;
        // first and last both here (fileStart set in this batch): the file lies wholly in this batch.
        if (it.last && fileStart >= 0 && consumer.workerWrite) {
          const spec = consumer.workerWrite(it.entry);
          if (spec) {
            files.push({ ...spec, entry: it.entry, first: fileStart, count: k - fileStart });
            inWorker.add(it.entry);
          }
        }
        if (it.last) fileStart = -1;
      }
      promise = pool.run({ op: 'decode', src: buf.buffer, items: desc, ids, key, files: files.length ? files : undefined }, [buf.buffer]) as Promise<DecodeResult>;
      promise.catch(() => {});
    }
    queue.push({ items, promise, inWorker });
    items = [];
    decodeCount = 0;
    storedBytes = 0;
    rawBytes = 0;
  };

  let fileBad: BadChunk[] = [];
  const consumeNext = async (): Promise<void> => {
    const p = queue.shift()!;
    const r = p.promise ? await p.promise : { out: new ArrayBuffer(0), bad: [], files: undefined };
    const out = new Uint8Array(r.out);
    const badByItem = new Map(r.bad.map((b) => [b.item, b]));
    const workerResults = new Map((r.files ?? []).map((f) => [f.entry, f]));
    let at = 0;
    let k = 0;
    for (const it of p.items) {
      if (p.inWorker.has(it.entry)) {
        k++;
        if (it.last) await consumer.workerDone!(it.entry, workerResults.get(it.entry)!);
        continue;
      }
      if (it.first) {
        fileBad = [];
        await consumer.start(it.entry);
      }
      if (it.chunk >= 0) {
        const bad = badByItem.get(k++);
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
      if (refs.length === 0) items.push({ entry: e, chunk: -1, raw: 0, first: true, last: true });
      for (let r = 0; r < refs.length; r++) {
        const chunk = refs[r];
        items.push({ entry: e, chunk, raw: m.chunkRawSize(chunk), first: r === 0, last: r === refs.length - 1 });
        decodeCount++;
        storedBytes += m.chunkStoredSize(chunk);
        rawBytes += m.chunkRawSize(chunk);
        // Inside the file's loop: a large file spans batches, so memory stays bounded whatever its size.
        if (storedBytes >= BATCH_BYTES || rawBytes >= BATCH_RAW_BYTES || items.length >= BATCH_ITEMS) {
          flush();
          while (queue.length >= maxInFlight) await consumeNext();
        }
      }
      if (refs.length === 0 && items.length >= BATCH_ITEMS) {
        flush();
        while (queue.length >= maxInFlight) await consumeNext();
      }
    }
    flush();
    while (queue.length > 0) await consumeNext();
  } catch (e) {
    await Promise.allSettled(queue.map((q) => q.promise));
    throw e;
  }
}

/** Decodes every chunk once in storage order (chunks no file refers to included); returns the bad ones. */
export async function checkAllChunks(reader: ArchiveReader, pool: ChunkPool, onBytes: (n: number) => void, signal?: AbortSignal): Promise<BadChunk[]> {
  const m = reader.manifest;
  const bad: BadChunk[] = [];
  const queue: Array<Promise<DecodeResult>> = [];
  const maxInFlight = pool.size * 2 + 2;
  let start = 0;
  while (start < m.chunkCount) {
    throwIfCancelled(signal);
    let end = start;
    let bytes = 0;
    let raw = 0;
    while (end < m.chunkCount && bytes < BATCH_BYTES && raw < BATCH_RAW_BYTES && end - start < BATCH_ITEMS) { bytes += m.chunkStoredSize(end); raw += m.chunkRawSize(end); end++; }
    const buf = new Uint8Array(bytes);
    const desc = new Float64Array((end - start) * 5);
    const ids = new Uint8Array((end - start) * 32);
    let at = 0;
    for (let i = start; i < end; i++) {
      const k = i - start;
      reader.readStored(i, buf, at);
      desc.set([at, m.chunkStoredSize(i), m.chunkRawSize(i), m.chunkCodec(i), i], k * 5);
      ids.set(m.chunkId(i), k * 32);
      at += m.chunkStoredSize(i);
    }
    const p = pool.run({ op: 'decode', src: buf.buffer, items: desc, ids, key: reader.keys?.data, discard: true }, [buf.buffer]) as Promise<DecodeResult>;
    p.catch(() => {});
    const rawBytes = raw;
    queue.push(p.then((r) => { onBytes(rawBytes); return r; }));
    start = end;
    while (queue.length >= maxInFlight) bad.push(...(await queue.shift()!).bad);
  }
  while (queue.length > 0) bad.push(...(await queue.shift()!).bad);
  return bad;
}
