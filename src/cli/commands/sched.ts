/**
 * `warp sim` (the deterministic scheduler simulator) and `warp bench sched` (scheduler figures). Both pick the
 * backend like the app does (WebGPU only with a hardware adapter unless --backend forces it).
 */
import os from 'node:os';
import { Option, type Command } from 'commander';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { formatBytes, formatDuration } from '../../engine/core/bytes.ts';
import {
  createSchedulerBackend,
  POLICY_NAMES,
  Prng,
  runSchedBench,
  runSimulation,
  type BackendPreference,
  type PolicyName,
  type SchedBackend,
  type SimEdgeSpec,
} from '../../engine/sched/index.ts';
import type { GpuLike } from '../../engine/sched/webgpu/gpu-types.ts';
import { NodeParallelScorer, sharedAllocate } from '../../engine/sched-node/index.ts';
import type { CliContext } from '../context.ts';

/**
 * WebGPU in Node through the `webgpu` package (Dawn). Tries Vulkan, then OpenGL ES (stock Mesa: needs
 * EGL_PLATFORM=surfaceless, set here before Dawn loads EGL). WARP_WEBGPU_BACKEND=vulkan|opengles picks one.
 * Returns undefined when the package is not installed. Lives in the CLI because sched must stay browser-safe.
 */
export async function nodeGpu(): Promise<GpuLike | undefined> {
  if (cachedGpu !== undefined) return cachedGpu ?? undefined;
  process.env.EGL_PLATFORM ??= 'surfaceless';
  let mod: { create(options: string[]): unknown } | undefined;
  try {
    mod = (await import('webgpu')) as unknown as { create(options: string[]): unknown };
  } catch {
    cachedGpu = null;
    return undefined;
  }
  const wanted = process.env.WARP_WEBGPU_BACKEND;
  const attempts = wanted ? [[`backend=${wanted}`]] : [['backend=vulkan'], ['backend=opengles']];
  for (const options of attempts) {
    const gpu = mod.create(options) as GpuLike;
    const adapter = (await gpu.requestAdapter()) ?? (await gpu.requestAdapter({ featureLevel: 'compatibility' }));
    if (adapter) {
      cachedGpu = gpu;
      return gpu;
    }
  }
  cachedGpu = null;
  return undefined;
}
// Kept for the process lifetime: dropping the Dawn instance would invalidate devices made from it.
let cachedGpu: GpuLike | null | undefined;

function intArg(name: string, min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min || n > max)
      throw new WarpError(ErrorCodes.USAGE, `--${name} must be an integer ${min}..${max}, got '${v}'`);
    return n;
  };
}

function floatArg(name: string, min: number, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!(n >= min && n <= max))
      throw new WarpError(ErrorCodes.USAGE, `--${name} must be a number ${min}..${max}, got '${v}'`);
    return n;
  };
}

const backendOption = (): Option =>
  new Option('--backend <kind>', 'scheduler backend: auto (WebGPU only on a hardware adapter), cpu or webgpu')
    .choices(['auto', 'cpu', 'webgpu'])
    .default('auto');

/**
 * Builds the backend the user asked for; says on stderr which one runs and why. The CPU backend splits large
 * runs over `threads` threads (worker threads + this one) when the model lives on SharedArrayBuffers.
 */
export async function cliBackend(
  preference: BackendPreference,
  ctx: CliContext,
  threads = os.availableParallelism(),
): Promise<SchedBackend> {
  const gpu = preference === 'cpu' ? undefined : await nodeGpu();
  let parallel: NodeParallelScorer | undefined;
  try {
    parallel = threads > 1 ? new NodeParallelScorer(threads) : undefined;
  } catch (e) {
    if (!ctx.opts().quiet) ctx.err(`scheduler: one CPU thread (${e instanceof Error ? e.message : String(e)})`);
  }
  const { backend, report } = await createSchedulerBackend({ gpu, preference, cpu: { parallel } });
  if (backend.description.kind !== 'cpu') parallel?.dispose();
  if (!ctx.opts().quiet) ctx.err(`scheduler backend: ${backend.description.label} (${report.reason})`);
  return backend;
}

