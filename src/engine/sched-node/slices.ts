/**
 * The work message of the parallel scorer and the loop that runs it (on the calling thread and in workers;
 * no Node imports, so the worker entry stays small).
 */
import { scoreJobList, scoreJobRange, type ScoreJob } from '../sched/cpu/job.ts';
import { runEdgeDelta, type EdgeDeltaJob } from '../sched/phases/edge-delta.ts';

/**
 * A job split into slices that the calling thread and the workers take in turn from a shared counter
 * (`control[0]`; slice i covers bounds control[1 + i] .. control[2 + i]). A thread that gets no core (the
 * machine is shared) simply takes fewer slices: a static split would make every run wait for its slowest half.
 */
export type ScoreSlice =
  | { kind: 'range'; job: ScoreJob; control: Int32Array; slices: number }
  | { kind: 'list'; job: ScoreJob; list: Uint32Array; control: Int32Array; slices: number }
  | { kind: 'delta'; delta: EdgeDeltaJob; control: Int32Array; slices: number };

/** Takes slices from the shared counter and runs them until none is left (calling thread and workers). */
export function runSlices(req: ScoreSlice): void {
  const { control, slices } = req;
  for (;;) {
    const i = Atomics.add(control, 0, 1);
    if (i >= slices) return;
    const from = control[1 + i];
    const to = control[2 + i];
    if (to <= from) continue;
    if (req.kind === 'range') scoreJobRange(req.job, from, to);
    else if (req.kind === 'list') scoreJobList(req.job, req.list, from, to);
    else runEdgeDelta(req.delta, from, to);
  }
}
