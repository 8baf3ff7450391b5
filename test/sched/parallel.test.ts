/** The worker-thread scorer (src/engine/sched-node) must write exactly what one thread writes. */
import { afterAll, describe, expect, it } from 'vitest';
import { computeEdgeParams, EdgeParams } from '../../src/engine/sched/cost.ts';
import { CpuBackend } from '../../src/engine/sched/cpu/backend.ts';
import { applyEdgeDeltas } from '../../src/engine/sched/phases/edge-delta.ts';
import { resolveWeights } from '../../src/engine/sched/policies.ts';
import { Prng } from '../../src/engine/sched/sim/prng.ts';
import { randomModel } from '../../src/engine/sched/sim/random-model.ts';
import { NodeParallelScorer, sharedAllocate } from '../../src/engine/sched-node/index.ts';
import { paramsFor, snapshotKBest } from './helpers.ts';

const scorer = new NodeParallelScorer(3);
afterAll(() => scorer.dispose());

describe.each(['ranked', 'direct'] as const)('parallel scorer (%s kernel)', (kernel) => {
  const parallel = new CpuBackend({ kernel, parallel: scorer, parallelMinChunks: 1, parallelMinList: 1 });

  it('full and list runs equal one thread, bit for bit', async () => {
    for (const [seed, k, replicas] of [
      [1, 4, 5],
      [2, 2, 3],
      [3, 8, 6],
      [4, 1, 1],
    ]) {
      const m = randomModel({
        chunks: 30_011,
        edges: 40,
        replicas,
        k,
        seed,
        coarse: seed % 2 === 0,
        unavailableFraction: 0.1,
        modelOptions: { allocate: sharedAllocate },
      });
      for (let c = 0; c < m.chunkCount; c += 7) m.recordPairFailure(c, m.pairs[m.availStart[c]] & 0xffff);
      const input = { model: m, params: paramsFor(m), maxFailuresPerEdge: 1 };
      await new CpuBackend({ kernel }).scoreAll(input);
      const want = snapshotKBest(m);
      m.kEdge.fill(7);
      m.kCost.fill(-1);
      await parallel.scoreAll(input);
      expect(snapshotKBest(m)).toEqual(want);

      const rng = new Prng(seed);
      const list = Uint32Array.from({ length: 9001 }, () => rng.int(0, m.chunkCount - 1));
      const listed = new Uint8Array(m.chunkCount);
      for (const c of list) listed[c] = 1;
      for (let c = 0; c < m.chunkCount; c++) {
        if (!listed[c]) continue;
        m.kEdge.fill(7, c * k, c * k + k);
        m.kCost.fill(-1, c * k, c * k + k);
      }
      await parallel.scoreChunks(input, list, list.length);
      expect(snapshotKBest(m)).toEqual(want);
    }
  });

  it('runs on the calling thread when the arrays are not shared', async () => {
    const m = randomModel({ chunks: 5000, edges: 10, replicas: 3, k: 4, seed: 5 });
    const input = { model: m, params: paramsFor(m), maxFailuresPerEdge: 1 };
    await new CpuBackend({ kernel }).scoreAll(input);
    const want = snapshotKBest(m);
    m.kEdge.fill(7);
    await parallel.scoreAll(input);
    expect(snapshotKBest(m)).toEqual(want);
  });
});

describe('parallel edge delta', () => {
  it('equals the single-thread delta, bit for bit, for edges getting cheaper, dearer and excluded', async () => {
    const backend = new CpuBackend({ parallel: scorer, parallelMinList: 1 });
    for (const seed of [1, 2]) {
      const opts = { chunks: 20_003, edges: 30, replicas: 6, k: 4, seed, unavailableFraction: 0.1 };
      const shared = randomModel({ ...opts, modelOptions: { allocate: sharedAllocate } });
      const plain = randomModel(opts);
      const settings = { weights: resolveWeights('balanced'), maxAcceptableTimeS: 10 };
      const ps = new EdgeParams();
      const pp = new EdgeParams();
      computeEdgeParams(shared, settings, ps);
      computeEdgeParams(plain, settings, pp);
      // Some chunks with a failed pair: SLOW in the narrow mirror, read from the model's arrays.
      for (const m of [shared, plain]) {
        for (let c = 0; c < 2000; c += 3) m.recordPairFailure(c, m.pairs[m.availStart[c]] & 0xffff);
        m.clearDirty();
      }
      // Scored by the parallel backend itself, so its delta runs over its narrow mirror.
      await backend.scoreAll({ model: shared, params: ps, maxFailuresPerEdge: 1 });
      await new CpuBackend().scoreAll({ model: plain, params: pp, maxFailuresPerEdge: 1 });
      const rng = new Prng(seed);
      for (let step = 0; step < 6; step++) {
        const e = rng.int(0, opts.edges - 1);
        const patch =
          step % 3 === 0
            ? { bandwidth: shared.bandwidth[e] * 4 }
            : step % 3 === 1
              ? { bandwidth: shared.bandwidth[e] / 5 }
              : { unavailable: !shared.isEdgeUnavailable(e) };
        for (const m of [shared, plain]) m.updateEdge(e, patch);
        await applyEdgeDeltas(shared, ps, 1, computeEdgeParams(shared, settings, ps), (job, model) =>
          backend.runEdgeDelta(job, model),
        );
        await applyEdgeDeltas(plain, pp, 1, computeEdgeParams(plain, settings, pp));
        expect(snapshotKBest(shared)).toEqual(snapshotKBest(plain));
      }
    }
  });
});
