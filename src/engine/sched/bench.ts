/**
 * The scheduler benchmark as a library (used by `warp bench sched`, `npm run bench:sched`, and later the UI):
 * full-tick and incremental-tick milliseconds on a random model, pairs per second, bytes of state per chunk.
 * Figures, not tests: nothing here asserts a target.
 */
import type { SchedBackend } from './backend.ts';
import type { Allocate } from './typed-growth.ts';
import { Scheduler } from './scheduler.ts';
import { Prng } from './sim/prng.ts';
import { randomModel } from './sim/random-model.ts';

export interface SchedBenchSpec {
  chunks: number;
  edges: number;
  replicas: number;
  k?: number;
  seed?: number;
  /** Timed repetitions per measurement (the median is reported). */
  repeats?: number;
  backend: SchedBackend;
  /** Buffer factory for the model (SharedArrayBuffer when a parallel CPU backend should see it). */
  allocate?: Allocate;
}

export interface SchedBenchResult {
  chunks: number;
  edges: number;
  replicas: number;
  k: number;
  pairs: number;
  backend: string;
  software: boolean | undefined;
  buildMs: number;
  firstTickMs: number;
  fullTickMs: number;
  fullScoreMs: number;
  /**
   * Full tick after every edge's bandwidth changed (×1.25 / ×0.8): every list's costs change, so nothing can
   * be skipped (fullTickMs has unchanged parameters: lists whose result did not change are not stored again).
   */
  fullChangedTickMs: number;
  incrementalChunksTickMs: number;
  incrementalChunksScored: number;
  incrementalEdgeTickMs: number;
  incrementalEdgeScored: number;
  pairsPerSecond: number;
  bytesPerChunk: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
}

export async function runSchedBench(
  spec: SchedBenchSpec,
  log: (line: string) => void = () => {},
): Promise<SchedBenchResult> {
  const k = spec.k ?? 4;
  const repeats = Math.max(1, spec.repeats ?? 5);
  const rng = new Prng((spec.seed ?? 1) + 1);
  let t = performance.now();
  const model = randomModel({
    chunks: spec.chunks,
    edges: spec.edges,
    replicas: spec.replicas,
    k,
    seed: spec.seed ?? 1,
    modelOptions: { allocate: spec.allocate },
  });
  const buildMs = performance.now() - t;
  log(`built ${spec.chunks} chunks × ${spec.replicas} replicas over ${spec.edges} edges in ${buildMs.toFixed(0)} ms`);
  // Incremental thresholds: a 1 % change must stay incremental; dispatch is capped so state stays comparable.
  const sched = new Scheduler({
    backend: spec.backend,
    model,
    config: { k, fullRecomputeFraction: 0.5, dispatch: { maxPerTick: 1024 } },
  });
  let now = Date.UTC(2026, 0, 5, 12);
  const tick = async (forceFull = false) => {
    now += 50;
    return sched.tick({ now, forceFull });
  };
  t = performance.now();
  await tick(true); // first tick: full scoring plus the initial assignment of every chunk
  const firstTickMs = performance.now() - t;
  log(`first tick ${firstTickMs.toFixed(1)} ms`);

  const full: number[] = [];
  const fullScore: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const r = await tick(true);
    full.push(r.timings.totalMs);
    fullScore.push(r.timings.scoreMs);
  }
  log(`full tick ${median(full).toFixed(1)} ms (scoring ${median(fullScore).toFixed(1)} ms)`);

  const incChunks: number[] = [];
  let incChunksScored = 0;
  const onePercent = Math.max(1, Math.floor(spec.chunks / 100));
  for (let i = 0; i < repeats; i++) {
    // 1 % of chunks changed (e.g. a failure recorded or availability learned): mark them for rescoring.
    for (let j = 0; j < onePercent; j++) model.markDirty(rng.int(0, spec.chunks - 1));
    const r = await tick();
    incChunks.push(r.timings.totalMs);
    incChunksScored = r.scored;
  }
  log(`incremental tick, 1 % of chunks: ${median(incChunks).toFixed(1)} ms (${incChunksScored} scored)`);

  const incEdge: number[] = [];
  let incEdgeScored = 0;
  for (let i = 0; i < repeats; i++) {
    const e = rng.int(0, spec.edges - 1);
    model.updateEdge(e, { bandwidth: model.bandwidth[e] * (i % 2 === 0 ? 1.25 : 0.8) });
    const r = await tick();
    incEdge.push(r.timings.totalMs);
    incEdgeScored = r.scored;
  }
  log(`incremental tick, one edge: ${median(incEdge).toFixed(1)} ms (${incEdgeScored} scored)`);

  const fullChanged: number[] = [];
  for (let i = 0; i < repeats; i++) {
    for (let e = 0; e < spec.edges; e++)
      model.updateEdge(e, { bandwidth: model.bandwidth[e] * (i % 2 === 0 ? 1.25 : 0.8) });
    fullChanged.push((await tick(true)).timings.totalMs);
  }
  log(`full tick, every edge changed: ${median(fullChanged).toFixed(1)} ms`);

  const fullTickMs = median(full);
  return {
    chunks: spec.chunks,
    edges: spec.edges,
    replicas: spec.replicas,
    k,
    pairs: model.pairCount,
    backend: spec.backend.description.label,
    software: spec.backend.description.adapter?.software,
    buildMs,
    firstTickMs,
    fullTickMs,
    fullScoreMs: median(fullScore),
    fullChangedTickMs: median(fullChanged),
    incrementalChunksTickMs: median(incChunks),
    incrementalChunksScored: incChunksScored,
    incrementalEdgeTickMs: median(incEdge),
    incrementalEdgeScored: incEdgeScored,
    pairsPerSecond: model.pairCount / (fullTickMs / 1000),
    bytesPerChunk: model.bytesPerChunk(),
  };
}
