/**
 * One swarm download's scheduling loop, from the moment the receiver knows what is missing: the scheduler
 * model (an edge per peer, the missing chunks with their holders), the loop (reports in, edges observed,
 * tick, dispatches out, reconciliation), liveness probes, failover bookkeeping, the end game, pre-positioning
 * and the summary (see docs/SWARM.md).
 */
import { throwIfCancelled } from '../core/cancel.ts';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { EventBus } from '../core/event-bus.ts';
import type { Manifest } from '../model/manifest.ts';
import { ChunkStatus, CpuBackend, NO_EDGE, Scheduler, type SchedEvent } from '../sched/index.ts';
import type { TransferEvent } from '../transfer/transfer-events.ts';
import type { ChunkPuller, PullContext } from '../transfer/puller.ts';
import type { ReceiveResult } from '../transfer/receive.ts';
import type { SwarmEdgeSnapshot, SwarmEvent } from './swarm-events.ts';
import type { SwarmEdge } from './edge.ts';
import { TokenBucket } from './token-bucket.ts';
import { openLanes } from './executor.ts';
import { FailoverClock } from './failover-clock.ts';
import { Notifier } from './notifier.ts';
import { readPower } from './peer-power.ts';
import { AccessLog, predictRefetch, type Prediction } from './predict.ts';
import {
  DEFAULT_PREPOSITION,
  PrepositionLedger,
  chunkPlaces,
  executePreposition,
  planPreposition,
  type PrepositionResult,
} from './preposition.ts';
import { Reconciler } from './reconcile.ts';
import type { EdgeRegistry } from './registry.ts';
import type { SwarmFetchOptions, SwarmFetchResult } from './swarm-types.ts';

export const DEFAULT_SEED_BW = 8e6;
const PROBE_EVERY_MS = 200;

/** Step 4 of the receiver (transfer/puller.ts): the scheduler drives the pull across every edge. */
export class SwarmRun implements ChunkPuller {
  private readonly sched: Scheduler;
  private readonly bus = new EventBus<SchedEvent>();
  private readonly kick = new Notifier();
  private readonly done: number[] = [];
  private readonly failed: number[] = [];
  private need: readonly number[] = [];
  private ctx: PullContext | undefined;
  private readonly reconciler: Reconciler;
  private readonly t0 = performance.now();
  private lastSnapshot = 0;
  private failovers = 0;
  private readonly failoverClock = new FailoverClock();
  /** Per dead edge: when its death was detected and which chunks it held (in flight or pending). */
  private meanSize = 0;

  private readonly o: SwarmFetchOptions;
  private readonly edges: SwarmEdge[];
  private readonly m: Manifest;
  private readonly sid: string;
  private readonly contentId: string;
  private readonly registry: EdgeRegistry;
  private readonly emit: (e: SwarmEvent | TransferEvent) => void;

  private readonly home: string;

  constructor(
    home: string,
    o: SwarmFetchOptions,
    edges: SwarmEdge[],
    m: Manifest,
    sid: string,
    contentId: string,
    registry: EdgeRegistry,
    emit: (e: SwarmEvent | TransferEvent) => void,
  ) {
    this.o = o;
    this.edges = edges;
    this.m = m;
    this.sid = sid;
    this.contentId = contentId;
    this.registry = registry;
    this.emit = emit;
    this.sched = new Scheduler({
      backend: new CpuBackend(),
      // Balancing as work stealing: an edge with more than one round of work queued (beyond its in-flight
      // slots) gives pending chunks to edges below half a round when they would finish them sooner.
      config: {
        // Two failures of a chunk on one peer before that peer is no longer asked for it: a peer wrongly
        // taken for dead (a late probe on a loaded machine) must not lose its chunks for good.
        policy: o.policy ?? 'balanced',
        tickHz: o.tickHz ?? 20,
        maxStallMs: 60_000,
        deadlineGraceMs: 5000,
        deadlineSlack: 4,
        maxRetries: 16,
        maxFailuresPerEdge: 2,
        balance: { overloadThreshold: 1, underloadThreshold: 0.5 },
      },
      events: this.bus,
    });
    this.home = home;
    this.ledger = new PrepositionLedger(home);
    this.reconciler = new Reconciler(
      this.sched,
      edges,
      { triggers: o.triggers, evaluator: o.evaluator, maxParallel: o.perPeerParallel ?? 256 },
      (e) => this.emitSwarm(e),
      sid,
    );
    this.bus.on((ev) => {
      if (ev.type === 'sched.failover') {
        this.failovers++;
        this.emitSwarm({
          type: 'swarm.failover',
          session: sid,
          t: this.t(),
          chunk: this.need[ev.chunk],
          fromEdge: ev.from,
          toEdge: ev.to,
          reason: ev.reason,
        });
      } else if (ev.type === 'sched.reopt-done') this.reconciler.reoptDone(ev.moved, this.t());
    });
  }

