import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_EDGE } from '../../src/engine/sched/constants.ts';
import { CpuBackend } from '../../src/engine/sched/cpu/backend.ts';
import { randomModel } from '../../src/engine/sched/sim/random-model.ts';
import { kbestOf, paramsFor, referenceKBest } from './helpers.ts';

const specArb = fc.record({
  chunks: fc.integer({ min: 1, max: 300 }),
  edges: fc.integer({ min: 1, max: 40 }),
  replicas: fc.integer({ min: 1, max: 12 }),
  k: fc.integer({ min: 1, max: 8 }),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
  coarse: fc.boolean(),
  unavailableFraction: fc.double({ min: 0, max: 0.5, noNaN: true }),
});

describe('CPU fused cost + k-best', () => {
  it('matches the naive reference, sorted ascending with lowest-edge ties', async () => {
    await fc.assert(fc.asyncProperty(specArb, async (spec) => {
      const m = randomModel(spec);
      const p = paramsFor(m);
      await new CpuBackend().scoreAll({ model: m, params: p, maxFailuresPerEdge: 1 });
      for (let c = 0; c < m.chunkCount; c++) {
        const got = kbestOf(m, c);
        expect(got).toEqual(referenceKBest(m, p, 1, c));
        for (let i = 1; i < m.k; i++) {
          if (got.edges[i] === NO_EDGE) continue;
          const prev = got.costs[i - 1];
          expect(prev < got.costs[i] || (prev === got.costs[i] && got.edges[i - 1] < got.edges[i])).toBe(true);
        }
      }
    }), { numRuns: 120 });
  });

  it('never chooses an excluded edge or an exhausted pair', async () => {
    await fc.assert(fc.asyncProperty(specArb, fc.integer({ min: 1, max: 3 }), async (spec, maxFail) => {
      const m = randomModel(spec);
      const rng = spec.seed;
      // Exclude some edges by constraint and record failures on some pairs.
      for (let e = 0; e < m.edgeCount; e++) if ((e * 7 + rng) % 5 === 0) m.constraintExcluded[e] = 1;
      for (let c = 0; c < m.chunkCount; c += 3) {
        const j = m.availStart[c];
        if (j < m.availStart[c + 1]) for (let f = 0; f < maxFail; f++) m.recordPairFailure(c, m.pairs[j] & 0xffff);
      }
      const p = paramsFor(m);
      await new CpuBackend().scoreChunks({ model: m, params: p, maxFailuresPerEdge: maxFail }, m.dirtyList, m.dirtyCount);
      await new CpuBackend().scoreAll({ model: m, params: p, maxFailuresPerEdge: maxFail });
      for (let c = 0; c < m.chunkCount; c++) {
        for (const e of kbestOf(m, c).edges) {
          if (e === NO_EDGE) continue;
          expect(p.excluded[e]).toBe(0);
          expect(m.isEdgeUnavailable(e)).toBe(false);
          expect(m.pairFailures(m.pairIndex(c, e))).toBeLessThan(maxFail);
        }
        expect(kbestOf(m, c)).toEqual(referenceKBest(m, p, maxFail, c));
      }
    }), { numRuns: 60 });
  });

  it('scores a list exactly as a full run does', async () => {
    const m = randomModel({ chunks: 2000, edges: 30, replicas: 5, k: 4, seed: 9 });
    const p = paramsFor(m);
    const input = { model: m, params: p, maxFailuresPerEdge: 1 };
    await new CpuBackend().scoreAll(input);
    const full = m.kEdge.slice(0, 2000 * 4);
    m.kEdge.fill(0);
    const all = Uint32Array.from({ length: 2000 }, (_, i) => 1999 - i);
    await new CpuBackend().scoreChunks(input, all, all.length);
    expect(m.kEdge.slice(0, 2000 * 4)).toEqual(full);
  });
});
