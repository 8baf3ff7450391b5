/**
 * Named weight policies. cost = multiplier × Σ weight × factor over five factors (see cost.ts). Policies only
 * choose weights; constraints (time windows, budgets, battery) act through the per-edge multiplier.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';

export interface CostWeights {
  /** (size / bandwidth + rtt) / maxAcceptableTime */
  transfer: number;
  /** (queue depth / max parallel)² */
  queue: number;
  /** 1 − health */
  health: number;
  /** 1 when the edge is metered */
  money: number;
  /** 1 when the edge runs on a low battery */
  power: number;
}

export const POLICY_NAMES = ['performance', 'balanced', 'eco', 'cost-conscious', 'quiet', 'custom'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export const POLICIES: Readonly<Record<Exclude<PolicyName, 'custom'>, Readonly<CostWeights>>> = {
  // Fastest completion: time dominates, health still matters because failures cost time.
  performance: { transfer: 1, queue: 0.5, health: 0.5, money: 0, power: 0 },
  balanced: { transfer: 1, queue: 0.5, health: 0.5, money: 0.5, power: 0.5 },
  // Spare batteries and busy machines, accept slower transfers.
  eco: { transfer: 0.5, queue: 0.5, health: 0.25, money: 0.25, power: 2 },
  // Metered links are expensive; prefer free ones even when slower.
  'cost-conscious': { transfer: 0.5, queue: 0.25, health: 0.5, money: 3, power: 0.25 },
  // Spread load so no source is saturated (quiet fans, quiet links).
  quiet: { transfer: 0.4, queue: 2, health: 0.5, money: 0.25, power: 0.5 },
};

/** Resolves a policy name (and, for 'custom', the given weights) to weights, validating them. */
export function resolveWeights(policy: PolicyName, custom?: Partial<CostWeights>): CostWeights {
  if (policy === 'custom') {
    const w = { ...POLICIES.balanced, ...custom };
    for (const [name, v] of Object.entries(w)) {
      if (!(v >= 0) || !Number.isFinite(v))
        throw new WarpError(ErrorCodes.USAGE, `custom weight '${name}' must be a finite number >= 0`);
    }
    return w;
  }
  const w = POLICIES[policy];
  if (!w)
    throw new WarpError(ErrorCodes.USAGE, `unknown policy '${String(policy)}'; use one of ${POLICY_NAMES.join(', ')}`);
  return { ...w };
}
