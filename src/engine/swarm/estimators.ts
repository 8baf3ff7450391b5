/**
 * Per-edge estimators fed by real measurements:
 *  - BandwidthEma: bytes per second from completed chunks, sampled over short windows while the edge had work
 *    in flight (an idle edge says nothing about its capacity);
 *  - RttEstimator: smoothed RTT and variance as in RFC 6298 (alpha 1/8, beta 1/4, RTO = SRTT + 4 RTTVAR);
 *  - HealthScore: 0..1 from the recent success rate, uptime and response time.
 */

export class BandwidthEma {
  /** Bytes per second; undefined until the first sample. */
  value: number | undefined;
  samples = 0;
  private readonly alpha: number;
  private windowBytes = 0;
  private windowStart: number | undefined;
  private busyMs = 0;
  private lastBusyAt: number | undefined;
  /** The last window's rate (the "actual" the drift detector compares with). */
  lastRate: number | undefined;

  constructor(alpha = 0.3) {
    this.alpha = alpha;
  }

  /** Seeds the estimate (e.g. from the registry), without counting as a sample. */
  seed(bytesPerSecond: number): void {
    this.value ??= bytesPerSecond;
  }

  /** Bytes of a verified chunk arrived at `now` (ms). */
  add(bytes: number): void {
    this.windowBytes += bytes;
  }

  /**
   * Called each tick with whether the edge had requests outstanding: busy time accumulates, and a window
   * of at least `windowMs` busy time closes into a sample. Returns the sample when one closed.
   */
  tick(now: number, busy: boolean, windowMs = 250): number | undefined {
    if (this.windowStart === undefined) {
      this.windowStart = now;
      this.lastBusyAt = busy ? now : undefined;
      return undefined;
    }
    if (this.lastBusyAt !== undefined) this.busyMs += now - this.lastBusyAt;
    this.lastBusyAt = busy ? now : undefined;
    if (this.busyMs < windowMs) {
      // An idle window carries no capacity information: forget its bytes once it is long.
      if (!busy && now - this.windowStart > 4 * windowMs && this.busyMs === 0) {
        this.windowBytes = 0;
        this.windowStart = now;
      }
      return undefined;
    }
    const rate = (this.windowBytes * 1000) / this.busyMs;
    this.windowBytes = 0;
    this.busyMs = 0;
    this.windowStart = now;
    this.update(rate);
    return rate;
  }

  update(rate: number): void {
    this.lastRate = rate;
    this.value =
      this.value === undefined || this.samples === 0 ? rate : this.alpha * rate + (1 - this.alpha) * this.value;
    this.samples++;
  }
}

export class RttEstimator {
  srttMs: number | undefined;
  rttVarMs = 0;
  samples = 0;
  static readonly ALPHA = 1 / 8;
  static readonly BETA = 1 / 4;
  static readonly MIN_RTO_MS = 200;
  static readonly MAX_RTO_MS = 60_000;

  sample(rttMs: number): void {
    if (!(rttMs >= 0)) return;
    if (this.srttMs === undefined) {
      this.srttMs = rttMs;
      this.rttVarMs = rttMs / 2;
    } else {
      this.rttVarMs = (1 - RttEstimator.BETA) * this.rttVarMs + RttEstimator.BETA * Math.abs(this.srttMs - rttMs);
      this.srttMs = (1 - RttEstimator.ALPHA) * this.srttMs + RttEstimator.ALPHA * rttMs;
    }
    this.samples++;
  }

  /** Retransmission timeout (ms): how long an unanswered probe may take before the peer counts as late. */
  get rtoMs(): number {
    if (this.srttMs === undefined) return 1000;
    return Math.min(RttEstimator.MAX_RTO_MS, Math.max(RttEstimator.MIN_RTO_MS, this.srttMs + 4 * this.rttVarMs));
  }
}

export class HealthScore {
  /** EMA of 1 (success) / 0 (failure) per chunk or probe. */
  successEma = 1;
  private upMs = 0;
  private downMs = 0;
  private last: number | undefined;
  private up = true;
  private readonly alpha: number;

  constructor(alpha = 0.1) {
    this.alpha = alpha;
  }

  success(): void {
    this.successEma += this.alpha * (1 - this.successEma);
  }
  failure(): void {
    this.successEma += this.alpha * (0 - this.successEma);
  }

  /** Marks the edge up or down from `now` on (uptime counts time in each state). */
  setUp(up: boolean, now: number): void {
    this.account(now);
    this.up = up;
  }

  private account(now: number): void {
    if (this.last !== undefined) {
      if (this.up) this.upMs += now - this.last;
      else this.downMs += now - this.last;
    }
    this.last = now;
  }

  uptime(now: number): number {
    this.account(now);
    const t = this.upMs + this.downMs;
    return t > 0 ? this.upMs / t : this.up ? 1 : 0;
  }

  /**
   * 0..1: half success rate, a quarter uptime, a quarter response time (1 at 0 ms, 0.5 at `refRttMs`).
   * A peer that is down scores 0.
   */
  score(now: number, srttMs: number | undefined, refRttMs = 100): number {
    if (!this.up) return 0;
    const resp = srttMs === undefined ? 1 : 1 / (1 + srttMs / refRttMs);
    return Math.max(0, Math.min(1, 0.5 * this.successEma + 0.25 * this.uptime(now) + 0.25 * resp));
  }
}
