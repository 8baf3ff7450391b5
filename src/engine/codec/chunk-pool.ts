/** The shared pool of chunk workers. */
import { WorkerPool, defaultWorkerCount } from '../core/worker-pool.ts';
import { workerUrl } from '../core/worker-url.ts';
import type { ChunkTask, DecodeResult, EncodeResult } from './chunk-tasks.ts';

export type ChunkPool = WorkerPool<ChunkTask, EncodeResult | DecodeResult>;

export function createChunkPool(workers = 0): ChunkPool {
  return new WorkerPool(workerUrl('chunk-worker', import.meta.url), workers > 0 ? workers : defaultWorkerCount());
}
