/**
 * CPU vs WGSL on random inputs, through a real WebGPU implementation. Edge indices must be exactly equal and
 * costs equal (the design makes them bit-identical; the contract allows 1e-6 relative).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/engine/sched/cpu/backend.ts';
import { runSimulation } from '../../src/engine/sched/sim/simulator.ts';
import { randomModel } from '../../src/engine/sched/sim/random-model.ts';
import { WebGpuBackend } from '../../src/engine/sched/webgpu/backend.ts';
import type { GpuDeviceLike } from '../../src/engine/sched/webgpu/gpu-types.ts';
import type { AdapterSummary } from '../../src/engine/sched/backend.ts';
import { findAdapter, GPU_HELP, requireGpu } from './gpu.ts';
import { paramsFor, snapshotKBest } from './helpers.ts';

let device: GpuDeviceLike | undefined;
let summary: AdapterSummary | undefined;

beforeAll(async () => {
  const found = await findAdapter();
  if (!found) {
    if (requireGpu) throw new Error(`CI requires a WebGPU adapter for the CPU-vs-WGSL equivalence tests: ${GPU_HELP}`);
    console.warn(`skipping CPU-vs-WGSL equivalence: ${GPU_HELP}`);
    return;
  }
  summary = found.summary;
  device = await found.adapter.requestDevice();
});

afterAll(() => device?.destroy());

function expectSame(
  a: { edges: Uint16Array; costs: Float32Array },
  b: { edges: Uint16Array; costs: Float32Array },
): void {
  expect(b.edges).toEqual(a.edges);
  for (let i = 0; i < a.costs.length; i++) {
    const x = a.costs[i];
    const y = b.costs[i];
    if (x === y) continue;
    expect(Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y))).toBeLessThanOrEqual(1e-6);
  }
}

describe('CPU vs WGSL k-best', () => {
  it('finds an adapter (or says why not)', (ctx) => {
    if (!device) return ctx.skip();
    expect(summary).toBeDefined();
    console.info(`WebGPU adapter: ${summary!.device || summary!.description}${summary!.software ? ' (software)' : ''}`);
  });

  it('gives identical k-best on random inputs (full runs in batches, and chunk lists)', async (ctx) => {
    if (!device) return ctx.skip();
    const gpu = await WebGpuBackend.create(device, { adapter: summary, maxBatchChunks: 257, maxBatchPairs: 1500 });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          chunks: fc.integer({ min: 1, max: 1200 }),
          edges: fc.integer({ min: 1, max: 80 }),
          replicas: fc.integer({ min: 1, max: 10 }),
          k: fc.integer({ min: 1, max: 8 }),
          seed: fc.integer({ min: 1, max: 1 << 30 }),
          coarse: fc.boolean(),
          unavailableFraction: fc.double({ min: 0, max: 0.4, noNaN: true }),
          maxFail: fc.integer({ min: 1, max: 2 }),
          policy: fc.constantFrom('performance', 'balanced', 'eco', 'cost-conscious', 'quiet' as const),
        }),
        async (spec) => {
          const m = randomModel(spec);
          for (let c = 0; c < m.chunkCount; c += 5) {
            const j = m.availStart[c];
            if (j < m.availStart[c + 1]) m.recordPairFailure(c, m.pairs[j] & 0xffff);
          }
          const input = { model: m, params: paramsFor(m, spec.policy), maxFailuresPerEdge: spec.maxFail };
          await new CpuBackend({ kernel: 'direct' }).scoreAll(input);
          const cpu = snapshotKBest(m);
          m.kEdge.fill(7);
          m.kCost.fill(-1);
          await gpu.scoreAll(input);
          expectSame(cpu, snapshotKBest(m));
          // The ranked CPU kernel (k ≤ 4) must match too, bit for bit.
          m.kEdge.fill(7);
          m.kCost.fill(-1);
          await new CpuBackend({ kernel: 'ranked' }).scoreAll(input);
          expect(snapshotKBest(m)).toEqual(cpu);
          const list = Uint32Array.from({ length: Math.min(m.chunkCount, 300) }, (_, i) => (i * 7919) % m.chunkCount);
          m.kEdge.fill(7);
          m.kCost.fill(-1);
          await gpu.scoreChunks(input, list, list.length);
          const after = snapshotKBest(m);
          for (const c of list) {
            for (let s = 0; s < m.k; s++) {
              expect(after.edges[c * m.k + s]).toBe(cpu.edges[c * m.k + s]);
              expect(after.costs[c * m.k + s]).toBe(cpu.costs[c * m.k + s]);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
    gpu.dispose();
  });

  it('runs a whole simulation to the same report on both backends', async (ctx) => {
    if (!device) return ctx.skip();
    const gpu = await WebGpuBackend.create(device, { adapter: summary });
    const spec = {
      seed: 21,
      chunks: 600,
      replicas: 3,
      edges: Array.from({ length: 8 }, (_, i) => ({
        bandwidth: (4 + 6 * i) * 1e6,
        rtt: 0.01 * (i + 1),
        jitter: 0.3,
        failureRate: 0.02,
        outages: i === 7 ? [{ from: 2000, to: 20_000 }] : undefined,
      })),
    };
    const a = await runSimulation({ ...spec, backend: new CpuBackend() });
    const b = await runSimulation({ ...spec, backend: gpu });
    const strip = (r: typeof a) => ({ ...r, backend: '', meanTickMs: 0 });
    expect(strip(b)).toEqual(strip(a));
    expect(a.completed).toBe(true);
    gpu.dispose();
  });
});
