/**
 * A deterministic simulator: N edges with bandwidth / RTT / health traces and failures, C chunks with
 * replicas, the scheduler's tick loop run in virtual time. Same seed, same report (the CPU and WebGPU backends
 * give identical k-best, so the backend does not change it either). Tests use it; `warp sim` prints it; the UI
 * will animate it.
 */
import { EventBus } from '../../core/event-bus.ts';
import type { SchedBackend } from '../backend.ts';
import type { SchedulerConfigInput } from '../config.ts';
import { ChunkStatus, NO_EDGE } from '../constants.ts';
import type { SchedEvent } from '../sched-events.ts';
import type { ReoptRequest } from '../phases/reopt.ts';
import { Scheduler, type TickResult } from '../scheduler.ts';
import { Prng } from './prng.ts';
import { EdgeTrace, type SimEdgeSpec } from './traces.ts';

export interface SimSpec {
  seed?: number;
  edges: readonly SimEdgeSpec[];
  chunks: number;
  replicas: number;
  /** Chunk sizes uniform in [min, max] bytes. */
  chunkSize?: readonly [number, number];
  /** Share of chunks whose replicas include edge 0 (skew toward one popular source); default uniform. */
  preferEdge0?: number;
  priorities?: number;
  config?: SchedulerConfigInput;
  backend: SchedBackend;
  /** Virtual start (epoch ms); default Monday 2026-01-05 00:00 UTC so time windows are reproducible. */
  startEpochMs?: number;
  /** Stop (incomplete) after this much virtual time. */
  maxVirtualMs?: number;
  reopt?: readonly { atMs: number; request: ReoptRequest }[];
  /** Called after every tick (progress bars, the UI). */
  onTick?: (r: TickResult, sim: SimProgress) => void;
}

export interface SimProgress {
  virtualMs: number;
  done: number;
  total: number;
}

export interface SimEdgeReport {
  edge: number;
  chunks: number;
  bytes: number;
  /** Busy stream-time / (max parallel × run time). */
  utilisation: number;
  failures: number;
}

export interface SimReport {
  seed: number;
  backend: string;
  /** Every chunk is done or failed permanently (see `done` and `permanentFailures`). */
  completed: boolean;
  completionMs: number;
  ticks: number;
  chunks: number;
  bytes: number;
  done: number;
  permanentFailures: number;
  failovers: number;
  failuresDetected: number;
  /** Failed chunks that were not on a new edge (or permanently failed) at the end of their detection tick. */
  failoversLate: number;
  balanceMoves: number;
  reoptMoves: number;
  reoptsRequested: number;
  fullTicks: number;
  incrementalTicks: number;
  meanTickMs: number;
  edges: SimEdgeReport[];
}

interface Transfer {
  chunk: number;
  edge: number;
  start: number;
  end: number;
  deadline: number;
  fails: boolean;
}

export const SIM_EPOCH = Date.UTC(2026, 0, 5);

export async function runSimulation(spec: SimSpec): Promise<SimReport> {
  const seed = spec.seed ?? 1;
  const rng = new Prng(seed);
  const events = new EventBus<SchedEvent>();
  const sched = new Scheduler({
    backend: spec.backend,
    config: spec.config,
    events,
    modelOptions: { chunkCapacity: spec.chunks + 1, edgeCapacity: spec.edges.length },
  });
  const m = sched.model;
  const traces = spec.edges.map((e, i) => new EdgeTrace(e, seed * 7919 + i));
  for (const t of traces) m.addEdge(t.specAt(0));
  addChunks(spec, m.edgeCount, rng, (size, edges, prio) => m.addChunk(size, edges, prio));

  const start = spec.startEpochMs ?? SIM_EPOCH;
  const tickMs = sched.tickIntervalMs;
  const maxMs = spec.maxVirtualMs ?? 3_600_000;
  const transfers: Transfer[] = [];
  const perEdge = spec.edges.map((_, edge) => ({ edge, chunks: 0, bytes: 0, busyMs: 0, failures: 0 }));
  const reopts = [...(spec.reopt ?? [])].sort((a, b) => a.atMs - b.atMs);
  let failedThisTick: number[] = [];
  events.on((ev) => {
    if (ev.type === 'sched.failover') failedThisTick.push(ev.chunk);
  });
  const report = emptyReport(seed, spec.backend.description.label, m.chunkCount);
  let tickMsSum = 0;
  let t = 0;
  for (; t <= maxMs; t += tickMs) {
    const now = start + t;
    updateEdges(m, traces, transfers, t);
    report.bytes += settleTransfers(sched, traces, transfers, perEdge, t);
    while (reopts.length > 0 && reopts[0].atMs <= t) {
      sched.requestReopt(reopts.shift()!.request);
      report.reoptsRequested++;
    }
    if (m.unfinished === 0) break;

    failedThisTick = [];
    const r = await sched.tick({ now });
    report.ticks++;
    tickMsSum += r.timings.totalMs;
    if (r.mode === 'full') report.fullTicks++;
    else if (r.mode === 'incremental') report.incrementalTicks++;
    report.failovers += r.failovers;
    report.failuresDetected += r.failuresDetected;
    report.permanentFailures += r.permanentFailures;
    report.balanceMoves += r.balanceMoves;
    report.reoptMoves += r.reoptMoves;
    // Failover is same-tick: every failed chunk must be on a new edge (pending or already dispatched) now.
    for (const c of failedThisTick) {
      const s = m.status[c];
      if (!(
        (s === ChunkStatus.PENDING && m.assigned[c] !== NO_EDGE) ||
        s === ChunkStatus.IN_FLIGHT ||
        s === ChunkStatus.DONE
      ))
        report.failoversLate++;
    }
    for (const d of r.dispatched) {
      const truth = traces[d.edge].specAt(t);
      const per = truth.bandwidth / Math.max(1, m.maxParallel[d.edge]);
      const duration = (m.size[d.chunk] / per + truth.rtt) * 1000;
      transfers.push({
        chunk: d.chunk,
        edge: d.edge,
        start: t,
        end: t + duration,
        deadline: d.deadline,
        fails: rng.next() < traces[d.edge].failureRate,
      });
    }
    spec.onTick?.(r, { virtualMs: t, done: m.statusCounts[ChunkStatus.DONE], total: m.chunkCount });
  }
  report.completionMs = Math.min(t, maxMs);
  report.done = m.statusCounts[ChunkStatus.DONE];
  report.completed = m.unfinished === 0;
  report.meanTickMs = report.ticks > 0 ? tickMsSum / report.ticks : 0;
  const runMs = Math.max(1, report.completionMs);
  report.edges = perEdge.map((p) => ({
    edge: p.edge,
    chunks: p.chunks,
    bytes: p.bytes,
    failures: p.failures,
    utilisation: p.busyMs / (Math.max(1, m.maxParallel[p.edge]) * runMs),
  }));
  return report;
}

