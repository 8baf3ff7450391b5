/**
 * Chunking many files on both cores. The files the index does not know are cut into batches (a few MiB or a
 * few hundred files each, in walk order); this thread and one worker (chunk-files-worker.ts) claim batches
 * from one shared counter, so neither waits for the other and a busy core simply takes fewer. Results are
 * exactly chunkFile's (same cut points, ids and hashes: the equivalence test builds both ways); the order of
 * the tree is restored by the caller, which looks results up by file.
 *
 * The worker starts only when a core looks free (`coreFree`): under load it costs memory and gains nothing.
 * This thread's claims run synchronously (the scan is synchronous everywhere else too); the worker's batches
 * arrive as messages once it yields. A worker that cannot start or dies leaves its files out of the map: the
 * caller chunks whatever is missing itself, so a failure costs time, never a wrong or missing file.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../core/worker-url.ts';
import type { ChunkerParams } from '../codec/fastcdc.ts';
import { chunkFile, type ChunkFileResult, type FileIdentity } from './chunk-file.ts';
import { paramsKey, type FileIndex } from './file-index.ts';
import { HASH_BYTES } from '../codec/blake3.ts';

/** What the worker is given: the files to chunk (parallel arrays) and the batch boundaries. */
export interface ScanJob {
  paths: string[];
  sizes: number[];
  mtimes: number[];
  inos: number[];
  /** Batch b is files [batchStarts[b], batchStarts[b + 1]). */
  batchStarts: number[];
  params: ChunkerParams;
  /** One Int32 on a SharedArrayBuffer: the next batch to claim. */
  claim: SharedArrayBuffer;
}

/**
 * A batch the worker finished, packed: four buffers per batch (not two typed arrays and an object per file),
 * so a tree of small files costs the main thread a view per file, not an allocation and a transfer each.
 * `meta` holds per file: chunk count (-1: could not be read), size, mtimeMs, ino. `b` -1: no more batches.
 */
export interface ScanBatchResult {
  b: number;
  ids: Uint8Array;
  lens: Uint32Array;
  hashes: Uint8Array;
  meta: Float64Array;
}

const META = 4;

/** Packs one batch's results (worker side). */
export function packBatch(b: number, results: ReadonlyArray<FileChunksLike | undefined>): ScanBatchResult {
  let chunks = 0;
  for (const r of results) chunks += r ? r.lens.length : 0;
  const ids = new Uint8Array(chunks * HASH_BYTES);
  const lens = new Uint32Array(chunks);
  const hashes = new Uint8Array(results.length * HASH_BYTES);
  const meta = new Float64Array(results.length * META);
  let c = 0;
  results.forEach((r, k) => {
    meta[k * META] = r ? r.lens.length : -1;
    if (!r) return;
    ids.set(r.ids, c * HASH_BYTES);
    lens.set(r.lens, c);
    c += r.lens.length;
    hashes.set(r.hash, k * HASH_BYTES);
    meta[k * META + 1] = r.size;
    meta[k * META + 2] = r.mtimeMs;
    meta[k * META + 3] = r.ino;
  });
  return { b, ids, lens, hashes, meta };
}

type FileChunksLike = Pick<ChunkFileResult, 'ids' | 'lens' | 'hash' | 'size' | 'mtimeMs' | 'ino'>;

/** Unpacks one batch (main side): calls `each(k, result)` for every file that was read, k within the batch. */
function unpackBatch(
  m: ScanBatchResult,
  params: string,
  pathOf: (k: number) => string,
  each: (k: number, r: ChunkFileResult) => void,
): void {
  let c = 0;
  for (let k = 0; k * META < m.meta.length; k++) {
    const n = m.meta[k * META];
    if (n < 0) continue;
    each(k, {
      path: pathOf(k),
      params,
      size: m.meta[k * META + 1],
      mtimeMs: m.meta[k * META + 2],
      ino: m.meta[k * META + 3],
      hash: m.hashes.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES),
      ids: m.ids.subarray(c * HASH_BYTES, (c + n) * HASH_BYTES),
      lens: m.lens.subarray(c, c + n),
      cached: false,
    });
    c += n;
  }
}

/** The files to chunk, by position (a view of a walk's columns: no object per file is kept). */
export interface ScanFiles {
  readonly count: number;
  abs(k: number): string;
  /** The walk's stat of file k. */
  identity(k: number): FileIdentity;
}

export interface ParallelScanOptions {
  /** Below this many bytes to read, or files, one thread is used (a worker costs ~30-50 ms to start). */
  minBytes?: number;
  minFiles?: number;
  /** Batch size limits. */
  batchBytes?: number;
  batchFiles?: number;
  /** Tests: this thread claims no batch, so the worker's path is the one taken (whatever the load). */
  workerOnly?: boolean;
  /** Start the worker even when no core looks free (tests). */
  anyLoad?: boolean;
}

/** Index look-ups between two yields to the event loop. */
const LOOKUP_SLICE = 1024;

