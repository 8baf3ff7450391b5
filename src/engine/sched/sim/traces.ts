/**
 * Edge behaviour over virtual time: a deterministic bandwidth / RTT random walk (piecewise constant per
 * second, so estimates do not change every tick), health, outages, and a per-transfer failure rate.
 */
import type { EdgeSpec } from '../model.ts';
import { Prng } from './prng.ts';

export interface SimEdgeSpec {
  bandwidth: number;
  rtt: number;
  health?: number;
  maxParallel?: number;
  metered?: boolean;
  batteryLow?: boolean;
  /** Relative amplitude of the bandwidth walk (0 = constant). */
  jitter?: number;
  /** Outages: [from, to) in virtual ms since the start; `to` absent = never comes back. */
  outages?: readonly { from: number; to?: number }[];
  /** Probability that one transfer fails (reported by the driver). */
  failureRate?: number;
}

const STEP_MS = 1000;

export class EdgeTrace {
  readonly spec: SimEdgeSpec;
  readonly failureRate: number;
  private readonly factors: number[] = [1];
  private readonly rng: Prng;

  constructor(spec: SimEdgeSpec, seed: number) {
    this.spec = spec;
    this.failureRate = spec.failureRate ?? 0;
    this.rng = new Prng(seed);
  }

  unavailableAt(t: number): boolean {
    for (const o of this.spec.outages ?? []) if (t >= o.from && (o.to === undefined || t < o.to)) return true;
    return false;
  }

  specAt(t: number): EdgeSpec & { bandwidth: number; rtt: number; unavailable: boolean } {
    const f = this.factor(Math.floor(t / STEP_MS));
    return {
      bandwidth: Math.max(1, Math.round(this.spec.bandwidth * f)),
      rtt: this.spec.rtt,
      health: this.spec.health ?? 1,
      maxParallel: this.spec.maxParallel ?? 4,
      metered: this.spec.metered ?? false,
      batteryLow: this.spec.batteryLow ?? false,
      unavailable: this.unavailableAt(t),
    };
  }

  private factor(step: number): number {
    const jitter = this.spec.jitter ?? 0;
    if (jitter === 0) return 1;
    // Extend the walk lazily; the factor stays within [1 - jitter, 1 + jitter].
    while (this.factors.length <= step) {
      const prev = this.factors[this.factors.length - 1];
      const next = prev + (this.rng.next() - 0.5) * jitter;
      this.factors.push(Math.min(1 + jitter, Math.max(Math.max(0.05, 1 - jitter), next)));
    }
    return this.factors[step];
  }
}