  private t(): number {
    return Math.round(performance.now() - this.t0);
  }

  private emitSwarm(e: SwarmEvent): void {
    this.emit(e);
  }

  async pull(ctx: PullContext): Promise<void> {
    this.ctx = ctx;
    this.need = ctx.need;
    const m = this.m;
    const sched = this.sched;
    const model = sched.model;
    const par = this.o.perPeerParallel ?? 256;
    let needBytes = 0;
    for (const c of this.need) needBytes += m.chunkRawSize(c);
    const mean = needBytes / Math.max(1, this.need.length);
    for (const edge of this.edges) {
      const rec = this.registry.get(edge.peer);
      const bw = edge.bw.value ?? DEFAULT_SEED_BW;
      model.addEdge({
        bandwidth: bw,
        rtt: edge.schedRttS(rec?.srttMs),
        health: 1,
        maxParallel: Math.max(4, Math.min(par, Math.round((bw * 0.3) / Math.max(1, mean)))),
        metered: edge.power.metered,
        batteryLow: edge.power.batteryLow,
        unavailable: edge.state === 'offline' || !edge.source,
      });
      const rules = this.o.constraints?.[edge.peer] ?? this.o.constraints?.[edge.address];
      if (rules) {
        sched.setEdgeConstraints(edge.e, rules);
        sched.setEdgeEnvironment(edge.e, {
          batteryPercent: edge.power.batteryPercent,
          pluggedIn: edge.power.pluggedIn,
          bytesThisMonth: this.o.bytesThisMonth?.[edge.peer] ?? this.o.bytesThisMonth?.[edge.address] ?? 0,
        });
      }
    }
    // Availability from the `have` answers.
    const sizes = new Uint32Array(this.need.length);
    const start = new Uint32Array(this.need.length + 1);
    const reps: number[] = [];
    let orphaned = 0;
    let bytes = 0;
    this.need.forEach((c, i) => {
      sizes[i] = m.chunkRawSize(c);
      bytes += sizes[i];
      start[i] = reps.length;
      for (const edge of this.edges) if (edge.holds && edge.holds[c >> 3] & (1 << (c & 7))) reps.push(edge.e);
      if (reps.length === start[i]) orphaned++;
    });
    start[this.need.length] = reps.length;
    if (orphaned > 0)
      throw new WarpError(
        ErrorCodes.CHUNK_UNAVAILABLE,
        `${orphaned} of the ${this.need.length} missing chunks are held by no reachable source; the download cannot complete`,
      );
    model.addChunks({ sizes, replicaStart: start, replicaEdges: reps });
    this.meanSize = bytes / Math.max(1, this.need.length);

    this.emitSwarm({
      type: 'swarm.start',
      session: this.sid,
      contentId: this.contentId,
      chunks: this.need.length,
      bytes,
      edges: this.snapshots(),
    });
    this.reconciler.start(performance.now());
    this.reconciler.updateStandby(this.o.avoidMetered ?? true);

    for (const edge of this.edges) {
      edge.resetRate(performance.now()); // the display rate counts from here, not from the dial
      if (edge.state !== 'offline' && edge.source) this.startEdge(edge);
    }
    for (const edge of this.edges) {
      const ids = this.ledger.idsOf(edge.peer);
      if (ids.size === 0) continue;
      edge.prepositioned = ids;
      for (const c of this.need) if (ids.has(m.chunkId(c))) this.prepositionCandidates++;
    }
    this.probes = this.edges.filter((e) => e.link).map((e) => this.probeLoop(e));
    try {
      await this.loop();
    } finally {
      for (const e of this.edges) {
        e.generation++;
        e.wake.notify();
      }
    }
  }