/** The `bench` parent command, shared with other benchmark subcommands (created once). */
export function benchCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'bench') ??
    program.command('bench').description('run a benchmark and print its figures')
  );
}

interface SimOptions {
  edges: number;
  chunks: number;
  replicas: number;
  seed: number;
  policy: PolicyName;
  backend: BackendPreference;
  killEdge: string[];
  failureRate: number;
  jitter: number;
  maxSeconds: number;
  balance: boolean;
}

interface BenchOptions {
  chunks: number;
  edges: number;
  replicas: number;
  k: number;
  repeats: number;
  seed: number;
  threads: number;
  backend: BackendPreference;
}

async function runSim(ctx: CliContext, o: SimOptions): Promise<void> {
  const rng = new Prng(o.seed);
  const edges: SimEdgeSpec[] = Array.from({ length: o.edges }, () => ({
    bandwidth: Math.round(rng.range(5, 100)) * 1e6,
    rtt: Math.round(rng.range(5, 100)) / 1000,
    maxParallel: rng.int(2, 8),
    jitter: o.jitter,
    failureRate: o.failureRate,
    health: Math.round(rng.range(0.7, 1) * 100) / 100,
  }));
  for (const k of o.killEdge) {
    const m = /^(\d+)@(\d+(?:\.\d+)?)$/.exec(k);
    if (!m || Number(m[1]) >= o.edges)
      throw new WarpError(ErrorCodes.USAGE, `--kill-edge expects EDGE@SECONDS with EDGE < ${o.edges}, got '${k}'`);
    const e = edges[Number(m[1])];
    e.outages = [...(e.outages ?? []), { from: Number(m[2]) * 1000 }];
  }
  const backend = await cliBackend(o.backend, ctx, 1); // simulations are small: no workers
  try {
    const report = await runSimulation({
      seed: o.seed,
      edges,
      chunks: o.chunks,
      replicas: o.replicas,
      backend,
      maxVirtualMs: o.maxSeconds * 1000,
      config: { policy: o.policy, balance: { enabled: o.balance } },
    });
    if (ctx.opts().json) {
      ctx.out(JSON.stringify({ type: 'result', command: 'sim', ...report, edgeSpecs: edges }));
      return;
    }
    ctx.out(
      `${report.completed ? 'completed' : 'incomplete'}: ${report.done}/${report.chunks} chunks, ${formatBytes(report.bytes)} in ${formatDuration(report.completionMs / 1000)} virtual (${report.ticks} ticks, ${report.meanTickMs.toFixed(2)} ms each)`,
    );
    ctx.out(
      `failures ${report.failuresDetected}, failovers ${report.failovers} (late ${report.failoversLate}), permanent ${report.permanentFailures}, balance moves ${report.balanceMoves}, re-optimisation moves ${report.reoptMoves}`,
    );
    ctx.out('edge  bandwidth   rtt     chunks  bytes       utilisation  failures');
    for (const e of report.edges) {
      const s = edges[e.edge];
      ctx.out(
        `${String(e.edge).padStart(4)}  ${(s.bandwidth / 1e6).toFixed(0).padStart(4)} MB/s  ${(s.rtt * 1000).toFixed(0).padStart(4)} ms  ${String(e.chunks).padStart(6)}  ${formatBytes(e.bytes).padStart(10)}  ${(e.utilisation * 100).toFixed(1).padStart(10)} %  ${String(e.failures).padStart(8)}${s.outages ? '  (killed)' : ''}`,
      );
    }
  } finally {
    backend.dispose();
  }
}

