/** Shared test helpers: a naive reference k-best, model snapshots, and a small scheduler factory. */
import { NO_EDGE, PAIR_EDGE_MASK, PAIR_FAIL_SHIFT } from '../../src/engine/sched/constants.ts';
import { computeEdgeParams, EdgeParams } from '../../src/engine/sched/cost.ts';
import type { SchedModel } from '../../src/engine/sched/model.ts';
import { resolveWeights, type PolicyName } from '../../src/engine/sched/policies.ts';

/** The contract of backend.ts, written the obvious way: collect candidates, sort, take k. */
export function referenceKBest(
  m: SchedModel,
  p: EdgeParams,
  maxFail: number,
  c: number,
): { edges: number[]; costs: number[] } {
  const cand: { e: number; cost: number }[] = [];
  for (let j = m.availStart[c]; j < m.availStart[c + 1]; j++) {
    const e = m.pairs[j] & PAIR_EDGE_MASK;
    if (p.excluded[e] || m.pairs[j] >>> PAIR_FAIL_SHIFT >= maxFail) continue;
    cand.push({ e, cost: Math.fround(p.a[e] * m.costSize[c] + p.b[e]) });
  }
  cand.sort((x, y) => x.cost - y.cost || x.e - y.e);
  const top = cand.slice(0, m.k);
  const edges = top.map((t) => t.e);
  const costs = top.map((t) => t.cost);
  while (edges.length < m.k) {
    edges.push(NO_EDGE);
    costs.push(Infinity);
  }
  return { edges, costs };
}

export function paramsFor(m: SchedModel, policy: PolicyName = 'balanced', maxAcceptableTimeS = 10): EdgeParams {
  const p = new EdgeParams();
  computeEdgeParams(m, { weights: resolveWeights(policy), maxAcceptableTimeS }, p);
  return p;
}

export function kbestOf(m: SchedModel, c: number): { edges: number[]; costs: number[] } {
  const o = c * m.k;
  return { edges: Array.from(m.kEdge.subarray(o, o + m.k)), costs: Array.from(m.kCost.subarray(o, o + m.k)) };
}

export function snapshotKBest(m: SchedModel): { edges: Uint16Array; costs: Float32Array } {
  return { edges: m.kEdge.slice(0, m.chunkCount * m.k), costs: m.kCost.slice(0, m.chunkCount * m.k) };
}
