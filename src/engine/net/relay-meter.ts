/**
 * What a circuit relay moves, metered per relayed stream pair (libp2p's circuit-relay-v2 server joins the
 * dialler's hop stream and the listener's stop stream and pipes them; this sits on both streams' 'message'
 * events):
 *
 *  - a relay-wide byte rate: a shared token bucket; a stream that takes more than there is is paused (its
 *    muxer stops granting flow-control credit, so its sender slows down) until the debt is paid;
 *  - backpressure: libp2p's pipe between the two streams buffers without bound when one side reads slower
 *    than the other writes; a stream is paused while its partner's send buffer is full, until it drains;
 *  - byte counts for the relay's status line and the benchmark.
 *
 * One concept, private state; what it holds is per open stream and goes with the stream.
 */
import type { Stream } from '@libp2p/interface';

export interface MeterCounts {
  /** Bytes the relay received on relayed streams (each byte is sent on once). */
  bytes: number;
  /** Relayed stream pairs joined so far, and open now. */
  circuits: number;
  open: number;
  /** Times a stream was paused for the rate cap, and for a slow partner. */
  ratePauses: number;
  drainPauses: number;
}

export class RelayMeter {
  /** Bytes per second over all relayed streams; 0: no cap. */
  private readonly rate: number;
  private readonly burst: number;
  private tokens: number;
  private last = performance.now();
  readonly counts: MeterCounts = { bytes: 0, circuits: 0, open: 0, ratePauses: 0, drainPauses: 0 };

  constructor(rateBytesPerSec: number) {
    this.rate = rateBytesPerSec;
    // 100 ms worth, at least 64 KiB: one yamux or QUIC frame always fits.
    this.burst = Math.max(64 * 1024, rateBytesPerSec / 10);
    this.tokens = this.burst;
  }

  /** Meters a relayed pair: `a`'s data goes to `b` and back. */
  join(a: Stream, b: Stream): void {
    this.counts.circuits++;
    this.counts.open++;
    this.watch(a, b);
    this.watch(b, a);
    let closed = 0;
    const onClose = (): void => {
      if (++closed === 2) this.counts.open--;
    };
    a.addEventListener('close', onClose, { once: true });
    b.addEventListener('close', onClose, { once: true });
  }

  /** Bytes from `from` are sent on `to`. */
  private watch(from: Stream, to: Stream): void {
    let held = false;
    const release = (): void => {
      held = false;
      if (from.status === 'open') from.resume();
    };
    from.addEventListener('message', (ev) => {
      const n = ev.data.byteLength;
      this.counts.bytes += n;
      if (held) return;
      const wait = this.take(n);
      if (wait > 0) {
        held = true;
        this.counts.ratePauses++;
        from.pause();
        setTimeout(release, wait).unref();
      } else if (to.writableNeedsDrain) {
        held = true;
        this.counts.drainPauses++;
        from.pause();
        const done = (): void => {
          to.removeEventListener('drain', done);
          to.removeEventListener('close', done);
          release();
        };
        to.addEventListener('drain', done);
        to.addEventListener('close', done);
      }
    });
  }

  /** Takes n bytes from the bucket; returns how long to wait (ms) before more may come. */
  private take(n: number): number {
    if (this.rate <= 0) return 0;
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rate) * 1000);
  }
}
