/**
 * Browser entry for the Chromium WebGPU equivalence test (bundled by esbuild into an IIFE and loaded into a
 * page): the same engine code the renderer uses (src/engine/sched is browser-safe), run against Chromium's
 * own WebGPU (`navigator.gpu`), compared in the page with the CPU backend on the same random models.
 */
import { CpuBackend } from '../../../src/engine/sched/cpu/backend.ts';
import { requestSchedulerAdapter } from '../../../src/engine/sched/select.ts';
import { randomModel, type RandomModelSpec } from '../../../src/engine/sched/sim/random-model.ts';
import { runSimulation } from '../../../src/engine/sched/sim/simulator.ts';
import { WebGpuBackend } from '../../../src/engine/sched/webgpu/backend.ts';
import type { GpuLike } from '../../../src/engine/sched/webgpu/gpu-types.ts';
import type { PolicyName } from '../../../src/engine/sched/policies.ts';
import { paramsFor, snapshotKBest } from '../helpers.ts';

export interface CaseResult {
  spec: RandomModelSpec;
  pairs: number;
  edgeMismatches: number;
  worstRelCost: number;
  listMismatches: number;
}
export interface PageReport {
  adapter?: string;
  software?: boolean;
  cases: CaseResult[];
  simulationEqual?: boolean;
  error?: string;
}

function compare(
  a: { edges: Uint16Array; costs: Float32Array },
  b: { edges: Uint16Array; costs: Float32Array },
): { edgeMismatches: number; worstRelCost: number } {
  let edgeMismatches = 0;
  let worstRelCost = 0;
  for (let i = 0; i < a.edges.length; i++) {
    if (a.edges[i] !== b.edges[i]) edgeMismatches++;
    const x = a.costs[i];
    const y = b.costs[i];
    if (x === y) continue;
    const rel =
      Number.isFinite(x) && Number.isFinite(y) ? Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y)) : Infinity;
    worstRelCost = Math.max(worstRelCost, rel);
  }
  return { edgeMismatches, worstRelCost };
}

async function run(specs: (RandomModelSpec & { policy: PolicyName })[]): Promise<PageReport> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return { cases: [], error: 'navigator.gpu is missing (is this a secure context?)' };
  const found = await requestSchedulerAdapter(gpu);
  if (!found) return { cases: [], error: 'requestAdapter() returned null (Chromium needs --enable-unsafe-webgpu)' };
  const device = await found.adapter.requestDevice();
  const backend = await WebGpuBackend.create(device, {
    adapter: found.summary,
    maxBatchChunks: 301,
    maxBatchPairs: 1700,
  });
  const cases: CaseResult[] = [];
  for (const spec of specs) {
    const m = randomModel(spec);
    // Some failed pairs, so the failure-count exclusion is exercised too.
    for (let c = 0; c < m.chunkCount; c += 7) {
      const j = m.availStart[c];
      if (j < m.availStart[c + 1]) m.recordPairFailure(c, m.pairs[j] & 0xffff);
    }
    const input = { model: m, params: paramsFor(m, spec.policy), maxFailuresPerEdge: 2 };
    await new CpuBackend({ kernel: 'direct' }).scoreAll(input);
    const cpu = snapshotKBest(m);
    m.kEdge.fill(7);
    m.kCost.fill(-1);
    await backend.scoreAll(input);
    const full = compare(cpu, snapshotKBest(m));
    // A scattered chunk list (the incremental path).
    const list = Uint32Array.from({ length: Math.min(m.chunkCount, 257) }, (_, i) => (i * 7919) % m.chunkCount);
    m.kEdge.fill(7);
    m.kCost.fill(-1);
    await backend.scoreChunks(input, list, list.length);
    const after = snapshotKBest(m);
    let listMismatches = 0;
    for (const c of list) {
      for (let s = 0; s < m.k; s++) {
        const i = c * m.k + s;
        if (after.edges[i] !== cpu.edges[i] || after.costs[i] !== cpu.costs[i]) listMismatches++;
      }
    }
    cases.push({ spec, pairs: m.pairCount, ...full, listMismatches });
  }
  const simSpec = {
    seed: 5,
    chunks: 400,
    replicas: 3,
    edges: Array.from({ length: 6 }, (_, i) => ({
      bandwidth: (5 + 7 * i) * 1e6,
      rtt: 0.01 * (i + 1),
      jitter: 0.3,
      failureRate: 0.02,
      outages: i === 5 ? [{ from: 1500, to: 20_000 }] : undefined,
    })),
  };
  const a = await runSimulation({ ...simSpec, backend: new CpuBackend() });
  const b = await runSimulation({ ...simSpec, backend });
  const strip = (r: typeof a) => JSON.stringify({ ...r, backend: '', meanTickMs: 0 });
  backend.dispose();
  device.destroy();
  return {
    adapter: `${found.summary.architecture || found.summary.vendor} ${found.summary.description}`.trim(),
    software: found.summary.software,
    cases,
    simulationEqual: a.completed && strip(a) === strip(b),
  };
}

(globalThis as unknown as { warpEquivalence: typeof run }).warpEquivalence = run;