/** Files chunked by the worker (diagnostics and tests). */
export const scanWorkerUse = { files: 0 };

const DEFAULTS = {
  minBytes: 16 * 1024 * 1024,
  minFiles: 64,
  batchBytes: 4 * 1024 * 1024,
  batchFiles: 256,
  workerOnly: false,
  anyLoad: false,
};

/**
 * A second core to scan on: the worker costs ~100 MB of peak RSS (measured on the Linux tree: 221 -> 323-385 MB)
 * and only pays when a core is idle; with the run queue already longer than the cores (1-minute load average)
 * it made no measured difference (14-30 s either way), so the scan stays on this thread then.
 */
function coreFree(): boolean {
  return os.loadavg()[0] < os.availableParallelism() - 0.5;
}

/**
 * Chunk lists of `files`, computed on both cores, handed to `onResult(k, result)` as they are ready (not in
 * order; files the index already knows first). A file may never be handed over (a worker that failed, a file
 * that could not be read): the caller chunks those with chunkFile, which reports errors the usual way. This
 * thread yields after each of its batches, so the worker's results are taken as they come, not all at the end.
 */
export async function chunkFilesParallel(
  files: ScanFiles,
  params: ChunkerParams,
  index: FileIndex | undefined,
  o: ParallelScanOptions = {},
  onResult: (k: number, r: ChunkFileResult) => void,
): Promise<void> {
  const opt = { ...DEFAULTS, ...o };
  const todo: number[] = [];
  let bytes = 0;
  for (let i = 0; i < files.count; i++) {
    const st = files.identity(i);
    const hit = index?.lookup(files.abs(i), st, params);
    if (hit) onResult(i, { ...hit, cached: true });
    else {
      todo.push(i);
      bytes += st.size;
    }
    // A re-scan of a large tree is mostly these look-ups (and the caller's assembly in onResult): in slices, so
    // the caller's event loop (a listener's connections) runs between them.
    if (i % LOOKUP_SLICE === LOOKUP_SLICE - 1) await new Promise((r) => setImmediate(r));
  }
  if (todo.length < opt.minFiles || bytes < opt.minBytes) return;
  if (!opt.workerOnly && !opt.anyLoad && !coreFree()) return;
  const job = makeJob(files, todo, params, opt);
  const batches = job.batchStarts.length - 1;
  const claim = new Int32Array(job.claim);
  let worker: Worker | undefined;
  const fromWorker = new Promise<void>((resolve) => {
    try {
      worker = new Worker(workerUrl('chunk-files-worker', import.meta.url), {
        workerData: job,
        execArgv: [],
        resourceLimits: { maxYoungGenerationSizeMb: 6 },
      });
    } catch {
      resolve();
      return;
    }
    const key = paramsKey(params);
    worker.on('message', (m: ScanBatchResult) => {
      if (m.b < 0) return resolve();
      const first = job.batchStarts[m.b];
      unpackBatch(
        m,
        key,
        (k) => job.paths[first + k],
        (k, r) => {
          scanWorkerUse.files++;
          // As chunkFile does: a file that changed while it was read is not cached.
          if (r.size === job.sizes[first + k]) index?.put(r);
          onResult(todo[first + k], r);
        },
      );
    });
    worker.on('error', () => resolve());
    worker.on('exit', () => resolve());
  });
  // This thread's share: whatever batches the worker has not claimed yet (errors surface later, from the caller).
  for (let b = opt.workerOnly ? batches : Atomics.add(claim, 0, 1); b < batches; b = Atomics.add(claim, 0, 1)) {
    for (let k = job.batchStarts[b]; k < job.batchStarts[b + 1]; k++) {
      const i = todo[k];
      let r: ChunkFileResult;
      try {
        r = chunkFile(job.paths[k], params, index, files.identity(i));
      } catch {
        continue; // left out: the caller chunks it again and reports the error
      }
      onResult(i, r);
    }
    await new Promise((r) => setImmediate(r));
  }
  await fromWorker;
  void worker?.terminate();
}

function makeJob(files: ScanFiles, todo: readonly number[], params: ChunkerParams, opt: typeof DEFAULTS): ScanJob {
  const batchStarts = [0];
  let inBatch = 0;
  let batchBytes = 0;
  todo.forEach((i, k) => {
    if (inBatch > 0 && (inBatch >= opt.batchFiles || batchBytes >= opt.batchBytes)) {
      batchStarts.push(k);
      inBatch = 0;
      batchBytes = 0;
    }
    inBatch++;
    batchBytes += files.identity(i).size;
  });
  batchStarts.push(todo.length);
  const ids = todo.map((i) => files.identity(i));
  return {
    paths: todo.map((i) => files.abs(i)),
    sizes: ids.map((st) => st.size),
    mtimes: ids.map((st) => st.mtimeMs),
    inos: ids.map((st) => st.ino),
    batchStarts,
    params,
    claim: new SharedArrayBuffer(4),
  };
}
