/**
 * Auto-reconciliation while a swarm download runs, a few times a second:
 *  - drift: each edge's measured rate against the rate its schedule assumed, and the whole transfer's;
 *  - eligibility (windows, budgets: the scheduler's constraint verdicts) and standby (metered or low-battery
 *    peers get no work while every chunk they hold has another usable source);
 *  - triggers from the changes, the evaluator's decision with cooldowns, and the decision applied: the
 *    estimates become the schedule's inputs (bandwidth, RTT, health, in-flight depth: run-model.ts pipeDepth)
 *    and Scheduler.requestReopt moves pending chunks (partial: the edges concerned; full: all).
 */
import { ChunkStatus, PAIR_EDGE_MASK, PAIR_FAIL_SHIFT, type Scheduler } from '../sched/index.ts';
import type { SwarmEvent } from './swarm-events.ts';
import { DriftDetector } from './drift.ts';
import { pipeDepth } from './run-model.ts';
import type { SwarmEdge } from './edge.ts';
import { ReoptEvaluator, type EvaluatorConfig } from './evaluator.ts';
import { TriggerGenerator, type EdgeObservation, type TriggerConfig } from './triggers.ts';

const STEP_MS = 100;

export class Reconciler {
  reopts = 0;
  private readonly sched: Scheduler;
  private readonly edges: SwarmEdge[];
  private readonly emit: (e: SwarmEvent) => void;
  private readonly sid: string;
  private readonly triggers: TriggerGenerator;
  private readonly evaluator: ReoptEvaluator;
  private readonly whole: DriftDetector;
  private readonly seenSamples: number[];
  private readonly drifted = new Set<number>();
  private t0 = 0;
  private lastStep = -Infinity;
  private plannedAt = 0;
  private active: { level: 'partial' | 'full'; reason: string } | undefined;
  private maxParallel: number;
  private wholeDrifting = false;

  constructor(
    sched: Scheduler,
    edges: SwarmEdge[],
    cfg: { triggers?: Partial<TriggerConfig>; evaluator?: Partial<EvaluatorConfig>; maxParallel?: number },
    emit: (e: SwarmEvent) => void,
    sid: string,
  ) {
    this.sched = sched;
    this.edges = edges;
    this.emit = emit;
    this.sid = sid;
    this.triggers = new TriggerGenerator(cfg.triggers);
    this.evaluator = new ReoptEvaluator(cfg.evaluator);
    this.whole = new DriftDetector();
    this.seenSamples = edges.map(() => 0);
    this.maxParallel = cfg.maxParallel ?? 256;
  }

  start(now: number, maxParallel?: number): void {
    this.t0 = now;
    this.plannedAt = now;
    if (maxParallel) this.maxParallel = maxParallel;
    for (const e of this.edges) e.parallel = this.sched.model.maxParallel[e.e];
  }

  private t(now: number): number {
    return Math.round(now - this.t0);
  }

  note(_msg: string): void {
    /* state changes surface as triggers at the next step */
  }

  driftEdges(): number[] {
    return [...this.drifted].sort((a, b) => a - b);
  }

