/**
 * Drift: how far actual throughput is from what the schedule expects, as an EMA of actual / expected per
 * edge (and for the whole transfer). drift = 1 − EMA(actual / expected): 0.5 means half as fast as planned,
 * negative means faster. An edge is drifting once it has `minSamples` samples and |drift| ≥ threshold.
 */

export interface DriftConfig {
  /** EMA weight of a new sample (the window: about 2 / alpha − 1 samples). */
  alpha: number;
  minSamples: number;
  threshold: number;
}

export const DEFAULT_DRIFT: DriftConfig = { alpha: 0.4, minSamples: 3, threshold: 0.35 };

export interface DriftReading {
  expected: number;
  actual: number;
  drift: number;
  drifting: boolean;
}

export class DriftDetector {
  private ratio: number | undefined;
  private samples = 0;
  private readonly cfg: DriftConfig;
  drifting = false;

  constructor(cfg: Partial<DriftConfig> = {}) {
    this.cfg = { ...DEFAULT_DRIFT, ...cfg };
  }

  sample(expected: number, actual: number): DriftReading | undefined {
    if (!(expected > 0) || !(actual >= 0)) return undefined;
    const r = Math.min(actual / expected, 10);
    this.ratio = this.ratio === undefined ? r : this.cfg.alpha * r + (1 - this.cfg.alpha) * this.ratio;
    this.samples++;
    const drift = 1 - this.ratio;
    this.drifting = this.samples >= this.cfg.minSamples && Math.abs(drift) >= this.cfg.threshold;
    return { expected, actual, drift, drifting: this.drifting };
  }

  get value(): number {
    return this.ratio === undefined ? 0 : 1 - this.ratio;
  }

  /** After a re-plan the expectation is new: start over. */
  reset(): void {
    this.ratio = undefined;
    this.samples = 0;
    this.drifting = false;
  }
}
