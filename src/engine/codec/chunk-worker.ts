/** Worker-thread entry for chunk batches (see chunk-tasks.ts). */
import { parentPort } from 'node:worker_threads';
import { WarpError } from '../core/errors.ts';
import { decodeBatch, encodeBatch, type ChunkTask } from './chunk-tasks.ts';

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
    const error = e instanceof WarpError ? { code: e.code, message: e.message } : { message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage({ id, ok: false, error });
  }
});