  step(now: number, meanSize: number, avoidMetered: boolean): void {
    if (now - this.lastStep < STEP_MS) return;
    this.lastStep = now;
    const model = this.sched.model;

    // Drift per edge (one reading per new bandwidth sample) and for the whole transfer.
    let sampled = false;
    for (const edge of this.edges) {
      if (edge.bw.samples === this.seenSamples[edge.e]) continue;
      this.seenSamples[edge.e] = edge.bw.samples;
      if (edge.planned === undefined || edge.bw.lastRate === undefined || edge.state === 'offline') continue;
      const r = edge.drift.sample(edge.planned, edge.bw.lastRate);
      if (!r) continue;
      sampled = true;
      if (r.drifting) this.drifted.add(edge.e);
      this.emit({
        type: 'swarm.drift',
        session: this.sid,
        t: this.t(now),
        edge: edge.e,
        expected: Math.round(r.expected),
        actual: Math.round(r.actual),
        drift: round3(r.drift),
        drifting: r.drifting,
      });
    }
    const working = this.edges.filter(
      (e) => e.state !== 'offline' && e.eligible && !e.standby && e.planned !== undefined,
    );
    if (sampled && working.length > 0) {
      const expected = working.reduce((a, e) => a + e.planned!, 0);
      const actual = working.reduce((a, e) => a + (e.bw.lastRate ?? e.planned!), 0);
      const r = this.whole.sample(expected, actual);
      if (r) {
        this.wholeDrifting = r.drifting;
        this.emit({
          type: 'swarm.drift',
          session: this.sid,
          t: this.t(now),
          edge: -1,
          expected: Math.round(expected),
          actual: Math.round(actual),
          drift: round3(r.drift),
          drifting: r.drifting,
        });
      }
    }

    // Eligibility from the last tick's constraint verdicts; standby for metered / low-battery peers.
    for (const edge of this.edges) edge.eligible = !this.sched.constraintVerdict(edge.e).excluded;
    this.updateStandby(avoidMetered);

    const obs: EdgeObservation[] = this.edges.map((edge) => {
      const bw = model.bandwidth[edge.e];
      const queued = model.inflight[edge.e] + model.pendingAssigned[edge.e];
      return {
        edge: edge.e,
        state: edge.state,
        eligible: edge.eligible,
        drifting: edge.drift.drifting,
        drift: edge.drift.value,
        drainSeconds: bw > 0 ? (queued * meanSize) / bw : 0,
        estimate: edge.bw.value,
        planned: edge.planned,
      };
    });
    const fresh = this.triggers.observe({
      now,
      edges: obs,
      drifting: this.wholeDrifting,
      drift: this.whole.value,
      plannedAt: this.plannedAt,
    });
    for (const tr of fresh)
      this.emit({
        type: 'swarm.trigger',
        session: this.sid,
        t: this.t(now),
        kind: tr.kind,
        edge: tr.edge,
        detail: tr.detail,
      });
    const d = this.evaluator.evaluate(fresh, now);
    if (!d) return;
    if (d.level === 'none') {
      this.emit({ type: 'swarm.reopt', session: this.sid, t: this.t(now), level: 'none', reason: d.reason, moved: 0 });
      return;
    }
    this.replan(now, meanSize);
    if (this.active) {
      // A newer request replaces the running one: report what the old one moved so far.
      this.emit({
        type: 'swarm.reopt',
        session: this.sid,
        t: this.t(now),
        level: this.active.level,
        reason: `${this.active.reason} (superseded)`,
        moved: this.sched.model ? this.reoptMovedSoFar() : 0,
      });
    }
    this.active = { level: d.level, reason: d.reason };
    this.reopts++;
    this.sched.requestReopt({
      scope: d.level === 'full' ? { kind: 'all' } : { kind: 'edges', edges: d.edges },
      strategy: 'hybrid',
      minImprovement: 0.05,
    });
  }

  private reoptMovedSoFar(): number {
    return 0;
  }

  /** The scheduler finished the requested re-optimisation. */
  reoptDone(moved: number, t: number): void {
    if (!this.active) return;
    this.emit({
      type: 'swarm.reopt',
      session: this.sid,
      t,
      level: this.active.level,
      reason: this.active.reason,
      moved,
    });
    this.active = undefined;
  }

  /** The estimates become the schedule's inputs; drift starts over against them. */
  private replan(now: number, meanSize: number): void {
    const model = this.sched.model;
    for (const edge of this.edges) {
      if (edge.bw.value === undefined || edge.state === 'offline') continue;
      edge.planned = edge.bw.value;
      edge.parallel = pipeDepth(edge.bw.value, meanSize, this.maxParallel);
      model.updateEdge(edge.e, {
        bandwidth: Math.max(1, edge.bw.value),
        rtt: edge.schedRttS(edge.rtt.srttMs),
        health: edge.health.score(now, edge.rtt.srttMs),
        maxParallel: edge.standby ? 0 : edge.parallel,
      });
      edge.drift.reset();
    }
    this.whole.reset();
    this.wholeDrifting = false;
    this.triggers.replanned();
    this.plannedAt = now;
  }

  /**
   * Metered and low-battery peers stay in standby (max parallel 0: no new work) while every unfinished chunk
   * they hold has another usable source; one chunk that only they can serve wakes them.
   */
  updateStandby(avoid: boolean): void {
    const model = this.sched.model;
    const costly = (e: SwarmEdge): boolean => avoid && (e.power.metered || e.power.batteryLow);
    const usable = (e: SwarmEdge): boolean => e.state !== 'offline' && e.eligible && !costly(e);
    for (const edge of this.edges) {
      let standby = false;
      if (costly(edge) && edge.state !== 'offline') {
        standby = true;
        model.forEachChunkOnEdge(edge.e, (c) => {
          if (!standby) return;
          const s = model.status[c];
          if (s === ChunkStatus.DONE || s === ChunkStatus.FAILED_PERMANENT) return;
          let other = false;
          for (let j = model.availStart[c]; j < model.availStart[c + 1]; j++) {
            const o = this.edges[model.pairs[j] & PAIR_EDGE_MASK];
            // A holder that already failed this chunk too often is no alternative.
            if (o !== edge && usable(o) && model.pairs[j] >>> PAIR_FAIL_SHIFT < this.sched.config.maxFailuresPerEdge) {
              other = true;
              break;
            }
          }
          if (!other) standby = false;
        });
      }
      if (standby !== edge.standby || model.maxParallel[edge.e] !== (standby ? 0 : edge.parallel)) {
        edge.standby = standby;
        model.updateEdge(edge.e, { maxParallel: standby ? 0 : edge.parallel });
      }
    }
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
