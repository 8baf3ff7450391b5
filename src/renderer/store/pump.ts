/**
 * Event pump: the bridge may deliver hundreds of events a second during a transfer. Applying each one to the
 * stores would re-render React per event; instead events queue up and are applied once per animation frame
 * (one zustand `set` per store per frame). A timer backs up rAF so a hidden window's queue does not grow
 * without bound (rAF pauses in background tabs).
 */
import type { WarpEvent } from '../../shared/events.ts';

export type BatchHandler = (events: readonly WarpEvent[]) => void;

export class EventPump {
  private queue: WarpEvent[] = [];
  private scheduled = false;
  private readonly handlers: BatchHandler[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Frames applied and events seen: the status bar shows them, tests read them. */
  flushes = 0;
  events = 0;

  subscribe(h: BatchHandler): () => void {
    this.handlers.push(h);
    return () => {
      const i = this.handlers.indexOf(h);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  push = (e: WarpEvent): void => {
    this.queue.push(e);
    this.events++;
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(this.flush);
    this.timer = setTimeout(this.flush, 250);
  };

  flush = (): void => {
    if (!this.scheduled) return;
    this.scheduled = false;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.queue;
    this.queue = [];
    this.flushes++;
    for (const h of this.handlers) {
      try {
        h(batch);
      } catch (err) {
        console.error('warp: a store failed to apply events', err);
      }
    }
  };
}

export const pump = new EventPump();
