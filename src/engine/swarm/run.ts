/**
 * One swarm download's scheduling loop, from the moment the receiver knows what is missing: the orchestrator
 * of the steps. The model is built (run-model.ts), the executor's lanes start (executor.ts), then the loop:
 * reports in, edges observed, tick, dispatches out, reconciliation (reconcile.ts), the end game (endgame.ts);
 * beside it liveness probes and failover bookkeeping; after it pre-positioning and the summary (run-after.ts).
 * See docs/SWARM.md.
 */
import { throwIfCancelled } from '../core/cancel.ts';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { EventBus } from '../core/event-bus.ts';
import type { Manifest } from '../model/manifest.ts';
import { ChunkStatus, CpuBackend, Scheduler, type SchedEvent } from '../sched/index.ts';
import type { TransferEvent } from '../transfer/transfer-events.ts';
import type { ChunkPuller, PullContext } from '../transfer/puller.ts';
import type { ReceiveResult } from '../transfer/receive.ts';
import type { SwarmEdgeSnapshot, SwarmEvent } from './swarm-events.ts';
import type { SwarmEdge } from './edge.ts';
import { EndGame } from './endgame.ts';
import { openLanes } from './executor.ts';
import { FailoverClock } from './failover-clock.ts';
import { Notifier } from './notifier.ts';
import { readPower } from './peer-power.ts';
import { PrepositionLedger } from './preposition.ts';
import { Reconciler } from './reconcile.ts';
import type { EdgeRegistry } from './registry.ts';
import { prepositionAfter, summarize, type AfterRun, type Prepositioned } from './run-after.ts';
import { buildModel } from './run-model.ts';
import type { SwarmFetchOptions, SwarmFetchResult } from './swarm-types.ts';

const PROBE_EVERY_MS = 200;

