/**
 * Progress with a smoothed rate and an ETA, throttled so a fast loop does not flood listeners (the CLI
 * redraws, the daemon streams SSE, the UI charts at >= 4 Hz).
 */
export interface ProgressSnapshot {
  bytes: number;
  totalBytes: number;
  files: number;
  totalFiles: number;
  /** Bytes per second, exponentially smoothed. */
  rate: number;
  /** Seconds left at the current rate; -1 when unknown. */
  etaSeconds: number;
  elapsedSeconds: number;
}

export class ProgressTracker {
  private readonly start = performance.now();
  private lastEmit = 0;
  private lastBytes = 0;
  private lastTime = this.start;
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
    this.bytes += bytes;
    this.files += files;
    const now = performance.now();
    if (now - this.lastEmit >= this.intervalMs) this.flush(now);
  }

  /**
   * Bytes that are done without being moved in this run (already at the destination, kept from an interrupted
   * run): they advance the bar but never the rate, so a resumed transfer does not claim the speed of a disk read.
   */
  skip(bytes: number, files = 0): void {
    this.bytes += bytes;
    this.lastBytes += bytes;
    this.add(0, files);
  }

  snapshot(now = performance.now()): ProgressSnapshot {
    const dt = (now - this.lastTime) / 1000;
    if (dt >= 0.05) {
      const inst = (this.bytes - this.lastBytes) / dt;
      this.rate = this.rate === 0 ? inst : this.rate * 0.7 + inst * 0.3;
      this.lastBytes = this.bytes;
      this.lastTime = now;
    }
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

  flush(now = performance.now()): void {
    this.lastEmit = now;
    this.emit(this.snapshot(now));
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.start) / 1000;
  }
}
