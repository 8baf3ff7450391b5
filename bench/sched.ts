/**
 * `npm run bench:sched`: the scheduler benchmark over a set of sizes, CPU backend on one thread and on every
 * core (worker threads over SharedArrayBuffers, src/engine/sched-node), plus the WebGPU backend on
 * the adapter found (labelled when it is a software one). Prints a Markdown table for BENCHMARKS.md ("## Scheduler");
 * `--json` prints one JSON line per run instead. `--quick` runs only the small sizes.
 */
import { nodeGpu } from '../src/cli/commands/sched.ts';
import os from 'node:os';
import {
  CpuBackend,
  createSchedulerBackend,
  runSchedBench,
  type SchedBackend,
  type SchedBenchResult,
} from '../src/engine/sched/index.ts';
import type { Allocate } from '../src/engine/sched/typed-growth.ts';
import { NodeParallelScorer, sharedAllocate } from '../src/engine/sched-node/index.ts';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const threads = os.availableParallelism();
const repeats = Number(process.argv.find((a) => a.startsWith('--repeats='))?.slice(10) ?? 7);
const sizes: { chunks: number; edges: number; replicas: number; webgpu?: boolean }[] = [
  { chunks: 100_000, edges: 16, replicas: 5, webgpu: true },
  { chunks: 1_000_000, edges: 16, replicas: 5, webgpu: true },
  { chunks: 1_000_000, edges: 16, replicas: 16 },
  ...(quick ? [] : [{ chunks: 10_000_000, edges: 100, replicas: 5 }]),
];

const results: SchedBenchResult[] = [];
async function run(size: (typeof sizes)[number], backend: SchedBackend, allocate?: Allocate): Promise<void> {
  const r = await runSchedBench({ ...size, backend, repeats, allocate }, (line) => {
    if (!json) console.error(`  ${line}`);
  });
  results.push(r);
  if (json) console.log(JSON.stringify(r));
}

const parallel = threads > 1 ? new NodeParallelScorer(threads) : undefined;
for (const size of sizes) {
  if (!json) console.error(`${size.chunks} × ${size.edges} edges × ${size.replicas} replicas (cpu, 1 thread)`);
  await run(size, new CpuBackend());
  if (parallel) {
    if (!json)
      console.error(`${size.chunks} × ${size.edges} edges × ${size.replicas} replicas (cpu, ${threads} threads)`);
    await run(size, new CpuBackend({ parallel }), sharedAllocate);
  }
}
parallel?.dispose();
const gpu = await nodeGpu();
if (gpu) {
  const { backend } = await createSchedulerBackend({ gpu, preference: 'webgpu' });
  for (const size of sizes.filter((s) => s.webgpu)) {
    if (!json)
      console.error(`${size.chunks} × ${size.edges} edges × ${size.replicas} replicas (${backend.description.label})`);
    await run(size, backend);
  }
  backend.dispose();
} else if (!json) console.error('no WebGPU adapter: WebGPU rows skipped');

if (!json) {
  const fmt = (n: number, d = 1) => n.toFixed(d);
  console.log(
    '| chunks × edges × replicas | backend | full tick ms (scoring) | full tick, all edges changed ms | incremental 1 % chunks ms | incremental 1 edge ms (chunks) | M pairs/s | bytes/chunk |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.chunks.toLocaleString('en')} × ${r.edges} × ${r.replicas} | ${r.backend} | ${fmt(r.fullTickMs)} (${fmt(r.fullScoreMs)}) | ${fmt(r.fullChangedTickMs)} | ${fmt(r.incrementalChunksTickMs, 2)} | ${fmt(r.incrementalEdgeTickMs, 2)} (${r.incrementalEdgeScored.toLocaleString('en')}) | ${fmt(r.pairsPerSecond / 1e6, 0)} | ${fmt(r.bytesPerChunk, 0)} |`,
    );
  }
}
