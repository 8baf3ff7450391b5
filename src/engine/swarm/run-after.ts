/**
 * What a swarm download does once every chunk is written: pre-positioning while the links are otherwise idle
 * (log the access, predict, plan where the gain is real, move within the limits: predict.ts, preposition.ts),
 * then the summary (the edge registry remembers every peer's estimates; `swarm.done` and the result).
 */
import type { Manifest } from '../model/manifest.ts';
import type { ReceiveResult } from '../transfer/receive.ts';
import type { SwarmEdge } from './edge.ts';
import { AccessLog, predictRefetch, type Prediction } from './predict.ts';
import {
  DEFAULT_PREPOSITION,
  chunkPlaces,
  executePreposition,
  planPreposition,
  type PrepositionLedger,
  type PrepositionResult,
} from './preposition.ts';
import type { EdgeRegistry } from './registry.ts';
import { DEFAULT_SEED_BW } from './run-model.ts';
import type { SwarmEdgeSnapshot, SwarmEvent } from './swarm-events.ts';
import type { SwarmFetchOptions, SwarmFetchResult } from './swarm-types.ts';
import { TokenBucket } from './token-bucket.ts';

export interface AfterRun {
  home: string;
  o: SwarmFetchOptions;
  m: Manifest;
  need: readonly number[];
  edges: readonly SwarmEdge[];
  sid: string;
  contentId: string;
  ledger: PrepositionLedger;
  /** The liveness probes, which must be quiet before pre-positioning uses the control streams. */
  probes: Promise<void>[];
  emit(e: SwarmEvent): void;
  /** ms since the run started. */
  t(): number;
}

export type Prepositioned = { prediction: Prediction; moves: PrepositionResult[] };

export async function prepositionAfter(
  r: AfterRun,
  target: string,
  treePath: string | undefined,
): Promise<Prepositioned> {
  const log = new AccessLog(r.home);
  const now = Date.now();
  log.add({ contentId: r.contentId, path: treePath, at: now });
  const key = (c: number): string => Buffer.from(r.m.chunkId(c)).toString('hex', 0, 8);
  const hotShare = log.countChunks(r.need.map(key));
  log.save();
  const prediction = predictRefetch(log.records, r.contentId, treePath, now, hotShare);
  const moves: PrepositionResult[] = [];
  const o = r.o.preposition;
  if (o === false || prediction.confidence < (o?.minConfidence ?? DEFAULT_PREPOSITION.minConfidence))
    return { prediction, moves };
  const budgets = new Map(r.edges.map((e) => [e.e, e.prepositionBudget] as [number, number]));
  const plans = planPreposition(r.m, [...r.edges], budgets, DEFAULT_SEED_BW, o ?? {}, (c) => log.heat(key(c)));
  if (plans.length === 0) return { prediction, moves };
  // The control streams must be quiet: wait for the liveness probes to stop (bounded).
  await Promise.race([Promise.all(r.probes), new Promise((res) => setTimeout(res, 2000))]);
  const places = chunkPlaces(r.m, target);
  const bucket = new TokenBucket(o?.rate ?? DEFAULT_PREPOSITION.rate);
  for (const plan of plans) {
    try {
      const res = await executePreposition(plan, r.m, places, bucket);
      moves.push(res);
      if (res.chunks === 0) continue;
      r.ledger.add(
        plan.edge.peer,
        plan.chunks.map((c) => r.m.chunkId(c)),
      );
      r.emit({
        type: 'swarm.preposition',
        session: r.sid,
        t: r.t(),
        peer: plan.edge.peer,
        chunks: res.chunks,
        bytes: res.bytes,
        reason: `${prediction.reason}; next download about ${Math.round(plan.gain * 100)} % faster`,
        confidence: round(prediction.confidence),
      });
    } catch {
      // A peer that refuses or fails a pre-positioning move is recorded as refused; the next plan skips it.
      moves.push({ peer: plan.edge.peer, edge: plan.edge.e, chunks: 0, bytes: 0, refused: true });
    }
  }
  r.ledger.save();
  return { prediction, moves };
}

/** The run's own figures for the summary (SwarmRun keeps them while it runs). */
export interface RunFigures {
  failovers: number;
  reopts: number;
  failoverLatencyMs: SwarmFetchResult['failoverLatencyMs'];
  ticks: { count: number; totalMs: number; maxMs: number };
  endgame: { copies: number; wastedBytes: number };
  driftDetected: number[];
  prepositionHitRate: number;
  edges: SwarmEdgeSnapshot[];
}

/** The registry remembers every peer; `swarm.done` goes out; the swarm's part of the result. */
export function summarize(
  r: AfterRun,
  registry: EdgeRegistry,
  seconds: number,
  f: RunFigures,
  pre: Prepositioned,
): Omit<SwarmFetchResult, keyof ReceiveResult | 'session' | 'contentId'> {
  remember(r.edges, registry);
  const perEdge = r.edges.map((e) => ({
    edge: e.e,
    peer: e.peer,
    address: e.address,
    bytes: e.bytes,
    chunks: e.completed,
    state: e.state,
  }));
  r.emit({
    type: 'swarm.done',
    session: r.sid,
    seconds,
    bytes: perEdge.reduce((a, b) => a + b.bytes, 0),
    perEdge: perEdge.map(({ edge, peer, bytes, chunks }) => ({ edge, peer, bytes, chunks })),
    failovers: f.failovers,
    reopts: f.reopts,
    prepositionHitRate: f.prepositionHitRate,
  });
  return {
    perEdge,
    failovers: f.failovers,
    reopts: f.reopts,
    failoverLatencyMs: f.failoverLatencyMs,
    ticks: { count: f.ticks.count, totalMs: round(f.ticks.totalMs), maxMs: round(f.ticks.maxMs) },
    endgame: f.endgame,
    driftDetected: f.driftDetected,
    prepositionHitRate: f.prepositionHitRate,
    preposition: { confidence: round(pre.prediction.confidence), reason: pre.prediction.reason, moves: pre.moves },
    edges: f.edges,
  };
}

function remember(edges: readonly SwarmEdge[], registry: EdgeRegistry): void {
  const nowIso = new Date().toISOString();
  for (const edge of edges) {
    registry.update(edge.peer, {
      address: edge.address,
      state: edge.state,
      ...(edge.lastSeen !== undefined ? { lastSeen: nowIso } : {}),
      ...(edge.bw.value !== undefined ? { bandwidth: Math.round(edge.bw.value) } : {}),
      ...(edge.rtt.srttMs !== undefined ? { srttMs: edge.rtt.srttMs, rttVarMs: edge.rtt.rttVarMs } : {}),
      health: edge.health.score(performance.now(), edge.rtt.srttMs),
      metered: edge.power.metered,
      batteryLow: edge.power.batteryLow,
      sessions: (registry.get(edge.peer)?.sessions ?? 0) + 1,
    });
  }
  registry.save();
}

const round = (x: number): number => Math.round(x * 10) / 10;
