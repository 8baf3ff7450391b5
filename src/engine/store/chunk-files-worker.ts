/**
 * Worker-thread entry of the two-core scan (chunk-files-parallel.ts): claims batches of files from the shared
 * counter, chunks each (FastCDC + BLAKE3, the same chunkFile as the main thread, without the file index: the
 * main thread records the results there) and posts each batch's chunk lists back. A file it cannot read comes
 * back as `undefined`: the main thread chunks it again and reports the error the usual way.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { chunkFile } from './chunk-file.ts';
import type { ScanBatchResult, ScanJob, ScannedFile } from './chunk-files-parallel.ts';

// This thread is the second core already: no third thread for whole-file hashes (read at call time).
process.env.WARP_HASH_THREAD = '0';

const job = workerData as ScanJob;
const claim = new Int32Array(job.claim);
const batches = job.batchStarts.length - 1;
for (;;) {
  const b = Atomics.add(claim, 0, 1);
  if (b >= batches) break;
  const files: Array<ScannedFile | undefined> = [];
  const transfer: ArrayBuffer[] = [];
  for (let k = job.batchStarts[b]; k < job.batchStarts[b + 1]; k++) {
    try {
      const r = chunkFile(job.paths[k], job.params, undefined, {
        isFile: () => true,
        size: job.sizes[k],
        mtimeMs: job.mtimes[k],
        ino: job.inos[k],
      });
      files.push({ size: r.size, mtimeMs: r.mtimeMs, ino: r.ino, hash: r.hash, ids: r.ids, lens: r.lens });
      transfer.push(r.ids.buffer as ArrayBuffer, r.lens.buffer as ArrayBuffer);
    } catch {
      files.push(undefined);
    }
  }
  parentPort!.postMessage({ b, files } satisfies ScanBatchResult, transfer);
}
parentPort!.postMessage({ b: -1, files: [] } satisfies ScanBatchResult);
