/** Worker-thread entry of the parallel scorer: takes slices of a job until none is left (arrays shared, not copied). */
import { parentPort } from 'node:worker_threads';
import { runSlices, type ScoreSlice } from './slices.ts';

parentPort!.on('message', ({ id, req }: { id: number; req: ScoreSlice }) => {
  try {
    runSlices(req);
    parentPort!.postMessage({ id, ok: true });
  } catch (e) {
    parentPort!.postMessage({ id, ok: false, error: { message: e instanceof Error ? e.message : String(e) } });
  }
});
