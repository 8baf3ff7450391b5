/**
 * "What would the scheduler do?": runs the engine's deterministic simulator (src/engine/sched/sim) on the
 * renderer's backend, seeded from the live swarm's edge estimates (or a sample set when no swarm runs).
 * Predicts completion time and each peer's share; the Routing page compares it with what really happened.
 */
import {
  runSimulation,
  type BackendPreference,
  type PolicyName,
  type SimEdgeSpec,
  type SimReport,
} from '../../engine/sched/index.ts';
import type { SwarmEdgeSnapshot } from '../../shared/events.ts';
import { schedulerBackend } from './runtime.ts';

export interface PlanInput {
  edges: {
    peer: string;
    bandwidth: number;
    rttMs: number;
    health: number;
    metered: boolean;
    batteryLow: boolean;
    offline: boolean;
  }[];
  chunks: number;
  /** Average chunk size in bytes. */
  chunkBytes: number;
  replicas: number;
  policy: Exclude<PolicyName, 'custom'>;
  seed: number;
  /** Which backend runs it: the page's (auto) or a forced one. */
  backend?: BackendPreference;
}

export interface PlanResult {
  report: SimReport;
  /** [virtual seconds, fraction done] per tick, for the progress curve. */
  curve: [number, number][];
  wallMs: number;
  backend: string;
}

/** Up to this many chunks, so a plan takes well under a second on the main thread even on the CPU backend. */
export const MAX_PLAN_CHUNKS = 4096;

export function planFromSnapshot(
  edges: readonly SwarmEdgeSnapshot[],
  chunks: number,
  bytes: number,
): Omit<PlanInput, 'policy' | 'seed'> {
  const n = Math.max(1, Math.min(MAX_PLAN_CHUNKS, chunks));
  return {
    edges: edges.map((e) => ({
      peer: e.peer,
      bandwidth: Math.max(1, e.bandwidth || e.rate || 1),
      rttMs: e.srttMs,
      health: e.health,
      metered: e.metered,
      batteryLow: e.batteryLow,
      offline: e.state === 'offline',
    })),
    chunks: n,
    chunkBytes: chunks > 0 ? Math.max(1024, Math.round(bytes / chunks)) : 1 << 20,
    replicas: Math.max(1, edges.length),
  };
}

export const SAMPLE_EDGES: PlanInput['edges'] = [
  {
    peer: 'laptop (LAN)',
    bandwidth: 110 * 2 ** 20,
    rttMs: 2,
    health: 1,
    metered: false,
    batteryLow: false,
    offline: false,
  },
  {
    peer: 'nas (LAN, busy)',
    bandwidth: 45 * 2 ** 20,
    rttMs: 6,
    health: 0.9,
    metered: false,
    batteryLow: false,
    offline: false,
  },
  {
    peer: 'office (WAN)',
    bandwidth: 12 * 2 ** 20,
    rttMs: 38,
    health: 0.95,
    metered: false,
    batteryLow: false,
    offline: false,
  },
  {
    peer: 'phone (LTE)',
    bandwidth: 4 * 2 ** 20,
    rttMs: 70,
    health: 0.8,
    metered: true,
    batteryLow: true,
    offline: false,
  },
];

export async function runPlan(input: PlanInput): Promise<PlanResult> {
  const backend = await schedulerBackend(input.backend ?? 'auto');
  const edges: SimEdgeSpec[] = input.edges.map((e) => ({
    bandwidth: e.bandwidth,
    rtt: e.rttMs / 1000,
    health: e.health,
    metered: e.metered,
    batteryLow: e.batteryLow,
    jitter: 0.15,
    failureRate: (1 - e.health) * 0.05,
    outages: e.offline ? [{ from: 0 }] : undefined,
  }));
  const curve: [number, number][] = [];
  const size = input.chunkBytes;
  const t0 = performance.now();
  const report = await runSimulation({
    seed: input.seed,
    edges,
    chunks: input.chunks,
    replicas: Math.min(input.replicas, edges.length),
    chunkSize: [Math.max(1, Math.round(size * 0.5)), Math.round(size * 1.5)],
    backend,
    config: { policy: input.policy },
    maxVirtualMs: 6 * 3600_000,
    onTick: (_r, p) => {
      curve.push([p.virtualMs / 1000, p.total > 0 ? p.done / p.total : 0]);
    },
  });
  return { report, curve, wallMs: performance.now() - t0, backend: backend.description.label };
}
