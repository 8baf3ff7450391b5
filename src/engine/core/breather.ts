/**
 * Long synchronous loops (a receiver examining 80k files before the pull) must let timers and network I/O run:
 * a peer's stream set-up or keep-alive that waits 15 s for this thread fails the transfer. `breathe()` yields to
 * the event loop once `everyMs` have passed since the last yield, and costs nothing otherwise (the clock is read
 * every 64 calls).
 */
export class Breather {
  private readonly everyMs: number;
  private last = performance.now();
  private calls = 0;

  constructor(everyMs = 50) {
    this.everyMs = everyMs;
  }

  /** Resolves at once (undefined) unless it is time to yield; then a promise for after the event loop turned. */
  breathe(): Promise<void> | undefined {
    if ((++this.calls & 63) !== 0 || performance.now() - this.last < this.everyMs) return undefined;
    return new Promise<void>((r) =>
      setImmediate(() => {
        this.last = performance.now();
        r();
      }),
    );
  }
}
