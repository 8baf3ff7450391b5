/**
 * Coalesces bursts of file-system events into one call: `fire` runs `waitMs` after the last `trigger()`, but
 * never later than `maxWaitMs` after the first trigger of the burst (a folder that never goes quiet, such as
 * a log being appended to, still gets pushed). Timers are injectable so the rule is unit-tested without sleeping.
 */
export interface Timers {
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class Debouncer {
  private readonly fire: () => void;
  private readonly waitMs: number;
  private readonly maxWaitMs: number;
  private readonly timers: Timers;
  private handle: unknown;
  private firstAt = -1;

  constructor(fire: () => void, waitMs: number, maxWaitMs: number, timers: Timers = realTimers) {
    this.fire = fire;
    this.waitMs = Math.max(0, waitMs);
    this.maxWaitMs = Math.max(this.waitMs, maxWaitMs);
    this.timers = timers;
  }

  /** A change happened: (re)arm the timer. */
  trigger(): void {
    const now = this.timers.now();
    if (this.firstAt < 0) this.firstAt = now;
    const due = Math.min(now + this.waitMs, this.firstAt + this.maxWaitMs);
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = this.timers.set(() => this.flush(), Math.max(0, due - now));
  }

  /** Fires now if a burst is pending. */
  flush(): void {
    if (this.firstAt < 0) return;
    this.cancel();
    this.fire();
  }

  /** Forgets a pending burst without firing. */
  cancel(): void {
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = undefined;
    this.firstAt = -1;
  }

  get pending(): boolean {
    return this.firstAt >= 0;
  }
}
