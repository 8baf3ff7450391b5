/**
 * Byte-rate limiting shared by the edge emulation (emulate.ts), the swarm run's per-peer budgets and
 * pre-positioning: one bucket per limited stream set.
 */
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A token bucket: `take(n)` resolves when n bytes may go out. The rate can change while it runs. */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  private chain: Promise<void> = Promise.resolve();
  private rate: number;
  private burst: number;

  constructor(rate: number) {
    this.rate = rate;
    this.burst = TokenBucket.burstFor(rate);
    this.tokens = this.burst;
  }

  /** 50 ms worth of bytes, at least 64 KiB (one large chunk must always fit). */
  private static burstFor(rate: number): number {
    return Math.max(64 * 1024, Math.min(rate * 0.05, 64 * 1024 * 1024));
  }

  setRate(rate: number): void {
    this.rate = rate;
    this.burst = TokenBucket.burstFor(rate);
    this.tokens = Math.min(this.tokens, this.burst);
  }

  take(n: number): Promise<void> {
    // Serialised: concurrent streams share one bucket in arrival order.
    const next = this.chain.then(() => this.wait(n));
    this.chain = next;
    return next;
  }

  private async wait(n: number): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
      if (this.tokens >= Math.min(n, this.burst)) {
        this.tokens -= n;
        return;
      }
      const need = Math.min(n, this.burst) - this.tokens;
      await sleep(Math.max(1, (need / this.rate) * 1000));
    }
  }
}