function emptyReport(seed: number, backend: string, chunks: number): SimReport {
  return {
    seed,
    backend,
    completed: false,
    completionMs: 0,
    ticks: 0,
    chunks,
    bytes: 0,
    done: 0,
    permanentFailures: 0,
    failovers: 0,
    failuresDetected: 0,
    failoversLate: 0,
    balanceMoves: 0,
    reoptMoves: 0,
    reoptsRequested: 0,
    fullTicks: 0,
    incrementalTicks: 0,
    meanTickMs: 0,
    edges: [],
  };
}

/** Edge traces: estimates the swarm would report (only changed values are written, keeping ticks incremental). */
function updateEdges(
  m: Scheduler['model'],
  traces: readonly EdgeTrace[],
  transfers: readonly Transfer[],
  t: number,
): void {
  for (let e = 0; e < traces.length; e++) {
    const s = traces[e].specAt(t);
    const running = countRunning(transfers, e);
    if (
      m.bandwidth[e] !== s.bandwidth ||
      m.rtt[e] !== s.rtt ||
      m.isEdgeUnavailable(e) !== s.unavailable ||
      m.queueDepth[e] !== running
    ) {
      m.updateEdge(e, { ...s, queueDepth: running });
    }
  }
}

/**
 * Transfers that ended by virtual time t: success or reported failure. Those the scheduler gave up on are
 * dropped. Returns the bytes delivered.
 */
function settleTransfers(
  sched: Scheduler,
  traces: readonly EdgeTrace[],
  transfers: Transfer[],
  perEdge: { busyMs: number; chunks: number; bytes: number; failures: number }[],
  t: number,
): number {
  const m = sched.model;
  let bytes = 0;
  for (let i = transfers.length - 1; i >= 0; i--) {
    const tr = transfers[i];
    const live =
      m.status[tr.chunk] === ChunkStatus.IN_FLIGHT &&
      m.assigned[tr.chunk] === tr.edge &&
      m.deadline[tr.chunk] === tr.deadline;
    if (!live) {
      perEdge[tr.edge].busyMs += Math.max(0, Math.min(t, tr.end) - tr.start);
      transfers.splice(i, 1);
      continue;
    }
    if (tr.end > t) continue;
    if (traces[tr.edge].unavailableAt(t)) continue; // the edge died: the transfer never finishes
    perEdge[tr.edge].busyMs += tr.end - tr.start;
    transfers.splice(i, 1);
    if (tr.fails) {
      sched.markFailed(tr.chunk);
      perEdge[tr.edge].failures++;
    } else {
      sched.markDone(tr.chunk);
      perEdge[tr.edge].chunks++;
      perEdge[tr.edge].bytes += m.size[tr.chunk];
      bytes += m.size[tr.chunk];
    }
  }
  return bytes;
}

function countRunning(transfers: readonly Transfer[], e: number): number {
  let n = 0;
  for (const t of transfers) if (t.edge === e) n++;
  return n;
}

function addChunks(
  spec: SimSpec,
  E: number,
  rng: Prng,
  add: (size: number, edges: number[], prio: number) => void,
): void {
  const [minSize, maxSize] = spec.chunkSize ?? [256 * 1024, 4 * 1024 * 1024];
  const R = Math.min(spec.replicas, E);
  const scratch = new Uint32Array(E);
  for (let c = 0; c < spec.chunks; c++) {
    let edges = rng.distinct(E, R, scratch);
    if (spec.preferEdge0 !== undefined && E > 1 && !edges.includes(0) && rng.next() < spec.preferEdge0)
      edges = [0, ...edges.slice(0, R - 1)];
    add(rng.int(minSize, maxSize), edges, spec.priorities ? rng.int(0, spec.priorities - 1) : 0);
  }
}
