/** Options and result of a swarm download (swarmFetch). */
import type { EdgeConstraints, PolicyName } from '../sched/index.ts';
import type { TransferEvent } from '../transfer/transfer-events.ts';
import type { ReceiveResult } from '../transfer/receive.ts';
import type { SwarmEdgeSnapshot, SwarmEvent } from './swarm-events.ts';
import type { DriftConfig } from './drift.ts';
import type { EvaluatorConfig } from './evaluator.ts';
import type { PrepositionOptions, PrepositionResult } from './preposition.ts';
import type { TriggerConfig } from './triggers.ts';

export interface SwarmFetchOptions {
  /** Peer addresses (`<peer-id>@host:port`, multiaddrs). */
  sources: string[];
  /** The path on the peers; or give contentId. */
  remotePath?: string;
  /** 64-hex content id of the tree (its manifest's BLAKE3). */
  contentId?: string;
  /** The tree lands inside this directory. */
  dest: string;
  policy?: PolicyName;
  /** Per-peer windows and budgets, keyed by peer id or by the address as given. */
  constraints?: Record<string, EdgeConstraints>;
  /** Bytes already used this month per peer (budgets), keyed like constraints. */
  bytesThisMonth?: Record<string, number>;
  /** Most chunks in flight per peer (default 256; the actual depth is about 0.3 s of the peer's bandwidth, at least 2 s of it up to 1 MiB). */
  perPeerParallel?: number;
  /**
   * Chunk streams per peer (at most the negotiated streams; default 2: on loopback 1-2 streams per peer beat 4-8,
   * the fetcher's CPU being the limit with several peers, and two keep a peer busy while one waits).
   */
  lanesPerPeer?: number;
  tickHz?: number;
  /** Hold metered and low-battery peers back while others can serve (default true). */
  avoidMetered?: boolean;
  /** A peer that has not answered a probe for this long is offline (ms; default 1000, probes every 200 ms). */
  offlineAfterMs?: number;
  drift?: Partial<DriftConfig>;
  triggers?: Partial<TriggerConfig>;
  evaluator?: Partial<EvaluatorConfig>;
  /** Predictive pre-positioning after the download (false: never). */
  preposition?: PrepositionOptions | false;
  signal?: AbortSignal;
  onEvent?: (e: SwarmEvent | TransferEvent) => void;
  /** Each scheduler tick's duration (the daemon's /metrics `warp_sched_tick_seconds`). */
  onTick?: (t: { totalMs: number }) => void;
}

export interface SwarmFetchResult extends ReceiveResult {
  session: string;
  contentId: string;
  perEdge: { edge: number; peer: string; address: string; bytes: number; chunks: number; state: string }[];
  failovers: number;
  reopts: number;
  /**
   * Per peer death: ms from detection to its chunks all being assigned to other edges (reassignedMs), to the
   * first of them dispatched elsewhere (firstMs), and to the last (allMs: waits for free slots there).
   */
  failoverLatencyMs: { edge: number; reassignedMs: number; firstMs: number; allMs: number }[];
  /** Scheduler ticks run and the time they took (ms). */
  ticks: { count: number; totalMs: number; maxMs: number };
  /** End-game copies requested and the bytes that arrived second (wasted). */
  endgame: { copies: number; wastedBytes: number };
  driftDetected: number[];
  prepositionHitRate: number;
  /** The prediction for this tree and what was pre-positioned where. */
  preposition: { confidence: number; reason: string; moves: PrepositionResult[] };
  edges: SwarmEdgeSnapshot[];
}
