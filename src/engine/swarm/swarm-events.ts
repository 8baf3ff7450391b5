/**
 * Swarm events as the daemon streams them and the renderer's routing and drift views consume them.
 * The swarm engine (src/engine/swarm) emits exactly these shapes; the CLI renders them as per-peer rates and
 * `--json` lines. Plain JSON (no typed arrays, no bigint) so they cross IPC and SSE unchanged.
 * `session` is the transfer session id (the same id as the `transfer.*` events of that download).
 */

export type EdgeState = 'online' | 'degraded' | 'offline';

/** A snapshot of one source peer, published at most a few times a second per edge. */
export interface SwarmEdgeSnapshot {
  /** Index of the edge in the scheduler model (stable for the session). */
  edge: number;
  peer: string;
  address: string;
  state: EdgeState;
  /** Bandwidth EMA from real chunk timings, bytes per second. */
  bandwidth: number;
  /** Smoothed RTT and its variance (RFC 6298 style), milliseconds. */
  srttMs: number;
  rttVarMs: number;
  /** 0..1 from recent success rate, uptime and response time. */
  health: number;
  /** Chunks currently assigned / in flight to this edge, and completed by it. */
  assigned: number;
  inFlight: number;
  completed: number;
  /** Bytes received from this edge, and its current rate (bytes per second over the last window). */
  bytes: number;
  rate: number;
  /** Flags from the peer's capabilities and the local constraints. */
  metered: boolean;
  batteryLow: boolean;
  /** False while a time window or budget excludes the edge. */
  eligible: boolean;
  /** Last cost the scheduler gave this edge for a typical chunk (lower is better). */
  cost: number;
  /** How the connection goes: direct, LAN, or relayed (through `relay`); absent while not connected. */
  path?: 'direct' | 'lan' | 'relayed';
  relay?: string;
}

export type SwarmTriggerKind =
  | 'edge-degraded'
  | 'edge-recovered'
  | 'load-imbalance'
  | 'schedule-stale'
  | 'drift'
  | 'edge-joined'
  | 'edge-left'
  | 'window-opened'
  | 'window-closed';

export type SwarmEvent =
  | {
      type: 'swarm.start';
      session: string;
      contentId: string;
      chunks: number;
      bytes: number;
      edges: SwarmEdgeSnapshot[];
    }
  | { type: 'swarm.edges'; session: string; t: number; edges: SwarmEdgeSnapshot[] }
  /** Expected versus actual throughput (bytes per second): per edge, or edge = -1 for the whole transfer. */
  | {
      type: 'swarm.drift';
      session: string;
      t: number;
      edge: number;
      expected: number;
      actual: number;
      drift: number;
      drifting: boolean;
    }
  | { type: 'swarm.trigger'; session: string; t: number; kind: SwarmTriggerKind; edge: number; detail: string }
  | {
      type: 'swarm.reopt';
      session: string;
      t: number;
      level: 'none' | 'partial' | 'full';
      reason: string;
      moved: number;
    }
  | {
      type: 'swarm.failover';
      session: string;
      t: number;
      chunk: number;
      fromEdge: number;
      toEdge: number;
      reason: string;
    }
  | {
      type: 'swarm.preposition';
      session: string;
      t: number;
      peer: string;
      chunks: number;
      bytes: number;
      reason: string;
      confidence: number;
    }
  | {
      type: 'swarm.done';
      session: string;
      seconds: number;
      bytes: number;
      perEdge: { edge: number; peer: string; bytes: number; chunks: number }[];
      failovers: number;
      reopts: number;
      prepositionHitRate: number;
    };