  private startEdge(edge: SwarmEdge, lanes = edge.source!.lanes): void {
    void openLanes(edge, lanes, 16, {
      chunkId: (i) => this.m.chunkId(this.need[i]),
      rawSize: (i) => this.m.chunkRawSize(this.need[i]),
      isDone: (i) => this.sched.model.status[i] === ChunkStatus.DONE || this.ctx!.isDone(this.need[i]),
      deliver: (i, data, wire, e) => {
        if (this.ctx!.isDone(this.need[i])) {
          e.health.success();
          this.duplicateBytes += data.length;
          return;
        } // an end-game copy lost the race
        const wait = this.ctx!.write(this.need[i], data, wire, e.peer);
        e.received(data.length);
        if (e.prepositioned && e.prepositioned.has(this.m.chunkId(this.need[i]))) this.prepositionHits++;
        this.done.push(i);
        this.kick.notify();
        return wait; // the receiver's writer is full: the lane waits before its next reply
      },
      reject: (i, e, reason, badReply) => {
        e.failures++;
        e.health.failure();
        // Only the edge the scheduler assigned may fail the chunk (an end-game copy elsewhere may not).
        if (this.sched.model.assigned[i] === e.e && this.sched.model.status[i] === ChunkStatus.IN_FLIGHT)
          this.failed.push(i);
        // A reply that failed its check counts as the plain pull's do (the receiver's tally and event); a broken lane is only told.
        if (badReply) this.ctx!.reject(this.need[i], e.peer, reason);
        else
          this.emit({
            type: 'transfer.chunk-rejected',
            session: this.sid,
            chunk: this.need[i],
            source: e.peer,
            reason,
          });
        this.kick.notify();
      },
      laneFailed: (e, err) => {
        if (e.link?.conn.status !== 'open') {
          this.goOffline(e, `connection lost: ${(err as Error)?.message ?? err}`);
          return;
        }
        // One stream broke on a live connection: open a replacement shortly (its chunks were failed over).
        const gen = e.generation;
        setTimeout(() => {
          if (!this.finished && e.generation === gen && e.state !== 'offline' && e.lanesOpen < e.source!.lanes)
            this.startEdge(e, 1);
        }, 200).unref();
      },
    });
  }

