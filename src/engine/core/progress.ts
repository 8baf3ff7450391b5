/**
 * Progress with a smoothed rate and an ETA, throttled so a fast loop does not flood listeners (the CLI
 * redraws, the daemon streams SSE, the UI charts at >= 4 Hz).
 */
export interface ProgressSnapshot {
  bytes: number;
  totalBytes: number;
  files: number;
  totalFiles: number;
  /** Bytes per second moved in this run, averaged over the last `RATE_WINDOW_MS`. */
  rate: number;
  /** Seconds left at the current rate; -1 when unknown. */
  etaSeconds: number;
  elapsedSeconds: number;
}

/** Just the snapshot's fields of an event that carries them (a progress event also has its type, job, chunks…). */
export function snapshotOf(e: ProgressSnapshot): ProgressSnapshot {
  const { bytes, totalBytes, files, totalFiles, rate, etaSeconds, elapsedSeconds } = e;
  return { bytes, totalBytes, files, totalFiles, rate, etaSeconds, elapsedSeconds };
}

/** How far back the rate looks. */
const RATE_WINDOW_MS = 2000;
const MIN_SPAN_MS = 1000;
const MAX_SAMPLES = 64;

export class ProgressTracker {
  private readonly start = performance.now();
  private lastEmit = 0;
  /** Bytes moved in this run (skipped ones excluded): what the rate is made of. */
  private moved = 0;
  /** (time, moved) samples within the rate window, oldest first; bounded by the window and MAX_SAMPLES. */
  private readonly samples: Array<[number, number]> = [[this.start, 0]];
  private rate = 0;
  bytes = 0;
  files = 0;
  totalBytes: number;
  totalFiles: number;
  private readonly intervalMs: number;
  private readonly emit: (s: ProgressSnapshot) => void;

  constructor(totalBytes: number, totalFiles: number, emit: (s: ProgressSnapshot) => void, intervalMs = 100) {
    this.totalBytes = totalBytes;
    this.totalFiles = totalFiles;
    this.emit = emit;
    this.intervalMs = intervalMs;
  }

  add(bytes: number, files = 0): void {
    const now = performance.now();
    // The rate starts with the first byte moved, not with the tracker (planning may take a while before it).
    if (bytes > 0 && this.moved === 0) this.samples.splice(0, this.samples.length, [now, 0]);
    this.bytes += bytes;
    this.moved += bytes;
    this.files += files;
    if (now - this.lastEmit >= this.intervalMs) this.flush(now);
  }

  /**
   * Bytes that are done without being moved in this run (already at the destination, kept from an interrupted
   * run): they advance the bar but never the rate, so a resumed transfer does not claim the speed of a disk read.
   */
  skip(bytes: number, files = 0): void {
    this.bytes += bytes;
    this.add(0, files);
  }

  snapshot(now = performance.now()): ProgressSnapshot {
    this.updateRate(now);
    const left = Math.max(0, this.totalBytes - this.bytes);
    return {
      bytes: this.bytes,
      totalBytes: this.totalBytes,
      files: this.files,
      totalFiles: this.totalFiles,
      rate: this.rate,
      etaSeconds: this.rate > 0 ? left / this.rate : -1,
      elapsedSeconds: (now - this.start) / 1000,
    };
  }

  /**
   * The rate is what moved over a sliding window, not a smoothing of per-interval rates: a receiver that stalls
   * (a busy event loop, a batched reply) and then takes several frames at once would otherwise show a burst
   * well above the link for a few updates.
   */
  private updateRate(now: number): void {
    const last = this.samples[this.samples.length - 1];
    if (now - last[0] < 50) return;
    this.samples.push([now, this.moved]);
    while (this.samples.length > 2 && (now - this.samples[1][0] >= RATE_WINDOW_MS || this.samples.length > MAX_SAMPLES))
      this.samples.shift();
    // Over at least a second: the first moments of a run (or of a resume) are a burst of what the pipeline
    // and the sender's rate limiter held back, not the speed of the link.
    const [t0, m0] = this.samples[0];
    this.rate = (this.moved - m0) / (Math.max(now - t0, MIN_SPAN_MS) / 1000);
  }

  flush(now = performance.now()): void {
    this.lastEmit = now;
    this.emit(this.snapshot(now));
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.start) / 1000;
  }
}
