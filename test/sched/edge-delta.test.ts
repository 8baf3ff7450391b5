/** In-place list updates for changed edges must equal a full recompute, for every kind of change. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeEdgeParams, EdgeParams } from '../../src/engine/sched/cost.ts';
import { CpuBackend } from '../../src/engine/sched/cpu/backend.ts';
import { applyEdgeDeltas } from '../../src/engine/sched/phases/edge-delta.ts';
import { resolveWeights } from '../../src/engine/sched/policies.ts';
import { Prng } from '../../src/engine/sched/sim/prng.ts';
import { randomModel } from '../../src/engine/sched/sim/random-model.ts';
import { snapshotKBest } from './helpers.ts';

describe('edge deltas', () => {
  it('updating lists in place for changed edges equals rescoring everything', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1 << 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 10 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 2 }),
        async (seed, k, replicas, coarse, maxFail) => {
          const m = randomModel({ chunks: 500, edges: 12, replicas, k, seed, coarse, unavailableFraction: 0.2 });
          const rng = new Prng(seed);
          const p = new EdgeParams();
          const settings = { weights: resolveWeights('balanced'), maxAcceptableTimeS: 10 };
          computeEdgeParams(m, settings, p);
          const cpu = new CpuBackend();
          const input = { model: m, params: p, maxFailuresPerEdge: maxFail };
          await cpu.scoreAll(input);
          m.clearDirty();
          for (let step = 0; step < 8; step++) {
            for (let i = rng.int(1, 4); i > 0; i--) {
              const e = rng.int(0, m.edgeCount - 1);
              const what = rng.int(0, 3);
              if (what === 0)
                m.updateEdge(e, {
                  bandwidth: coarse ? [1e6, 1e7, 1e8][rng.int(0, 2)] : m.bandwidth[e] * rng.range(0.5, 2),
                });
              else if (what === 1) m.updateEdge(e, { unavailable: rng.next() < 0.4 });
              else if (what === 2)
                m.updateEdge(e, {
                  rtt: coarse ? [0, 0.05][rng.int(0, 1)] : rng.range(0, 0.3),
                  queueDepth: rng.int(0, 4),
                });
              else {
                const c = rng.int(0, m.chunkCount - 1);
                const j = m.availStart[c];
                if (j < m.availStart[c + 1]) m.recordPairFailure(c, m.pairs[j] & 0xffff);
              }
            }
            const changed = computeEdgeParams(m, settings, p);
            // Through the backend: over its narrow mirror when k = 4.
            await applyEdgeDeltas(m, p, maxFail, changed, (job, model) => cpu.runEdgeDelta(job, model));
            await cpu.scoreChunks(input, m.dirtyList, m.dirtyCount);
            m.clearDirty();
            const inc = snapshotKBest(m);
            await new CpuBackend({ kernel: 'direct' }).scoreAll(input);
            expect(snapshotKBest(m)).toEqual(inc);
          }
        },
      ),
      {
        numRuns: 60,
        // A case fast-check once drew: edge 8 came back from "unavailable" in the tick in which edge 3 fell out of
        // chunk 18's list, and the refill for 3 took 8 at its new cost before 8's own step (see edge-delta.ts).
        examples: [[1102, 4, 5, true, 2]],
      },
    );
  });
});
