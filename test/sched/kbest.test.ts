import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_EDGE } from '../../src/engine/sched/constants.ts';
import { CpuBackend } from '../../src/engine/sched/cpu/backend.ts';
import { randomModel } from '../../src/engine/sched/sim/random-model.ts';
import { kbestOf, paramsFor, referenceKBest, snapshotKBest } from './helpers.ts';

const specArb = fc.record({
  chunks: fc.integer({ min: 1, max: 300 }),
  edges: fc.integer({ min: 1, max: 40 }),
  replicas: fc.integer({ min: 1, max: 12 }),
  k: fc.integer({ min: 1, max: 8 }),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
  coarse: fc.boolean(),
  unavailableFraction: fc.double({ min: 0, max: 0.5, noNaN: true }),
});

describe.each(['direct', 'ranked'] as const)('CPU fused cost + k-best (%s kernel)', (kernel) => {
  it('matches the naive reference, sorted ascending with lowest-edge ties', async () => {
    await fc.assert(
      fc.asyncProperty(specArb, async (spec) => {
        const m = randomModel(spec);
        const p = paramsFor(m);
        await new CpuBackend({ kernel }).scoreAll({ model: m, params: p, maxFailuresPerEdge: 1 });
        for (let c = 0; c < m.chunkCount; c++) {
          const got = kbestOf(m, c);
          expect(got).toEqual(referenceKBest(m, p, 1, c));
          for (let i = 1; i < m.k; i++) {
            if (got.edges[i] === NO_EDGE) continue;
            const prev = got.costs[i - 1];
            expect(prev < got.costs[i] || (prev === got.costs[i] && got.edges[i - 1] < got.edges[i])).toBe(true);
          }
        }
      }),
      { numRuns: 120 },
    );
  });

  it('never chooses an excluded edge or an exhausted pair', async () => {
    await fc.assert(
      fc.asyncProperty(specArb, fc.integer({ min: 1, max: 3 }), async (spec, maxFail) => {
        const m = randomModel(spec);
        const rng = spec.seed;
        // Exclude some edges by constraint and record failures on some pairs.
        for (let e = 0; e < m.edgeCount; e++) if ((e * 7 + rng) % 5 === 0) m.constraintExcluded[e] = 1;
        for (let c = 0; c < m.chunkCount; c += 3) {
          const j = m.availStart[c];
          if (j < m.availStart[c + 1]) for (let f = 0; f < maxFail; f++) m.recordPairFailure(c, m.pairs[j] & 0xffff);
        }
        const p = paramsFor(m);
        await new CpuBackend({ kernel }).scoreChunks(
          { model: m, params: p, maxFailuresPerEdge: maxFail },
          m.dirtyList,
          m.dirtyCount,
        );
        await new CpuBackend({ kernel }).scoreAll({ model: m, params: p, maxFailuresPerEdge: maxFail });
        for (let c = 0; c < m.chunkCount; c++) {
          for (const e of kbestOf(m, c).edges) {
            if (e === NO_EDGE) continue;
            expect(p.excluded[e]).toBe(0);
            expect(m.isEdgeUnavailable(e)).toBe(false);
            expect(m.pairFailures(m.pairIndex(c, e))).toBeLessThan(maxFail);
          }
          expect(kbestOf(m, c)).toEqual(referenceKBest(m, p, maxFail, c));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('scores a list exactly as a full run does', async () => {
    const m = randomModel({ chunks: 2000, edges: 30, replicas: 5, k: 4, seed: 9 });
    const p = paramsFor(m);
    const input = { model: m, params: p, maxFailuresPerEdge: 1 };
    await new CpuBackend({ kernel }).scoreAll(input);
    const full = m.kEdge.slice(0, 2000 * 4);
    m.kEdge.fill(0);
    const all = Uint32Array.from({ length: 2000 }, (_, i) => 1999 - i);
    await new CpuBackend({ kernel }).scoreChunks(input, all, all.length);
    expect(m.kEdge.slice(0, 2000 * 4)).toEqual(full);
  });
});

describe('ranked kernel', () => {
  it('gives bit-identical lists to the direct kernel, zero costs and heavy ties included', async () => {
    await fc.assert(
      fc.asyncProperty(specArb, fc.integer({ min: 1, max: 3 }), fc.boolean(), async (spec, maxFail, zeroCosts) => {
        const m = randomModel({ ...spec, k: Math.min(spec.k, 4) });
        for (let c = 0; c < m.chunkCount; c += 2) {
          const j = m.availStart[c];
          if (j < m.availStart[c + 1]) m.recordPairFailure(c, m.pairs[j] & 0xffff);
        }
        const p = paramsFor(m);
        // Zero a and b on some edges: every cost ties at 0 and only the edge id decides.
        if (zeroCosts)
          for (let e = 0; e < m.edgeCount; e += 3) {
            p.a[e] = 0;
            p.b[e] = 0;
          }
        const input = { model: m, params: p, maxFailuresPerEdge: maxFail };
        await new CpuBackend({ kernel: 'direct' }).scoreAll(input);
        const want = snapshotKBest(m);
        m.kEdge.fill(7);
        m.kCost.fill(-1);
        const ranked = new CpuBackend({ kernel: 'ranked' });
        await ranked.scoreAll(input);
        expect(ranked.rankTable?.builds).toBe(1);
        expect(snapshotKBest(m)).toEqual(want);
      }),
      { numRuns: 80 },
    );
  });

  it('rebuilds its table only when edge parameters or size classes change', async () => {
    const m = randomModel({ chunks: 3000, edges: 12, replicas: 4, k: 4, seed: 3 });
    const p = paramsFor(m);
    const input = { model: m, params: p, maxFailuresPerEdge: 1 };
    const cpu = new CpuBackend({ kernel: 'ranked' });
    await cpu.scoreAll(input);
    await cpu.scoreAll(input);
    expect(cpu.rankTable?.builds).toBe(1);
    p.b[5] = Math.fround(p.b[5] * 2);
    await cpu.scoreAll(input);
    expect(cpu.rankTable?.builds).toBe(2);
    m.addChunk(123_457, [1, 2, 3]);
    await cpu.scoreAll(input);
    expect(cpu.rankTable?.builds).toBe(3);
    expect(kbestOf(m, m.chunkCount - 1)).toEqual(referenceKBest(m, p, 1, m.chunkCount - 1));
  });
});