/** Step 4 of the receiver (transfer/puller.ts): the scheduler drives the pull across every edge. */
export class SwarmRun implements ChunkPuller {
  private readonly sched: Scheduler;
  private readonly bus = new EventBus<SchedEvent>();
  private readonly kick = new Notifier();
  /** Completions and failures reported by the lanes since the last tick (scheduler chunk numbers). */
  private readonly done: number[] = [];
  private readonly failed: number[] = [];
  private need: readonly number[] = [];
  private ctx: PullContext | undefined;
  private readonly reconciler: Reconciler;
  private readonly endgame: EndGame;
  private readonly t0 = performance.now();
  private lastSnapshot = 0;
  private failovers = 0;
  private readonly failoverClock = new FailoverClock();
  private meanSize = 0;
  private finished = false;
  private prepositionHits = 0;
  /** (peer, chunk) pairs this download needed that an earlier pre-positioning put on a peer of this swarm. */
  private prepositionCandidates = 0;
  private probes: Promise<void>[] = [];
  private readonly ledger: PrepositionLedger;
  private duplicateBytes = 0;
  private readonly ticks = { count: 0, totalMs: 0, maxMs: 0 };

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
    this.home = home;
    this.sched = new Scheduler({
      backend: new CpuBackend(),
      config: {
        policy: o.policy ?? 'balanced',
        tickHz: o.tickHz ?? 20,
        maxStallMs: 60_000,
        deadlineGraceMs: 5000,
        deadlineSlack: 4,
        maxRetries: 16,
        // Two failures of a chunk on one peer before that peer is no longer asked for it: a peer wrongly
        // taken for dead (a late probe on a loaded machine) must not lose its chunks for good.
        maxFailuresPerEdge: 2,
        // Balancing as work stealing: an edge with more than one round of work queued (beyond its in-flight
        // slots) gives pending chunks to edges below half a round when they would finish them sooner.
        balance: { overloadThreshold: 1, underloadThreshold: 0.5 },
      },
      events: this.bus,
    });
    this.ledger = new PrepositionLedger(home);
    this.endgame = new EndGame(this.sched, edges);
    this.reconciler = new Reconciler(
      this.sched,
      edges,
      { triggers: o.triggers, evaluator: o.evaluator, maxParallel: o.perPeerParallel ?? 256 },
      (e) => this.emit(e),
      sid,
    );
    this.bus.on((ev) => {
      if (ev.type === 'sched.failover') {
        this.failovers++;
        this.emit({
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

  async pull(ctx: PullContext): Promise<void> {
    this.ctx = ctx;
    this.need = ctx.need;
    const { bytes, meanSize } = buildModel(this.sched, this.edges, this.m, this.need, this.o, this.registry);
    this.meanSize = meanSize;
    this.emit({
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
    this.notePrepositioned();
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

  /** Which needed chunks an earlier pre-positioning put on these peers (for the hit rate). */
  private notePrepositioned(): void {
    for (const edge of this.edges) {
      const ids = this.ledger.idsOf(edge.peer);
      if (ids.size === 0) continue;
      edge.prepositioned = ids;
      for (const c of this.need) if (ids.has(this.m.chunkId(c))) this.prepositionCandidates++;
    }
  }

  private startEdge(edge: SwarmEdge, lanes = edge.source!.lanes): void {
    void openLanes(edge, lanes, 16, {
      chunkId: (i) => this.m.chunkId(this.need[i]),
      rawSize: (i) => this.m.chunkRawSize(this.need[i]),
      isDone: (i) => this.sched.model.status[i] === ChunkStatus.DONE || this.ctx!.isDone(this.need[i]),
      deliver: (i, data, wire, e) => this.deliver(i, data, wire, e),
      reject: (i, e, reason, badReply) => this.reject(i, e, reason, badReply),
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

  /** A verified chunk from edge e: written (or dropped when an end-game copy lost the race). */
  private deliver(i: number, data: Uint8Array, wire: number, e: SwarmEdge): void | Promise<void> {
    if (this.ctx!.isDone(this.need[i])) {
      e.health.success();
      this.duplicateBytes += data.length;
      return;
    }
    const wait = this.ctx!.write(this.need[i], data, wire, e.peer);
    e.received(data.length);
    if (e.prepositioned && e.prepositioned.has(this.m.chunkId(this.need[i]))) this.prepositionHits++;
    this.done.push(i);
    this.kick.notify();
    return wait; // the receiver's writer is full: the lane waits before its next reply
  }

  private reject(i: number, e: SwarmEdge, reason: string, badReply: boolean): void {
    e.failures++;
    e.health.failure();
    // Only the edge the scheduler assigned may fail the chunk (an end-game copy elsewhere may not).
    if (this.sched.model.assigned[i] === e.e && this.sched.model.status[i] === ChunkStatus.IN_FLIGHT)
      this.failed.push(i);
    // A reply that failed its check counts as the plain pull's do (the receiver's tally and event); a broken lane is only told.
    if (badReply) this.ctx!.reject(this.need[i], e.peer, reason);
    else this.emit({ type: 'transfer.chunk-rejected', session: this.sid, chunk: this.need[i], source: e.peer, reason });
    this.kick.notify();
  }

  /** Liveness and RTT: a `status` request every PROBE_EVERY_MS on the control stream. */
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

  private goOffline(edge: SwarmEdge, reason: string): void {
    if (edge.state === 'offline') return;
    const now = performance.now();
    edge.state = 'offline';
    edge.lastError = reason;
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
    const model = this.sched.model;
    while (model.unfinished > 0) {
      throwIfCancelled(this.o.signal);
      for (const i of this.done.splice(0)) this.sched.markDone(i);
      for (const i of this.failed.splice(0)) this.sched.markFailed(i);
      this.observeEdges(performance.now());
      await this.tickOnce();
      if (model.unfinished === 0) break;
      if (this.done.length === 0 && this.failed.length === 0) await this.kick.wait(this.sched.tickIntervalMs);
      else await new Promise((r2) => setImmediate(r2));
    }
    this.failoverClock.close(performance.now());
    this.finished = true;
  }

  /** Before a tick: each edge's liveness and state, its estimators, its power flags in the model. */
  private observeEdges(now: number): void {
    const model = this.sched.model;
    const offlineAfter = this.o.offlineAfterMs ?? 1000;
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
  }

  /** One tick, then reconciliation, the dispatches queued on their edges, the end game and the snapshot. */
  private async tickOnce(): Promise<void> {
    const model = this.sched.model;
    const tt = performance.now();
    const r = await this.sched.tick();
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
    this.endgame.step();
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
      this.emit({ type: 'swarm.edges', session: this.sid, t: this.t(), edges: this.snapshots() });
    }
  }

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

  private afterRun(): AfterRun {
    return {
      home: this.home,
      o: this.o,
      m: this.m,
      need: this.need,
      edges: this.edges,
      sid: this.sid,
      contentId: this.contentId,
      ledger: this.ledger,
      probes: this.probes,
      emit: (e) => this.emit(e),
      t: () => this.t(),
    };
  }

  /** Pre-positioning once the download is done (every link otherwise idle): run-after.ts. */
  preposition(target: string, treePath: string | undefined): Promise<Prepositioned> {
    this.finished = true;
    return prepositionAfter(this.afterRun(), target, treePath);
  }

  finish(seconds: number, pre: Prepositioned): Omit<SwarmFetchResult, keyof ReceiveResult | 'session' | 'contentId'> {
    this.finished = true;
    return summarize(
      this.afterRun(),
      this.registry,
      seconds,
      {
        failovers: this.failovers,
        reopts: this.reconciler.reopts,
        failoverLatencyMs: this.failoverClock.results,
        ticks: this.ticks,
        endgame: { copies: this.endgame.copiesRequested, wastedBytes: this.duplicateBytes },
        driftDetected: this.reconciler.driftEdges(),
        prepositionHitRate: this.hitRate(),
        edges: this.snapshots(),
      },
      pre,
    );
  }
}

const round = (x: number): number => Math.round(x * 10) / 10;
