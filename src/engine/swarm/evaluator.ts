/**
 * The re-optimisation evaluator: turns triggers into a decision — none, partial (the chunks of a few edges) or
 * full (every pending chunk) — with a cooldown per level, so a noisy link does not thrash the schedule.
 * Failover already handles an edge that left and constraint exclusion handles a window that closed: both are
 * "none" here. The caller applies a decision through Scheduler.requestReopt.
 */
import type { Trigger } from './triggers.ts';

export interface ReoptDecision {
  level: 'none' | 'partial' | 'full';
  reason: string;
  /** For partial: the edges whose pending chunks are reconsidered. */
  edges: number[];
}

export interface EvaluatorConfig {
  partialCooldownMs: number;
  fullCooldownMs: number;
}

export const DEFAULT_EVALUATOR: EvaluatorConfig = { partialCooldownMs: 1000, fullCooldownMs: 3000 };

/** Triggers that call for a full re-optimisation (see decide). */
function wantsFull(t: Trigger): boolean {
  if (t.kind === 'edge-left' || t.kind === 'window-closed' || t.kind === 'edge-degraded') return false;
  return !(t.kind === 'drift' && t.edge >= 0 && (t.drift ?? 1) > 0);
}

export class ReoptEvaluator {
  private lastPartial = -Infinity;
  private lastFull = -Infinity;
  private readonly cfg: EvaluatorConfig;
  /** Triggers held back by a cooldown: decided on as soon as it ends. */
  private deferred: Trigger[] = [];

  constructor(cfg: Partial<EvaluatorConfig> = {}) {
    this.cfg = { ...DEFAULT_EVALUATOR, ...cfg };
  }

  /**
   * Call every tick with that tick's new triggers (often none). Returns undefined when there is nothing new
   * to say; a "none" for cooldown is returned once, and the held-back triggers are decided when it ends.
   */
  evaluate(fresh: readonly Trigger[], now: number): ReoptDecision | undefined {
    const triggers = [...this.deferred, ...fresh];
    this.deferred = [];
    if (triggers.length === 0) return undefined;
    const d = this.decide(triggers, now);
    if (d.level === 'none' && d.reason.startsWith('cooldown')) {
      this.deferred = triggers.filter((t) => t.kind !== 'edge-left' && t.kind !== 'window-closed');
      return fresh.length > 0 ? d : undefined;
    }
    // A partial decision while a full one is cooling down: the triggers that want the full one stay held.
    if (d.level === 'partial') this.deferred = triggers.filter((t) => wantsFull(t));
    return d;
  }

  private decide(triggers: readonly Trigger[], now: number): ReoptDecision {
    let full: Trigger | undefined;
    const partialEdges = new Set<number>();
    const partialWhy: string[] = [];
    for (const t of triggers) {
      switch (t.kind) {
        case 'edge-left':
        case 'window-closed':
          break; // failover / constraint exclusion move those chunks already
        case 'edge-degraded':
          partialEdges.add(t.edge);
          partialWhy.push(t.kind);
          break;
        case 'drift':
          // A slower edge: move its own chunks. A faster edge or whole-transfer drift: everything is reconsidered.
          if (t.edge >= 0 && (t.drift ?? 1) > 0) {
            partialEdges.add(t.edge);
            partialWhy.push(`drift on edge ${t.edge}`);
          } else full ??= t;
          break;
        default:
          full ??= t; // joined, recovered, window opened, imbalance, stale schedule
      }
    }
    const fullReady = now - this.lastFull >= this.cfg.fullCooldownMs;
    const partialReady = now - this.lastPartial >= this.cfg.partialCooldownMs;
    if (full && fullReady) {
      this.lastFull = now;
      this.lastPartial = now;
      return { level: 'full', reason: full.kind === 'drift' ? 'drift' : full.kind, edges: [] };
    }
    if (partialEdges.size > 0 && partialReady) {
      this.lastPartial = now;
      return { level: 'partial', reason: partialWhy.join(', '), edges: [...partialEdges].sort((a, b) => a - b) };
    }
    if (full || partialEdges.size > 0)
      return { level: 'none', reason: `cooldown (${[...new Set(triggers.map((t) => t.kind))].join(', ')})`, edges: [] };
    return { level: 'none', reason: triggers.map((t) => t.kind).join(', '), edges: [] };
  }
}