async function runBenchSched(ctx: CliContext, o: BenchOptions): Promise<void> {
  const backend = await cliBackend(o.backend, ctx, o.threads);
  try {
    const log = ctx.opts().quiet || ctx.opts().json ? undefined : (line: string) => ctx.err(line);
    const allocate = o.threads > 1 ? sharedAllocate : undefined;
    const r = await runSchedBench(
      {
        chunks: o.chunks,
        edges: o.edges,
        replicas: o.replicas,
        k: o.k,
        repeats: o.repeats,
        seed: o.seed,
        backend,
        allocate,
      },
      log,
    );
    if (ctx.opts().json) {
      ctx.out(JSON.stringify({ type: 'result', command: 'bench sched', ...r }));
      return;
    }
    ctx.out(`backend            ${r.backend}`);
    ctx.out(
      `model              ${r.chunks} chunks × ${r.replicas} replicas, ${r.edges} edges, k = ${r.k} (${r.pairs} pairs)`,
    );
    ctx.out(
      `full tick          ${r.fullTickMs.toFixed(1)} ms (scoring ${r.fullScoreMs.toFixed(1)} ms), ${(r.pairsPerSecond / 1e6).toFixed(0)} M pairs/s`,
    );
    ctx.out(`full tick          ${r.fullChangedTickMs.toFixed(1)} ms with every edge changed`);
    ctx.out(
      `incremental tick   ${r.incrementalChunksTickMs.toFixed(2)} ms with 1 % of chunks changed (${r.incrementalChunksScored} rescored)`,
    );
    ctx.out(
      `incremental tick   ${r.incrementalEdgeTickMs.toFixed(2)} ms with one edge changed (${r.incrementalEdgeScored} chunks updated)`,
    );
    ctx.out(`state              ${r.bytesPerChunk.toFixed(0)} bytes per chunk`);
  } finally {
    backend.dispose();
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('sim')
    .description(
      'simulate the chunk scheduler in virtual time: edges with bandwidth/RTT traces and failures, chunks with replicas',
    )
    .option('--edges <n>', 'number of source edges', intArg('edges', 1, 65535), 8)
    .option('--chunks <n>', 'number of chunks', intArg('chunks', 1, 50_000_000), 2000)
    .option('--replicas <n>', 'edges holding each chunk', intArg('replicas', 1, 65535), 3)
    .option('--seed <n>', 'random seed (same seed, same report)', intArg('seed', 0), 1)
    .addOption(
      new Option('--policy <name>', 'cost weight policy')
        .choices(POLICY_NAMES.filter((p) => p !== 'custom'))
        .default('balanced'),
    )
    .option(
      '--kill-edge <edge@seconds>',
      'take an edge down at a virtual time (repeatable), e.g. 0@5',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--failure-rate <p>', 'probability that one transfer fails', floatArg('failure-rate', 0, 1), 0.01)
    .option('--jitter <x>', 'relative bandwidth variation over time', floatArg('jitter', 0, 0.95), 0.2)
    .option('--max-seconds <s>', 'stop after this much virtual time', intArg('max-seconds', 1), 3600)
    .option('--no-balance', 'disable load balancing')
    .addOption(backendOption())
    .action((o: SimOptions) => runSim(ctx, o));

  benchCommand(program)
    .command('sched')
    .description('scheduler benchmark: full and incremental tick times, pairs per second, bytes of state per chunk')
    .option('--chunks <n>', 'number of chunks', intArg('chunks', 1, 100_000_000), 1_000_000)
    .option('--edges <n>', 'number of edges', intArg('edges', 1, 65535), 16)
    .option('--replicas <n>', 'edges holding each chunk', intArg('replicas', 1, 65535), 5)
    .option('--k <n>', 'length of each chunk k-best list (1-8)', intArg('k', 1, 8), 4)
    .option('--repeats <n>', 'timed repetitions (median reported)', intArg('repeats', 1, 1000), 5)
    .option('--seed <n>', 'random seed', intArg('seed', 0), 1)
    .option(
      '--threads <n>',
      'CPU backend threads (1 = no worker threads); default: every core',
      intArg('threads', 1, 64),
      os.availableParallelism(),
    )
    .addOption(backendOption())
    .action((o: BenchOptions) => runBenchSched(ctx, o));
}
