/**
 * Worker-thread entry of the two-core scan (chunk-files-parallel.ts): claims batches of files from the shared
 * counter, chunks each (FastCDC + BLAKE3, the same chunkFile as the main thread, without the file index: the
 * main thread records the results there) and posts each batch's chunk lists back. A file it cannot read comes
 * back as `undefined`: the main thread chunks it again and reports the error the usual way.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { chunkFile, type ChunkFileResult } from './chunk-file.ts';
import { packBatch, type ScanJob } from './chunk-files-parallel.ts';

// This thread is the second core already: no third thread for whole-file hashes (read at call time).
process.env.WARP_HASH_THREAD = '0';

const job = workerData as ScanJob;
const claim = new Int32Array(job.claim);
const batches = job.batchStarts.length - 1;
for (;;) {
  const b = Atomics.add(claim, 0, 1);
  if (b >= batches) break;
  const results: Array<ChunkFileResult | undefined> = [];
  for (let k = job.batchStarts[b]; k < job.batchStarts[b + 1]; k++) {
    try {
      results.push(
        chunkFile(job.paths[k], job.params, undefined, {
          isFile: () => true,
          size: job.sizes[k],
          mtimeMs: job.mtimes[k],
          ino: job.inos[k],
        }),
      );
    } catch {
      results.push(undefined);
    }
  }
  const packed = packBatch(b, results);
  const { ids, lens, hashes, meta } = packed;
  parentPort!.postMessage(packed, [ids.buffer, lens.buffer, hashes.buffer, meta.buffer] as ArrayBuffer[]);
}
parentPort!.postMessage({ b: -1 });
