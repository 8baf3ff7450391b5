/**
 * Pausing a long operation: the counterpart of cancellation's AbortSignal. The owner (CLI key or signal,
 * daemon request) calls pause()/resume(); the work awaits `wait()` at its safe points (before asking for
 * more chunks) and sleeps there while paused. A cancel while paused ends the wait with the cancel error.
 */
import { throwIfCancelled } from './cancel.ts';

export type PauseListener = (paused: boolean) => void;

export class PauseController {
  private state = false;
  private waiters: Array<() => void> = [];
  private readonly listeners = new Set<PauseListener>();

  get paused(): boolean {
    return this.state;
  }

  pause(): void {
    this.set(true);
  }

  resume(): void {
    this.set(false);
  }

  toggle(): void {
    this.set(!this.state);
  }

  /** Called on every change (not on a pause() while already paused). Returns an unsubscribe function. */
  onChange(f: PauseListener): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** Resolves at once when running; otherwise when resumed. Rejects with the cancel error if `signal` aborts first. */
  wait(signal?: AbortSignal): Promise<void> {
    try {
      throwIfCancelled(signal);
    } catch (e) {
      return Promise.reject(e);
    }
    if (!this.state) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== done);
        try {
          throwIfCancelled(signal);
        } catch (e) {
          reject(e);
        }
      };
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private set(p: boolean): void {
    if (p === this.state) return;
    this.state = p;
    if (!p) {
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    }
    for (const f of this.listeners) f(p);
  }
}
