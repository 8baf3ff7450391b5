/**
 * The trigger generator: compares this tick's picture of the edges with the last one and says what changed
 * in a way that may call for re-optimisation (edge degraded / recovered / joined / left, a time window
 * opening or closing, drift, load imbalance, a stale schedule). Edge-triggered: a condition fires once when
 * it starts, not every tick while it lasts.
 */
import type { EdgeState, SwarmTriggerKind } from './swarm-events.ts';

export interface EdgeObservation {
  edge: number;
  state: EdgeState;
  eligible: boolean;
  drifting: boolean;
  /** Drift value (1 − actual/expected); its sign says slower (> 0) or faster (< 0). */
  drift: number;
  /** Seconds of work queued on the edge (pending + in flight) at its estimated bandwidth. */
  drainSeconds: number;
  /** The current bandwidth estimate and the one the schedule was made with (bytes per second). */
  estimate: number | undefined;
  planned: number | undefined;
}

export interface Observation {
  now: number;
  edges: EdgeObservation[];
  /** Whole-transfer drift. */
  drifting: boolean;
  drift: number;
  /** When the schedule was last refreshed (ms). */
  plannedAt: number;
}

export interface Trigger {
  kind: SwarmTriggerKind;
  edge: number;
  detail: string;
  /** For drift: > 0 slower than planned, < 0 faster. */
  drift?: number;
}

export interface TriggerConfig {
  /** Max / min drain time across working edges above this ratio is an imbalance. */
  imbalanceRatio: number;
  /** ... and only when the longest drain is at least this long (seconds). */
  imbalanceMinSeconds: number;
  /** The schedule is stale after this long when an estimate moved by more than `staleChange`. */
  staleMs: number;
  staleChange: number;
}

export const DEFAULT_TRIGGERS: TriggerConfig = {
  imbalanceRatio: 3,
  imbalanceMinSeconds: 0.5,
  staleMs: 2000,
  staleChange: 0.25,
};

export class TriggerGenerator {
  private prev = new Map<number, EdgeObservation>();
  private prevDrifting = false;
  private imbalanced = false;
  private stale = false;
  private primed = false;
  private readonly cfg: TriggerConfig;

  constructor(cfg: Partial<TriggerConfig> = {}) {
    this.cfg = { ...DEFAULT_TRIGGERS, ...cfg };
  }

  observe(o: Observation): Trigger[] {
    const out: Trigger[] = [];
    for (const e of o.edges) {
      const p = this.prev.get(e.edge);
      if (!p) {
        // The first observation is the baseline the schedule was made from: nothing "joined" yet.
        if (this.primed && e.state !== 'offline')
          out.push({ kind: 'edge-joined', edge: e.edge, detail: `edge ${e.edge} joined (${e.state})` });
      } else {
        if (p.state !== e.state) {
          if (e.state === 'offline')
            out.push({ kind: 'edge-left', edge: e.edge, detail: `edge ${e.edge} went offline` });
          else if (p.state === 'offline')
            out.push({ kind: 'edge-joined', edge: e.edge, detail: `edge ${e.edge} is back (${e.state})` });
          else if (e.state === 'degraded')
            out.push({ kind: 'edge-degraded', edge: e.edge, detail: `edge ${e.edge} degraded` });
          else out.push({ kind: 'edge-recovered', edge: e.edge, detail: `edge ${e.edge} recovered` });
        }
        if (p.eligible !== e.eligible)
          out.push({
            kind: e.eligible ? 'window-opened' : 'window-closed',
            edge: e.edge,
            detail: `edge ${e.edge} ${e.eligible ? 'became eligible' : 'is excluded'} by its window or budget`,
          });
      }
      if (e.drifting && !(p?.drifting ?? false)) {
        out.push({
          kind: 'drift',
          edge: e.edge,
          drift: e.drift,
          detail: `edge ${e.edge} runs ${Math.round(Math.abs(e.drift) * 100)}% ${e.drift > 0 ? 'slower' : 'faster'} than planned`,
        });
      }
      this.prev.set(e.edge, e);
    }
    if (o.drifting && !this.prevDrifting)
      out.push({
        kind: 'drift',
        edge: -1,
        drift: o.drift,
        detail: `the transfer runs ${Math.round(Math.abs(o.drift) * 100)}% ${o.drift > 0 ? 'slower' : 'faster'} than planned`,
      });
    this.prevDrifting = o.drifting;

    const working = o.edges.filter((e) => e.state !== 'offline' && e.eligible && e.estimate !== undefined);
    if (working.length >= 2) {
      const drains = working.map((e) => e.drainSeconds);
      const max = Math.max(...drains);
      const min = Math.min(...drains);
      const now = max >= this.cfg.imbalanceMinSeconds && max > this.cfg.imbalanceRatio * Math.max(min, 0.05);
      if (now && !this.imbalanced) {
        const e = working[drains.indexOf(max)].edge;
        out.push({
          kind: 'load-imbalance',
          edge: e,
          detail: `edge ${e} has ${max.toFixed(1)} s of work queued, another ${min.toFixed(1)} s`,
        });
      }
      this.imbalanced = now;
    }

    const moved = working.find(
      (e) =>
        e.planned !== undefined &&
        e.estimate !== undefined &&
        Math.abs(e.estimate - e.planned) > this.cfg.staleChange * e.planned,
    );
    const unplanned = working.find((e) => e.planned === undefined);
    // A first measurement the schedule does not use yet makes it stale at once; later changes after staleMs.
    const staleNow = unplanned !== undefined || (o.now - o.plannedAt >= this.cfg.staleMs && moved !== undefined);
    if (staleNow && !this.stale) {
      const e = (moved ?? unplanned)!;
      out.push({
        kind: 'schedule-stale',
        edge: e.edge,
        detail:
          e.planned === undefined
            ? `edge ${e.edge} has a measured rate the schedule does not use yet`
            : `edge ${e.edge} estimate moved from ${Math.round(e.planned)} to ${Math.round(e.estimate!)} B/s`,
      });
    }
    this.stale = staleNow;
    this.primed = true;
    return out;
  }

  /** After a re-plan: the stale condition starts over. */
  replanned(): void {
    this.stale = false;
    this.imbalanced = false;
  }
}
