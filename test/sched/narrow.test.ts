/**
 * The narrow mirror (u8 pair edges, u16 size classes; cpu/narrow-chunks.ts) and its kernel must give exactly the
 * wide ranked kernel's lists, and full runs that skip storing unchanged lists must still equal a fresh run
 * after any kind of parameter change (including a change and its reversal between two full runs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeEdgeParams, EdgeParams } from '../../src/engine/sched/cost.ts';
import { CpuBackend } from '../../src/engine/sched/cpu/backend.ts';
import { applyEdgeDeltas } from '../../src/engine/sched/phases/edge-delta.ts';
import { resolveWeights } from '../../src/engine/sched/policies.ts';
import { Prng } from '../../src/engine/sched/sim/prng.ts';
import { randomModel } from '../../src/engine/sched/sim/random-model.ts';
import { paramsFor, snapshotKBest } from './helpers.ts';

const settings = { weights: resolveWeights('balanced'), maxAcceptableTimeS: 10 };

describe('narrow ranked kernel', () => {
  it('equals the wide ranked kernel and the direct kernel, failures and exclusions included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1 << 30 }),
        fc.integer({ min: 1, max: 255 }),
        fc.integer({ min: 1, max: 10 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        async (seed, edges, replicas, coarse, maxFail) => {
          const m = randomModel({ chunks: 700, edges, replicas, k: 4, seed, coarse, unavailableFraction: 0.15 });
          for (let c = 0; c < m.chunkCount; c += 3) {
            const j = m.availStart[c];
            if (j < m.availStart[c + 1]) m.recordPairFailure(c, m.pairs[j] & 0xffff);
          }
          for (let e = 0; e < m.edgeCount; e += 7) m.constraintExcluded[e] = 1;
          const input = { model: m, params: paramsFor(m), maxFailuresPerEdge: maxFail };
          await new CpuBackend({ kernel: 'direct' }).scoreAll(input);
          const want = snapshotKBest(m);
          m.kEdge.fill(7);
          m.kCost.fill(-1);
          await new CpuBackend({ kernel: 'ranked', narrow: false }).scoreAll(input);
          expect(snapshotKBest(m)).toEqual(want);
          m.kEdge.fill(7);
          m.kCost.fill(-1);
          await new CpuBackend({ kernel: 'ranked' }).scoreAll(input);
          expect(snapshotKBest(m)).toEqual(want);
          // A list run over the narrow mirror too.
          const list = Uint32Array.from({ length: 300 }, (_, i) => (i * 7919) % m.chunkCount);
          for (const c of list) {
            m.kEdge.fill(7, c * 4, c * 4 + 4);
            m.kCost.fill(-1, c * 4, c * 4 + 4);
          }
          await new CpuBackend({ kernel: 'ranked' }).scoreChunks(input, list, list.length);
          expect(snapshotKBest(m)).toEqual(want);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('full runs that skip unchanged lists equal fresh runs across parameter changes, reversals and new chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1 << 30 }), fc.boolean(), async (seed, coarse) => {
        const m = randomModel({ chunks: 800, edges: 20, replicas: 5, k: 4, seed, coarse });
        const rng = new Prng(seed);
        const p = new EdgeParams();
        computeEdgeParams(m, settings, p);
        const cpu = new CpuBackend({ kernel: 'ranked' });
        const input = { model: m, params: p, maxFailuresPerEdge: 2 };
        await cpu.scoreAll(input);
        for (let step = 0; step < 10; step++) {
          const what = rng.int(0, 4);
          const e = rng.int(0, m.edgeCount - 1);
          if (what === 0) m.updateEdge(e, { bandwidth: m.bandwidth[e] * rng.range(0.5, 2) });
          else if (what === 1) m.updateEdge(e, { unavailable: rng.next() < 0.5 });
          else if (what === 2) {
            // A change applied in place by an edge delta, then reverted before the next full run.
            const old = m.bandwidth[e];
            m.updateEdge(e, { bandwidth: old * 3 });
            await applyEdgeDeltas(m, p, 2, computeEdgeParams(m, settings, p));
            m.updateEdge(e, { bandwidth: old });
          } else if (what === 3) {
            // Up to 12 replicas: more than the mirror's records hold (sized for 5), so those chunks go SLOW.
            m.addChunk(
              rng.int(1000, 5_000_000),
              Array.from({ length: rng.int(1, 12) }, (_, i) => (e + i) % m.edgeCount),
              0,
            );
          } else {
            const c = rng.int(0, m.chunkCount - 1);
            m.recordPairFailure(c, m.pairs[m.availStart[c]] & 0xffff);
          }
          computeEdgeParams(m, settings, p);
          await cpu.scoreAll(input);
          m.clearDirty();
          const got = snapshotKBest(m);
          await new CpuBackend({ kernel: 'direct' }).scoreAll(input);
          expect(got).toEqual(snapshotKBest(m));
        }
      }),
      { numRuns: 40 },
    );
  });
});
