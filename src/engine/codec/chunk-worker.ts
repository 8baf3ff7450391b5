/** Worker-thread entry for chunk batches (see chunk-tasks.ts). */
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { WarpError } from '../core/errors.ts';
import { decodeBatch, encodeBatch, installYoungCollector, type ChunkTask } from './chunk-tasks.ts';

/**
 * zstd's sync calls leave garbage (a stream object and an output buffer per chunk) that V8 collects lazily:
 * a worker's RSS grew by 150+ MB and the churn cost time. Minor GCs keep RSS flat and were faster overall
 * (measured: 1.5 GB of 1 MiB zstd-1 calls, 5.7 s -> 3.2 s, RSS 256 -> 105 MB). See installYoungCollector.
 */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as ((o?: { type: 'minor' | 'major' }) => void) | undefined;
if (gc) installYoungCollector(() => gc({ type: 'minor' }));

parentPort!.on('message', ({ id, req }: { id: number; req: ChunkTask }) => {
  try {
    if (req.op === 'encode') {
      const result = encodeBatch(req);
      parentPort!.postMessage({ id, ok: true, result }, [result.out]);
    } else {
      const result = decodeBatch(req);
      parentPort!.postMessage({ id, ok: true, result }, [result.out]);
    }
  } catch (e) {
    const error =
      e instanceof WarpError
        ? { code: e.code, message: e.message }
        : { message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage({ id, ok: false, error });
  }
});
