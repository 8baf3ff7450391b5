/** Events the scheduler emits (only built when someone listens: a tick must not allocate per chunk otherwise). */
import type { FailureReason } from './constants.ts';

export type SchedEvent =
  | {
      type: 'sched.failover';
      tick: number;
      chunk: number;
      from: number;
      to: number;
      reason: FailureReason;
      retries: number;
    }
  | { type: 'sched.failed-permanently'; tick: number; chunk: number; lastEdge: number; retries: number }
  | { type: 'sched.reopt-done'; tick: number; moved: number; strategy: string }
  | { type: 'sched.balance'; tick: number; moves: number };
