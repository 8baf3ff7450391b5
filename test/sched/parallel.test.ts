/** The worker-thread scorer (src/engine/sched-node) must write exactly what one thread writes. */
import { afterAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/engine/sched/cpu/backend.ts';
import { Prng } from '../../src/engine/sched/sim/prng.ts';
import { randomModel } from '../../src/engine/sched/sim/random-model.ts';
import { NodeParallelScorer, sharedAllocate } from '../../src/engine/sched-node/index.ts';
import { paramsFor, snapshotKBest } from './helpers.ts';

const scorer = new NodeParallelScorer(3);
afterAll(() => scorer.dispose());

describe.each(['ranked', 'direct'] as const)('parallel scorer (%s kernel)', (kernel) => {
  const parallel = new CpuBackend({ kernel, parallel: scorer, parallelMinChunks: 1, parallelMinList: 1 });

  it('full and list runs equal one thread, bit for bit', async () => {
    for (const [seed, k, replicas] of [[1, 4, 5], [2, 2, 3], [3, 8, 6], [4, 1, 1]]) {
      const m = randomModel({ chunks: 30_011, edges: 40, replicas, k, seed, coarse: seed % 2 === 0, unavailableFraction: 0.1, modelOptions: { allocate: sharedAllocate } });
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
