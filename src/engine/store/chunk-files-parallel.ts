/**
 * Chunking many files on both cores. The files the index does not know are cut into batches (a few MiB or a
 * few hundred files each, in walk order); this thread and one worker (chunk-files-worker.ts) claim batches
 * from one shared counter, so neither waits for the other and a busy core simply takes fewer. Results are
 * exactly chunkFile's (same cut points, ids and hashes: the equivalence test builds both ways); the order of
 * the tree is restored by the caller, which looks results up by file.
 *
 * This thread's claims run synchronously (the scan is synchronous everywhere else too); the worker's batches
 * arrive as messages once it yields. A worker that cannot start or dies leaves its files out of the map: the
 * caller chunks whatever is missing itself, so a failure costs time, never a wrong or missing file.
 */
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../core/worker-url.ts';
import type { ChunkerParams } from '../codec/fastcdc.ts';
import { chunkFile, type ChunkFileResult, type FileIdentity } from './chunk-file.ts';
import { paramsKey, type FileIndex } from './file-index.ts';

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

export interface ScannedFile {
  size: number;
  mtimeMs: number;
  ino: number;
  hash: Uint8Array;
  ids: Uint8Array;
  lens: Uint32Array;
}

/** A batch the worker finished (`b` -1: it has claimed its last batch). */
export interface ScanBatchResult {
  b: number;
  files: Array<ScannedFile | undefined>;
}

/** A file to chunk: its path and the walk's stat of it. */
export interface ScanFile {
  abs: string;
  st: FileIdentity;
}

export interface ParallelScanOptions {
  /** Below this many bytes to read, or files, one thread is used (a worker costs ~30-50 ms to start). */
  minBytes?: number;
  minFiles?: number;
  /** Batch size limits. */
  batchBytes?: number;
  batchFiles?: number;
  /** Tests: this thread claims no batch, so the worker's path is the one taken. */
  workerOnly?: boolean;
}

/** Files chunked by the worker (diagnostics and tests). */
export const scanWorkerUse = { files: 0 };

const DEFAULTS = {
  minBytes: 16 * 1024 * 1024,
  minFiles: 64,
  batchBytes: 4 * 1024 * 1024,
  batchFiles: 256,
  workerOnly: false,
};

/**
 * Chunk lists of `files` (by position in `files`), computed on both cores; files the index already knows come
 * from it. Entries may be missing (a worker that failed, a file that could not be read): chunk those with
 * chunkFile, which reports errors the usual way.
 */
export async function chunkFilesParallel(
  files: readonly ScanFile[],
  params: ChunkerParams,
  index?: FileIndex,
  o: ParallelScanOptions = {},
): Promise<Map<number, ChunkFileResult>> {
  const opt = { ...DEFAULTS, ...o };
  const out = new Map<number, ChunkFileResult>();
  const todo: number[] = [];
  let bytes = 0;
  files.forEach((f, i) => {
    const hit = index?.lookup(f.abs, f.st, params);
    if (hit) out.set(i, { ...hit, cached: true });
    else {
      todo.push(i);
      bytes += f.st.size;
    }
  });
  if (todo.length < opt.minFiles || bytes < opt.minBytes) return out;
  const job = makeJob(files, todo, params, opt);
  const batches = job.batchStarts.length - 1;
  const claim = new Int32Array(job.claim);
  let worker: Worker | undefined;
  const fromWorker = new Promise<void>((resolve) => {
    try {
      worker = new Worker(workerUrl('chunk-files-worker', import.meta.url), { workerData: job, execArgv: [] });
    } catch {
      resolve();
      return;
    }
    const key = paramsKey(params);
    worker.on('message', (m: ScanBatchResult) => {
      if (m.b < 0) return resolve();
      m.files.forEach((r, k) => {
        const i = todo[job.batchStarts[m.b] + k];
        if (!r) return;
        scanWorkerUse.files++;
        const rec = { path: files[i].abs, params: key, ...r };
        if (r.size === files[i].st.size) index?.put(rec); // as chunkFile does: a file changed while read is not cached
        out.set(i, { ...rec, cached: false });
      });
    });
    worker.on('error', () => resolve());
    worker.on('exit', () => resolve());
  });
  // This thread's share: whatever batches the worker has not claimed yet (errors surface later, from the caller).
  for (let b = opt.workerOnly ? batches : Atomics.add(claim, 0, 1); b < batches; b = Atomics.add(claim, 0, 1)) {
    for (let k = job.batchStarts[b]; k < job.batchStarts[b + 1]; k++) {
      const i = todo[k];
      try {
        out.set(i, chunkFile(files[i].abs, params, index, files[i].st));
      } catch {
        /* left out: the caller chunks it again and reports the error */
      }
    }
  }
  await fromWorker;
  void worker?.terminate();
  return out;
}

function makeJob(
  files: readonly ScanFile[],
  todo: readonly number[],
  params: ChunkerParams,
  opt: typeof DEFAULTS,
): ScanJob {
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
    batchBytes += files[i].st.size;
  });
  batchStarts.push(todo.length);
  return {
    paths: todo.map((i) => files[i].abs),
    sizes: todo.map((i) => files[i].st.size),
    mtimes: todo.map((i) => files[i].st.mtimeMs),
    inos: todo.map((i) => files[i].st.ino),
    batchStarts,
    params,
    claim: new SharedArrayBuffer(4),
  };
}
