/**
 * Per-edge constraints, evaluated once per tick into a cost multiplier or an exclusion (with the reasons, so a
 * UI or `warp sim` can say why an edge is not used). Hard rules exclude; soft rules multiply.
 */
import { ErrorCodes, WarpError } from '../../core/errors.ts';
import { inWindow, localTime, validateWindow, type TimeWindow } from './time-windows.ts';

export interface EdgeConstraints {
  windows?: readonly TimeWindow[];
  /** Metered data allowance per calendar month, bytes. */
  monthlyDataLimitBytes?: number;
  /** Money allowance per calendar month (any currency) and the price per GB (10^9 bytes) on this edge. */
  monthlyBudget?: number;
  pricePerGB?: number;
  /** Exclude the edge when its battery is below this percentage (and not plugged in). */
  minBatteryPercent?: number;
  pluggedInOnly?: boolean;
  /** What a device in low-power mode means for its edge: a cost multiplier (default) or exclusion. */
  lowPowerMode?: 'penalize' | 'exclude';
  /** Fraction of a monthly limit or budget from which the edge gets more expensive (default 0.8). */
  softLimitFraction?: number;
}

/** What the driver knows about the edge right now (reported by the peer or measured locally). */
export interface EdgeEnvironment {
  bytesThisMonth?: number;
  batteryPercent?: number;
  pluggedIn?: boolean;
  lowPowerMode?: boolean;
}

export interface ConstraintVerdict {
  multiplier: number;
  excluded: boolean;
  reasons: string[];
}

export const DEFAULT_WINDOW_MULTIPLIER = { preferred: 0.8, 'off-peak': 0.7, avoid: 3, required: 1 } as const;
const LOW_POWER_MULTIPLIER = 2;
const NEAR_LIMIT_MULTIPLIER = 2;

export function validateConstraints(c: EdgeConstraints): void {
  for (const w of c.windows ?? []) validateWindow(w);
  for (const [name, v] of [
    ['monthlyDataLimitBytes', c.monthlyDataLimitBytes],
    ['monthlyBudget', c.monthlyBudget],
    ['pricePerGB', c.pricePerGB],
  ] as const) {
    if (v !== undefined && !(v >= 0 && Number.isFinite(v)))
      throw new WarpError(ErrorCodes.USAGE, `${name} must be a finite number >= 0`);
  }
  if (c.minBatteryPercent !== undefined && !(c.minBatteryPercent >= 0 && c.minBatteryPercent <= 100))
    throw new WarpError(ErrorCodes.USAGE, 'minBatteryPercent must be 0..100');
  if (c.softLimitFraction !== undefined && !(c.softLimitFraction > 0 && c.softLimitFraction <= 1))
    throw new WarpError(ErrorCodes.USAGE, 'softLimitFraction must be in (0, 1]');
}

export function evaluateConstraints(c: EdgeConstraints, env: EdgeEnvironment, epochMs: number): ConstraintVerdict {
  let multiplier = 1;
  let excluded = false;
  const reasons: string[] = [];
  const soft = c.softLimitFraction ?? 0.8;

  const windows = c.windows ?? [];
  let hasRequired = false;
  let inRequired = false;
  for (const w of windows) {
    const inside = inWindow(w, localTime(epochMs, w.timeZone));
    if (w.kind === 'required') {
      hasRequired = true;
      if (inside) inRequired = true;
    } else if (inside) {
      const m = w.multiplier ?? DEFAULT_WINDOW_MULTIPLIER[w.kind];
      multiplier *= m;
      reasons.push(`${w.kind} window ${w.start}-${w.end} (×${m})`);
    }
  }
  if (hasRequired && !inRequired) {
    excluded = true;
    reasons.push('outside every required window');
  }

  const used = env.bytesThisMonth ?? 0;
  if (c.monthlyDataLimitBytes !== undefined) {
    if (used >= c.monthlyDataLimitBytes) {
      excluded = true;
      reasons.push('monthly data limit reached');
    } else if (used >= soft * c.monthlyDataLimitBytes) {
      multiplier *= NEAR_LIMIT_MULTIPLIER;
      reasons.push('near the monthly data limit');
    }
  }
  if (c.monthlyBudget !== undefined && c.pricePerGB !== undefined && c.pricePerGB > 0) {
    const spent = (used / 1e9) * c.pricePerGB;
    if (spent >= c.monthlyBudget) {
      excluded = true;
      reasons.push('monthly budget spent');
    } else if (spent >= soft * c.monthlyBudget) {
      multiplier *= NEAR_LIMIT_MULTIPLIER;
      reasons.push('near the monthly budget');
    }
  }

  const plugged = env.pluggedIn ?? true;
  if (c.pluggedInOnly && !plugged) {
    excluded = true;
    reasons.push('not plugged in');
  }
  if (
    c.minBatteryPercent !== undefined &&
    !plugged &&
    env.batteryPercent !== undefined &&
    env.batteryPercent < c.minBatteryPercent
  ) {
    excluded = true;
    reasons.push(`battery ${env.batteryPercent}% below ${c.minBatteryPercent}%`);
  }
  if (env.lowPowerMode) {
    if (c.lowPowerMode === 'exclude') {
      excluded = true;
      reasons.push('low-power mode');
    } else {
      multiplier *= LOW_POWER_MULTIPLIER;
      reasons.push(`low-power mode (×${LOW_POWER_MULTIPLIER})`);
    }
  }
  return { multiplier, excluded, reasons };
}
