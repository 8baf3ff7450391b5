/** Worker-thread entry of the parallel scorer: runs one slice of a scoring job (arrays shared, not copied). */
import { parentPort } from 'node:worker_threads';
import { scoreJobList, scoreJobRange } from '../sched/cpu/job.ts';
import { runEdgeDelta } from '../sched/phases/edge-delta.ts';
import type { ScoreSlice } from './parallel-scorer.ts';

parentPort!.on('message', ({ id, req }: { id: number; req: ScoreSlice }) => {
  try {
    if ('delta' in req) runEdgeDelta(req.delta, req.from, req.to);
    else if (req.list) scoreJobList(req.job, req.list, req.from, req.to);
    else scoreJobRange(req.job, req.from, req.to);
    parentPort!.postMessage({ id, ok: true });
  } catch (e) {
    parentPort!.postMessage({ id, ok: false, error: { message: e instanceof Error ? e.message : String(e) } });
  }
});
