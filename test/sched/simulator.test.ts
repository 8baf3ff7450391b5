import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/engine/sched/cpu/backend.ts';
import { runSimulation } from '../../src/engine/sched/sim/simulator.ts';
import type { SimEdgeSpec } from '../../src/engine/sched/sim/traces.ts';

const MB = 1e6;

describe('simulator scenarios', () => {
  it('an edge dies mid-run: every chunk still completes, each failed chunk reassigned within its tick', async () => {
    const edges: SimEdgeSpec[] = [
      { bandwidth: 80 * MB, rtt: 0.01, maxParallel: 8, outages: [{ from: 3000 }] },
      ...Array.from({ length: 7 }, (_, i) => ({
        bandwidth: (10 + 3 * i) * MB,
        rtt: 0.02 + 0.01 * i,
        maxParallel: 4,
        jitter: 0.2,
      })),
    ];
    const r = await runSimulation({
      seed: 7,
      edges,
      chunks: 3000,
      replicas: 3,
      preferEdge0: 0.8,
      backend: new CpuBackend(),
      maxVirtualMs: 600_000,
    });
    expect(r.completed).toBe(true);
    expect(r.done).toBe(3000);
    expect(r.permanentFailures).toBe(0);
    expect(r.failuresDetected).toBeGreaterThan(0); // chunks were in flight on edge 0 when it died
    expect(r.failovers).toBe(r.failuresDetected);
    expect(r.failoversLate).toBe(0);
    expect(r.edges[0].chunks).toBeGreaterThan(0);
  });

  it('an overloaded fast edge sheds work to idle ones', async () => {
    const edges: SimEdgeSpec[] = [
      { bandwidth: 60 * MB, rtt: 0.005, maxParallel: 4 },
      ...Array.from({ length: 5 }, () => ({ bandwidth: 8 * MB, rtt: 0.03, maxParallel: 4 })),
    ];
    const base = {
      seed: 3,
      edges,
      chunks: 1500,
      replicas: 6,
      chunkSize: [1 << 20, 1 << 20] as const,
      maxVirtualMs: 600_000,
    };
    const off = await runSimulation({ ...base, backend: new CpuBackend(), config: { balance: { enabled: false } } });
    const on = await runSimulation({ ...base, backend: new CpuBackend() });
    expect(off.completed && on.completed).toBe(true);
    // Without balancing every chunk sticks to the cheapest edge; with it the idle edges take a share.
    expect(off.edges.slice(1).every((e) => e.chunks === 0)).toBe(true);
    expect(on.balanceMoves).toBeGreaterThan(0);
    expect(on.edges.slice(1).every((e) => e.chunks > 0 && e.utilisation > 0.3)).toBe(true);
    expect(on.completionMs).toBeLessThan(off.completionMs * 0.75);
  });

  it('is deterministic for a seed', async () => {
    const edges: SimEdgeSpec[] = Array.from({ length: 6 }, (_, i) => ({
      bandwidth: (5 + i * 5) * MB,
      rtt: 0.02,
      jitter: 0.3,
      failureRate: 0.02,
    }));
    const a = await runSimulation({ seed: 11, edges, chunks: 800, replicas: 3, backend: new CpuBackend() });
    const b = await runSimulation({ seed: 11, edges, chunks: 800, replicas: 3, backend: new CpuBackend() });
    const strip = (r: typeof a) => ({ ...r, meanTickMs: 0 });
    expect(strip(a)).toEqual(strip(b));
    expect(a.completed).toBe(true);
    expect(a.failuresDetected).toBeGreaterThan(0);
  });
});

describe('stalled chunks', () => {
  it('fail permanently after maxStallMs when their only sources never return', async () => {
    const edges: SimEdgeSpec[] = [
      { bandwidth: 20 * MB, rtt: 0.01, outages: [{ from: 0 }] },
      { bandwidth: 20 * MB, rtt: 0.01 },
    ];
    // replicas = 1: half of the chunks live only on the dead edge 0.
    const r = await runSimulation({
      seed: 5,
      edges,
      chunks: 200,
      replicas: 1,
      backend: new CpuBackend(),
      config: { maxStallMs: 5000 },
    });
    expect(r.completed).toBe(true);
    expect(r.permanentFailures).toBe(r.chunks - r.done);
    expect(r.permanentFailures).toBeGreaterThan(50);
    expect(r.completionMs).toBeLessThan(60_000);
  });
});
