/**
 * Whether the next chunk served on one stream goes out zstd-compressed (transfer.compress = auto).
 *
 * Contract: a pure model fed with measurements, no clock and no I/O of its own. The server asks `compressNext()`
 * before each chunk, reports each compression it did with `compressed(raw, wire, ms)` (time spent in
 * compressChunk) and each send with `sent(bytes, ms)` (time the link took to accept the bytes: the rate limiter's
 * wait plus the stream write's backpressure). It compresses when that is faster end to end:
 * one raw byte costs 1/link without compression and 1/compressor + ratio/link with it (the server compresses,
 * then writes), so it compresses only when the link is the bottleneck and the data shrinks, by MARGIN.
 * Measurements are moving windows (halved past WINDOW_BYTES or WINDOW_MS), so a link that speeds up or slows down is followed.
 * While it sends raw, it re-probes: every PROBE_EVERY raw bytes, the next PROBE_BYTES are compressed to refresh
 * the compressor's rate and the data's ratio (a loopback link pays ~1 % CPU for it; nothing else is guessed).
 * Modes 'on' and 'off' force the answer (transfer.compress, or a peer that does not accept zstd).
 */
export type WireMode = 'auto' | 'on' | 'off';

/** Compress only if that is at least this much faster (noise in the measurements must not flip it). */
export const MARGIN = 1.25;
/** Each measurement window keeps about this many bytes, or this much time, of history (whichever is less). */
export const WINDOW_BYTES = 4 * 1024 * 1024;
export const WINDOW_MS = 1000;
/** While raw, this many bytes of chunks are compressed every PROBE_EVERY bytes to re-measure. */
export const PROBE_BYTES = 512 * 1024;
export const PROBE_EVERY = 32 * 1024 * 1024;

/** A rate over a moving window: bytes and milliseconds, both halved when either passes the window. */
class Rate {
  bytes = 0;
  ms = 0;

  add(bytes: number, ms: number): void {
    this.bytes += bytes;
    this.ms += Math.max(0, ms);
    while (this.bytes > WINDOW_BYTES || this.ms > WINDOW_MS) {
      this.bytes /= 2;
      this.ms /= 2;
    }
  }

  /** Milliseconds per byte; undefined before anything was measured. */
  msPerByte(): number | undefined {
    return this.bytes > 0 ? this.ms / this.bytes : undefined;
  }
}

export class WirePolicy {
  private readonly mode: WireMode;
  private readonly link = new Rate();
  /** Compressor: raw bytes in, time spent. */
  private readonly comp = new Rate();
  /** Compressibility: wire bytes out per raw byte in (over the same window as `comp`). */
  private rawIn = 0;
  private wireOut = 0;
  /** Raw bytes still to compress in the current probe; the first chunks are a probe. */
  private probeLeft = PROBE_BYTES;
  private sinceProbe = 0;
  private decision = false;

  constructor(mode: WireMode) {
    this.mode = mode;
  }

  /** Whether to compress the next chunk. */
  compressNext(): boolean {
    if (this.mode !== 'auto') return this.mode === 'on';
    if (this.probeLeft > 0) return true;
    return this.decision;
  }

  /** A chunk of `raw` bytes was compressed to `wire` bytes (wire = raw when it did not shrink) in `ms`. */
  compressed(raw: number, wire: number, ms: number): void {
    this.comp.add(raw, ms);
    this.rawIn += raw;
    this.wireOut += Math.min(wire, raw);
    if (this.rawIn > WINDOW_BYTES) {
      this.rawIn /= 2;
      this.wireOut /= 2;
    }
    if (this.probeLeft > 0) this.probeLeft = Math.max(0, this.probeLeft - raw);
    this.decide();
  }

  /** `bytes` went onto the link, which took `ms` to accept them. `raw` is what they carried uncompressed. */
  sent(bytes: number, ms: number, raw = bytes): void {
    this.link.add(bytes, ms);
    if (!this.decision && this.probeLeft === 0) {
      this.sinceProbe += raw;
      if (this.sinceProbe >= PROBE_EVERY) {
        this.sinceProbe = 0;
        this.probeLeft = PROBE_BYTES;
      }
    }
    this.decide();
  }

  /** What the policy believes now (for logs, tests and the probe command). */
  estimate(): { linkBytesPerSec?: number; compressorBytesPerSec?: number; ratio?: number; compress: boolean } {
    const l = this.link.msPerByte();
    const c = this.comp.msPerByte();
    return {
      linkBytesPerSec: l === undefined ? undefined : l > 0 ? 1000 / l : Infinity,
      compressorBytesPerSec: c === undefined ? undefined : c > 0 ? 1000 / c : Infinity,
      ratio: this.rawIn > 0 ? this.wireOut / this.rawIn : undefined,
      compress: this.compressNext(),
    };
  }

  private decide(): void {
    const link = this.link.msPerByte();
    const comp = this.comp.msPerByte();
    if (link === undefined || comp === undefined || this.rawIn === 0) return;
    const ratio = this.wireOut / this.rawIn;
    this.decision = (comp + ratio * link) * MARGIN < link;
  }
}
