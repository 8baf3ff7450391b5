/** Scheduler configuration with defaults; every field is optional for callers. */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { MAX_K } from './constants.ts';
import { resolveWeights, type CostWeights, type PolicyName } from './policies.ts';

export interface BalanceConfig {
  enabled: boolean;
  /** An edge is overloaded above this many rounds of work: (in flight + pending assigned) / max parallel. */
  overloadThreshold: number;
  /** A backup receives work only while below this many rounds. */
  underloadThreshold: number;
  maxMovesPerTick: number;
  /** Pending chunks examined per tick at most (bounds the phase's time). */
  scanLimit: number;
}

export interface DispatchConfig {
  maxPerTick: number;
  /** Token bucket: dispatches per second and the largest burst. Infinity = unlimited. */
  ratePerSecond: number;
  burst: number;
}

export interface SchedulerConfig {
  k: number;
  policy: PolicyName;
  /** Used when policy is 'custom' (missing weights fall back to 'balanced'). */
  customWeights?: Partial<CostWeights>;
  maxAcceptableTimeS: number;
  tickHz: number;
  /** Failures allowed per chunk before it fails permanently. */
  maxRetries: number;
  /** Failures of one chunk on one edge after which that edge is no longer a candidate for it. */
  maxFailuresPerEdge: number;
  /** Deadline = now + expected time × slack + grace. */
  deadlineSlack: number;
  deadlineGraceMs: number;
  /**
   * A pending chunk with no usable edge (all its sources unavailable or excluded) waits this long for one to
   * return, then fails permanently. Infinity = wait forever.
   */
  maxStallMs: number;
  /** Above this fraction of chunks to rescore, a tick recomputes everything (cheaper than gathering). */
  fullRecomputeFraction: number;
  balance: BalanceConfig;
  dispatch: DispatchConfig;
}

export type SchedulerConfigInput = Partial<Omit<SchedulerConfig, 'balance' | 'dispatch'>> & {
  balance?: Partial<BalanceConfig>;
  dispatch?: Partial<DispatchConfig>;
};

export const DEFAULT_CONFIG: SchedulerConfig = {
  k: 4,
  policy: 'balanced',
  maxAcceptableTimeS: 30,
  tickHz: 20,
  maxRetries: 8,
  maxFailuresPerEdge: 1,
  deadlineSlack: 3,
  deadlineGraceMs: 2000,
  maxStallMs: 120_000,
  fullRecomputeFraction: 0.3,
  balance: { enabled: true, overloadThreshold: 2, underloadThreshold: 1, maxMovesPerTick: 256, scanLimit: 16_384 },
  dispatch: { maxPerTick: 4096, ratePerSecond: Infinity, burst: 4096 },
};

export function resolveConfig(input: SchedulerConfigInput = {}): SchedulerConfig {
  const c: SchedulerConfig = {
    ...DEFAULT_CONFIG,
    ...input,
    balance: { ...DEFAULT_CONFIG.balance, ...input.balance },
    dispatch: { ...DEFAULT_CONFIG.dispatch, ...input.dispatch },
  };
  const bad = (what: string): never => {
    throw new WarpError(ErrorCodes.USAGE, `scheduler config: ${what}`);
  };
  if (!Number.isInteger(c.k) || c.k < 1 || c.k > MAX_K) bad(`k must be 1..${MAX_K}`);
  resolveWeights(c.policy, c.customWeights);
  if (!(c.maxAcceptableTimeS > 0)) bad('maxAcceptableTimeS must be > 0');
  if (!(c.tickHz > 0 && c.tickHz <= 1000)) bad('tickHz must be in (0, 1000]');
  if (!(Number.isInteger(c.maxRetries) && c.maxRetries >= 0 && c.maxRetries <= 254))
    bad('maxRetries must be an integer 0..254');
  if (!(Number.isInteger(c.maxFailuresPerEdge) && c.maxFailuresPerEdge >= 1 && c.maxFailuresPerEdge <= 255))
    bad('maxFailuresPerEdge must be an integer 1..255');
  if (!(c.deadlineSlack >= 1)) bad('deadlineSlack must be >= 1');
  if (!(c.deadlineGraceMs >= 0)) bad('deadlineGraceMs must be >= 0');
  if (!(c.maxStallMs >= 0)) bad('maxStallMs must be >= 0');
  if (!(c.fullRecomputeFraction >= 0 && c.fullRecomputeFraction <= 1)) bad('fullRecomputeFraction must be in [0, 1]');
  if (!(c.balance.overloadThreshold > c.balance.underloadThreshold && c.balance.underloadThreshold >= 0))
    bad('balance thresholds need overload > underload >= 0');
  if (!(c.balance.maxMovesPerTick >= 0 && c.balance.scanLimit >= 0)) bad('balance limits must be >= 0');
  if (!(c.dispatch.maxPerTick >= 0 && c.dispatch.ratePerSecond > 0 && c.dispatch.burst >= 1))
    bad('dispatch limits must be positive');
  return c;
}