  /** Liveness and RTT: a `status` request every 250 ms on the control stream. */
  private async probeLoop(edge: SwarmEdge): Promise<void> {
    const ctl = edge.link!.ctl;
    let n = 0;
    while (this.sched.model.unfinished > 0 && !this.finished) {
      const sent = performance.now();
      edge.probeSince = sent;
      try {
        await ctl.write({ t: 'status', n: n++ });
        const f = await ctl.expect('a status answer', 'status');
        const now = performance.now();
        edge.probeSince = undefined;
        edge.lastSeen = now;
        edge.rtt.sample(now - sent);
        edge.power = readPower(f.h.power);
        if (edge.state === 'offline' && !this.finished) this.comeBack(edge);
      } catch {
        if (!this.finished) this.goOffline(edge, 'the control stream failed');
        return;
      }
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
  }

  private finished = false;

  private goOffline(edge: SwarmEdge, reason: string): void {
    if (edge.state === 'offline') return;
    const now = performance.now();
    edge.state = 'offline';
    edge.generation++;
    edge.queue.length = 0;
    edge.outstanding = 0;
    edge.health.setUp(false, now);
    edge.wake.notify();
    const model = this.sched.model;
    const chunks = new Set<number>();
    model.forEachChunkOnEdge(edge.e, (c) => {
      if (
        model.assigned[c] === edge.e &&
        (model.status[c] === ChunkStatus.IN_FLIGHT || model.status[c] === ChunkStatus.PENDING)
      )
        chunks.add(c);
    });
    model.updateEdge(edge.e, { unavailable: true });
    this.failoverClock.orphaned(edge.e, chunks, now);
    this.reconciler.note(`edge ${edge.e} offline: ${reason}`);
    this.kick.notify();
  }

  private comeBack(edge: SwarmEdge): void {
    edge.state = 'online';
    edge.health.setUp(true, performance.now());
    this.sched.model.updateEdge(edge.e, { unavailable: false });
    if (edge.source) this.startEdge(edge);
    this.kick.notify();
  }

  private async loop(): Promise<void> {
    const sched = this.sched;
    const model = sched.model;
    const interval = sched.tickIntervalMs;
    const offlineAfter = this.o.offlineAfterMs ?? 1000;
    while (model.unfinished > 0) {
      throwIfCancelled(this.o.signal);
      for (const i of this.done.splice(0)) sched.markDone(i);
      for (const i of this.failed.splice(0)) sched.markFailed(i);
      const now = performance.now();
      for (const edge of this.edges) {
        if (edge.state !== 'offline') {
          if (edge.link && edge.link.conn.status !== 'open') this.goOffline(edge, 'connection closed');
          // At least twice the RTO: on a starved machine probes are late without the peer being gone.
          else if (edge.probeSince !== undefined && now - edge.probeSince > Math.max(offlineAfter, 2 * edge.rtt.rtoMs))
            this.goOffline(edge, `no answer for ${Math.round(now - edge.probeSince)} ms`);
          else {
            const late = edge.probeSince !== undefined && now - edge.probeSince > edge.rtt.rtoMs;
            const h = edge.health.score(now, edge.rtt.srttMs);
            edge.state = late || h < 0.5 ? 'degraded' : 'online';
          }
        }
        const busy = edge.outstanding > 0 || edge.queue.length > 0;
        edge.bw.tick(now, busy && edge.state !== 'offline');
        edge.updateRate(now);
        const flags = { metered: edge.power.metered, batteryLow: edge.power.batteryLow };
        if (
          (model.flags[edge.e] & 1) !== (flags.metered ? 1 : 0) ||
          (model.flags[edge.e] & 2) !== (flags.batteryLow ? 2 : 0)
        )
          model.updateEdge(edge.e, flags);
      }
      const tt = performance.now();
      const r = await sched.tick();
      const tickMs = performance.now() - tt;
      this.ticks.count++;
      this.ticks.totalMs += tickMs;
      this.ticks.maxMs = Math.max(this.ticks.maxMs, tickMs);
      this.o.onTick?.({ totalMs: tickMs });
      // After the tick: constraint verdicts and exclusions are this tick's; decisions apply at the next one.
      this.reconciler.step(performance.now(), this.meanSize, this.o.avoidMetered ?? true);
      const tNow = performance.now();
      this.failoverClock.afterTick(model, tNow);
      for (const d of r.dispatched) {
        this.edges[d.edge].queue.push(d.chunk);
        this.failoverClock.dispatched(d.chunk, tNow);
      }
      this.endgame();
      for (const edge of this.edges) if (edge.queue.length > 0) edge.wake.notify();
      if (r.permanentFailures > 0)
        throw new WarpError(
          ErrorCodes.CHUNK_UNAVAILABLE,
          `${r.permanentFailures} chunks failed on every source that holds them; the download stopped (run it again to resume)`,
        );
      for (const edge of this.edges)
        edge.lastCost =
          edge.state === 'offline'
            ? Infinity
            : round(this.sched.params.a[edge.e] * this.meanSize + this.sched.params.b[edge.e]);
      if (tNow - this.lastSnapshot >= 250) {
        this.lastSnapshot = tNow;
        this.emitSwarm({ type: 'swarm.edges', session: this.sid, t: this.t(), edges: this.snapshots() });
      }
      if (model.unfinished === 0) break;
      if (this.done.length === 0 && this.failed.length === 0) await this.kick.wait(interval);
      else await new Promise((r2) => setImmediate(r2));
    }
    this.failoverClock.close(performance.now());
    this.finished = true;
  }

  /**
   * End game: once the work left fits in about two rounds of every working edge's slots, an edge with free
   * slots also requests chunks still queued or in flight on busier edges that it holds. The first verified
   * copy wins and the scheduler sees one completion (a queued chunk is simply taken; an in-flight one costs
   * a duplicate). This trims the tail where the last chunks wait on one edge's pipeline.
   */
  private endgame(): void {
    const model = this.sched.model;
    const left = model.statusCounts[ChunkStatus.PENDING] + model.statusCounts[ChunkStatus.IN_FLIGHT];
    if (left === 0) return;
    const working = this.edges.filter((e) => e.state !== 'offline' && e.eligible && !e.standby && e.source);
    const slots = working.reduce((a, e) => a + model.maxParallel[e.e], 0);
    if (left > 2 * slots) return;
    const load = (e: number): number => model.pendingAssigned[e] + model.inflight[e];
    for (const idle of working) {
      if (model.pendingAssigned[idle.e] > 0 || this.sched.params.excluded[idle.e] !== 0) continue;
      let free = model.maxParallel[idle.e] - model.inflight[idle.e] - idle.queue.length - this.copiesOn(idle.e);
      if (free <= 0) continue;
      // One pass over the chunks this edge holds: queued ones elsewhere first (no duplicate), then in-flight
      // ones, each from the busiest edges first.
      const queued: number[] = [];
      const flying: number[] = [];
      model.forEachChunkOnEdge(idle.e, (c) => {
        const a = model.assigned[c];
        if (a === idle.e || a === NO_EDGE || this.copies.has(c) || model.pairFailures(model.pairIndex(c, idle.e)) > 0)
          return;
        if (model.status[c] === ChunkStatus.PENDING) queued.push(c);
        else if (model.status[c] === ChunkStatus.IN_FLIGHT) flying.push(c);
      });
      const byLoad = (x: number, y: number): number => load(model.assigned[y]) - load(model.assigned[x]) || x - y;
      for (const c of [...queued.sort(byLoad), ...flying.sort(byLoad)]) {
        if (free <= 0) break;
        this.copies.set(c, idle.e);
        idle.queue.push(c);
        this.endgameCopies++;
        free--;
      }
    }
  }

  private copiesOn(e: number): number {
    let n = 0;
    for (const [c, on] of this.copies) if (on === e && this.sched.model.status[c] !== ChunkStatus.DONE) n++;
    return n;
  }

  private readonly copies = new Map<number, number>();
  private prepositionHits = 0;
  private readonly ticks = { count: 0, totalMs: 0, maxMs: 0 };
  /** (peer, chunk) pairs this download needed that an earlier pre-positioning put on a peer of this swarm. */
  private prepositionCandidates = 0;
  private probes: Promise<void>[] = [];
  private readonly ledger: PrepositionLedger;
  private endgameCopies = 0;
  private duplicateBytes = 0;

  /** Of the chunks this download needed that pre-positioning had put on a peer here, the share served from there. */
  private hitRate(): number {
    return this.prepositionCandidates > 0
      ? Math.round((this.prepositionHits / this.prepositionCandidates) * 1000) / 1000
      : 0;
  }

  snapshots(): SwarmEdgeSnapshot[] {
    const model = this.sched.model;
    return this.edges.map((edge) => {
      const known = edge.e < model.edgeCount;
      const s = edge.snapshot(
        known ? model.pendingAssigned[edge.e] + model.inflight[edge.e] : 0,
        known ? model.inflight[edge.e] : 0,
      );
      s.cost = Number.isFinite(edge.lastCost) ? edge.lastCost : -1;
      return s;
    });
  }

  /**
   * Pre-positioning once the download is done (every link otherwise idle): log the access, predict, plan
   * where the gain is real, move within the limits (predict.ts, preposition.ts).
   */
  async preposition(
    target: string,
    treePath: string | undefined,
  ): Promise<{ prediction: Prediction; moves: PrepositionResult[] }> {
    this.finished = true;
    const log = new AccessLog(this.home);
    const now = Date.now();
    log.add({ contentId: this.contentId, path: treePath, at: now });
    const key = (c: number): string => Buffer.from(this.m.chunkId(c)).toString('hex', 0, 8);
    const hotShare = log.countChunks(this.need.map(key));
    log.save();
    const prediction = predictRefetch(log.records, this.contentId, treePath, now, hotShare);
    const moves: PrepositionResult[] = [];
    const o = this.o.preposition;
    if (o === false || prediction.confidence < (o?.minConfidence ?? DEFAULT_PREPOSITION.minConfidence))
      return { prediction, moves };
    const budgets = new Map(this.edges.map((e) => [e.e, e.prepositionBudget] as [number, number]));
    const plans = planPreposition(this.m, this.edges, budgets, DEFAULT_SEED_BW, o ?? {}, (c) => log.heat(key(c)));
    if (plans.length === 0) return { prediction, moves };
    // The control streams must be quiet: wait for the liveness probes to stop (bounded).
    await Promise.race([Promise.all(this.probes), new Promise((r) => setTimeout(r, 2000))]);
    const places = chunkPlaces(this.m, target);
    const bucket = new TokenBucket(o?.rate ?? DEFAULT_PREPOSITION.rate);
    for (const plan of plans) {
      try {
        const r = await executePreposition(plan, this.m, places, bucket);
        moves.push(r);
        if (r.chunks > 0) {
          this.ledger.add(
            plan.edge.peer,
            plan.chunks.map((c) => this.m.chunkId(c)),
          );
          this.emitSwarm({
            type: 'swarm.preposition',
            session: this.sid,
            t: this.t(),
            peer: plan.edge.peer,
            chunks: r.chunks,
            bytes: r.bytes,
            reason: `${prediction.reason}; next download about ${Math.round(plan.gain * 100)} % faster`,
            confidence: round(prediction.confidence),
          });
        }
      } catch {
        // A peer that refuses or fails a pre-positioning move is recorded as refused; the next plan skips it.
        moves.push({ peer: plan.edge.peer, edge: plan.edge.e, chunks: 0, bytes: 0, refused: true });
      }
    }
    this.ledger.save();
    return { prediction, moves };
  }

  finish(
    seconds: number,
    pre: { prediction: Prediction; moves: PrepositionResult[] },
  ): Omit<SwarmFetchResult, keyof ReceiveResult | 'session' | 'contentId'> {
    this.finished = true;
    const edges = this.snapshots();
    const nowIso = new Date().toISOString();
    for (const edge of this.edges) {
      this.registry.update(edge.peer, {
        address: edge.address,
        state: edge.state,
        ...(edge.lastSeen !== undefined ? { lastSeen: nowIso } : {}),
        ...(edge.bw.value !== undefined ? { bandwidth: Math.round(edge.bw.value) } : {}),
        ...(edge.rtt.srttMs !== undefined ? { srttMs: edge.rtt.srttMs, rttVarMs: edge.rtt.rttVarMs } : {}),
        health: edge.health.score(performance.now(), edge.rtt.srttMs),
        metered: edge.power.metered,
        batteryLow: edge.power.batteryLow,
        sessions: (this.registry.get(edge.peer)?.sessions ?? 0) + 1,
      });
    }
    this.registry.save();
    const perEdge = this.edges.map((e) => ({
      edge: e.e,
      peer: e.peer,
      address: e.address,
      bytes: e.bytes,
      chunks: e.completed,
      state: e.state,
    }));
    const reopts = this.reconciler.reopts;
    this.emitSwarm({
      type: 'swarm.done',
      session: this.sid,
      seconds,
      bytes: perEdge.reduce((a, b) => a + b.bytes, 0),
      perEdge: perEdge.map(({ edge, peer, bytes, chunks }) => ({ edge, peer, bytes, chunks })),
      failovers: this.failovers,
      reopts,
      prepositionHitRate: this.hitRate(),
    });
    return {
      perEdge,
      failovers: this.failovers,
      reopts,
      failoverLatencyMs: this.failoverClock.results,
      ticks: { count: this.ticks.count, totalMs: round(this.ticks.totalMs), maxMs: round(this.ticks.maxMs) },
      endgame: { copies: this.endgameCopies, wastedBytes: this.duplicateBytes },
      driftDetected: this.reconciler.driftEdges(),
      prepositionHitRate: this.hitRate(),
      preposition: { confidence: round(pre.prediction.confidence), reason: pre.prediction.reason, moves: pre.moves },
      edges,
    };
  }
}

const round = (x: number): number => Math.round(x * 10) / 10;
