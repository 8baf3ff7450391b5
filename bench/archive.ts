/**
 * `npm run bench:archive`: Warp's archive create / extract / verify against restic, borg, tar and zstd on the same
 * deterministic data set in the same run. Figures, not tests: it always exits 0 unless the benchmark itself breaks.
 *
 *   node bench/archive.ts [--size 1GiB] [--seed N] [--small-files N] [--json] [--markdown] [--keep] [--skip-peers]
 *                         [--tools warp,restic,…] [--cache auto|cold|warm] [--level L] [--chunk-avg SIZE] [--fsync] [--repeat N] [--no-check]
 *
 * Progress goes to stderr; the table (or, with --json, one JSON document) to stdout (use `npm run -s` or
 * `npm exec -- node bench/archive.ts --json`, since plain `npm run` prints its own banner on stdout).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatBytes, parseByteSize } from '../src/engine/core/bytes.ts';
import { ensureDataset, type Dataset } from './lib/dataset.ts';
import {
  dropCaches,
  runTimed,
  sameTree,
  sizeOf,
  warmTree,
  type CacheMode,
  type Measurement,
  type Op,
} from './lib/archive-measure.ts';
import { describeMachine } from './lib/archive-machine.ts';
import { markdownTable, ratioLines, ratios, targetLines, textTable, type ToolInfo } from './lib/archive-report.ts';
import type { Step, Tool, ToolContext } from './lib/archive-tool.ts';
import { warpTool } from './lib/archive-warp.ts';
import { PEERS } from './lib/peers.ts';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1GiB' },
    seed: { type: 'string', default: '1' },
    'small-files': { type: 'string' },
    json: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'skip-peers': { type: 'boolean', default: false },
    tools: { type: 'string' },
    cache: { type: 'string', default: 'auto' },
    level: { type: 'string' },
    'chunk-avg': { type: 'string' },
    'no-check': { type: 'boolean', default: false },
    fsync: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (args.help) {
  const header = fs.readFileSync(import.meta.filename, 'utf8').split('*/')[0];
  process.stdout.write(header.replace(/^\/\*\*?|^ \* ?/gm, '') + '\n');
  process.exit(0);
}

const log = (line: string): void => {
  process.stderr.write(line + '\n');
};
const repoRoot = path.resolve(import.meta.dirname, '..');
const cacheDir = path.join(repoRoot, '.bench-data');

// ---- data set ------------------------------------------------------------------------------------------------

const smallFiles = args['small-files'] !== undefined ? Number(args['small-files']) : undefined;
if (smallFiles !== undefined && !(Number.isInteger(smallFiles) && smallFiles > 0))
  throw new Error(`--small-files must be a positive integer, got '${args['small-files']}'`);
const seed = Number(args.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got '${args.seed}'`);
const size = parseByteSize(args.size, '--size');

log(
  smallFiles
    ? `data set: ${smallFiles} small files, seed ${seed}`
    : `data set: mixed, ${formatBytes(size)}, seed ${seed}`,
);
const ds: Dataset = ensureDataset({ size, seed, smallFiles, cacheDir });
log(
  `  ${ds.root}: ${ds.files} files, ${ds.dirs} dirs, ${formatBytes(ds.totalBytes)} ${ds.cached ? '(cached)' : `(generated in ${ds.generatedSeconds.toFixed(1)} s)`}`,
);

// ---- tools ---------------------------------------------------------------------------------------------------

const warpVariants = [
  warpTool({ name: 'warp', level: args.level, chunkAvg: args['chunk-avg'], encrypt: false, fsync: args.fsync }),
  warpTool({ name: 'warp+enc', level: args.level, chunkAvg: args['chunk-avg'], encrypt: true, fsync: args.fsync }),
];
const only = args.tools
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const tools: Tool[] = [...warpVariants, ...(args['skip-peers'] ? [] : PEERS)].filter(
  (t) => !only || only.includes(t.name),
);

// ---- page cache ----------------------------------------------------------------------------------------------

const runDir = path.join(cacheDir, `run-${process.pid}`);
fs.mkdirSync(runDir, { recursive: true });
const passwordFile = path.join(runDir, 'password');
fs.writeFileSync(passwordFile, 'warp-bench-password\n', { mode: 0o600 });

let cache: CacheMode;
if (args.cache === 'warm') cache = 'warm';
else if (dropCaches()) cache = 'cold';
else {
  if (args.cache === 'cold')
    log('cannot drop the page cache (needs root and a writable /proc/sys/vm/drop_caches); falling back to warm');
  cache = 'warm';
}
if (cache === 'warm') {
  log('page cache: warm (every tool reads the set from memory; warming it now)');
  warmTree(ds.root);
} else {
  log('page cache: dropped before every timed op (cold reads from disk for every tool)');
}

/** Same starting state for every timed op: dirty pages flushed, and the cache dropped when we can. */
function settle(): void {
  if (cache === 'cold') dropCaches();
  else runTimed(['sync']);
}

// ---- running ---------------------------------------------------------------------------------------------------

/** Where a tool put the extracted set: dest itself, or the one directory it created inside dest. */
function extractedRoot(dest: string): string {
  const entries = fs.readdirSync(dest, { withFileTypes: true });
  if (entries.length === 1 && entries[0].isDirectory() && !fs.existsSync(path.join(ds.root, entries[0].name)))
    return path.join(dest, entries[0].name);
  return dest;
}

function measure(tool: Tool, op: Op, step: Step): Measurement {
  try {
    step.setup?.();
  } catch (e) {
    return { tool: tool.name, op, seconds: 0, mbps: 0, ok: false, error: (e as Error).message };
  }
  settle();
  const r = runTimed(step.argv, { cwd: step.cwd, env: step.env });
  const m: Measurement = {
    tool: tool.name,
    op,
    seconds: r.seconds,
    mbps: ds.totalBytes / r.seconds / 1e6,
    peakRssKiB: r.peakRssKiB,
    ok: r.status === 0,
  };
  if (!m.ok) m.error = `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`;
  else if (step.parse) {
    const p = step.parse(r);
    m.dedupRatio = p.dedupRatio;
    if (p.details) m.details = p.details;
  }
  return m;
}

/** One create → extract (+ check) → verify cycle in a fresh scratch dir. */
function cycle(tool: Tool, ctx: ToolContext): Measurement[] {
  fs.rmSync(ctx.work, { recursive: true, force: true });
  fs.mkdirSync(ctx.work, { recursive: true });
  const out: Measurement[] = [];
  const c = measure(tool, 'create', tool.create(ctx));
  if (c.ok) c.outputBytes = sizeOf(tool.output(ctx));
  out.push(c);
  if (!c.ok) return out;
  const dest = path.join(ctx.work, 'extract');
  fs.mkdirSync(dest, { recursive: true });
  const e = measure(tool, 'extract', tool.extract(ctx, dest));
  if (e.ok && !args['no-check']) {
    // Untimed: an extraction that is fast but wrong must not look like a result.
    const chk = tool.checkExtract ? tool.checkExtract(ctx, dest) : sameTree(ds.root, extractedRoot(dest));
    e.details = { ...e.details, check: chk.same ? 'identical' : 'DIFFERS' };
    if (!chk.same) log(`  extract of ${tool.name} differs from the data set: ${chk.detail}`);
  }
  out.push(e);
  // Free the disk before verify (a 1 GiB set extracted seven times adds up); --keep keeps the last run's copy.
  if (!args.keep) fs.rmSync(dest, { recursive: true, force: true });
  if (tool.verify) out.push(measure(tool, 'verify', tool.verify(ctx)));
  return out;
}

/**
 * Several runs of one op reduced to one row: the median time (the machine is shared and 2 cores are easily
 * disturbed), the largest peak RSS, every run's seconds kept in details.
 */
function combine(runs: Measurement[]): Measurement {
  const failed = runs.find((m) => !m.ok);
  if (failed) return failed;
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  const med = sorted[Math.floor((sorted.length - 1) / 2)];
  const rss = Math.max(...runs.map((m) => m.peakRssKiB ?? 0));
  const differs = runs.some((m) => m.details?.check === 'DIFFERS');
  return {
    ...med,
    peakRssKiB: rss || undefined,
    details: {
      ...med.details,
      ...(med.details?.check ? { check: differs ? 'DIFFERS' : med.details.check } : {}),
      ...(runs.length > 1 ? { runsSeconds: runs.map((m) => Number(m.seconds.toFixed(3))) } : {}),
    },
  };
}

const repeat = Number(args.repeat);
if (!(Number.isInteger(repeat) && repeat >= 1))
  throw new Error(`--repeat must be a positive integer, got '${args.repeat}'`);
const results: Measurement[] = [];
const infos: ToolInfo[] = [];
const loadBefore = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const present: Array<{ tool: Tool; ctx: ToolContext; byOp: Map<Op, Measurement[]> }> = [];
for (const tool of tools) {
  const found = tool.detect();
  if ('missing' in found) {
    log(`skip ${tool.name}: ${found.missing}`);
    infos.push({ name: tool.name, settings: tool.settings, skipped: found.missing });
    continue;
  }
  infos.push({ name: tool.name, version: found.version, settings: tool.settings });
  const ctx: ToolContext = { data: ds.root, work: path.join(runDir, tool.name.replace(/[^\w.-]/g, '_')), passwordFile };
  present.push({ tool, ctx, byOp: new Map() });
}

// Rounds go through every tool in turn (rather than all runs of one tool, then the next), so a burst of load from
// something else on the machine lands on several tools instead of skewing one tool's every run.
for (let round = 1; round <= repeat; round++) {
  for (const { tool, ctx, byOp } of present) {
    log(
      `${tool.name} ${infos.find((i) => i.name === tool.name)?.version} (${tool.settings})${repeat > 1 ? `, run ${round}/${repeat}` : ''}`,
    );
    for (const m of cycle(tool, ctx)) {
      log(
        `  ${m.op.padEnd(7)} ${m.ok ? `${m.seconds.toFixed(2)} s  ${m.mbps.toFixed(0)} MB/s${m.peakRssKiB ? `  ${(m.peakRssKiB / 1024).toFixed(0)} MiB RSS` : ''}` : `FAILED ${m.error}`}`,
      );
      byOp.set(m.op, [...(byOp.get(m.op) ?? []), m]);
    }
    if (!args.keep) fs.rmSync(ctx.work, { recursive: true, force: true });
  }
}
for (const { byOp } of present) for (const runs of byOp.values()) results.push(combine(runs));

const loadAfter = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
if (args.keep) log(`kept outputs under ${runDir}`);
else fs.rmSync(runDir, { recursive: true, force: true });

// ---- report --------------------------------------------------------------------------------------------------

// Plain Warp against every peer; encrypted Warp against the peers that encrypt too (restic always does, borg here).
const rs = [
  ...ratios(
    results,
    ['warp'],
    PEERS.map((t) => t.name),
  ),
  ...ratios(results, ['warp+enc'], ['restic', 'borg']),
];
const machine = describeMachine(ds.root);
const targets = warpVariants.flatMap((t) => targetLines(results, t.name, smallFiles !== undefined));

if (args.json) {
  process.stdout.write(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine,
        cache,
        repeat,
        loadAverage: { before: loadBefore, after: loadAfter },
        dataset: { ...ds, root: path.relative(repoRoot, ds.root) },
        tools: infos,
        results,
        ratios: rs,
        targets,
      },
      null,
      2,
    ) + '\n',
  );
} else {
  const lines = [
    '',
    `${machine.cores} cores, ${machine.cpu}, ${machine.memGiB} GiB RAM; disk ${machine.disk}; Node ${machine.node}; page cache ${cache}; load average ${loadBefore} before, ${loadAfter} after`,
    `data set: ${ds.params.mode}, ${formatBytes(ds.totalBytes)} (${ds.totalBytes} B), ${ds.files} files, seed ${ds.params.seed}; MB/s = data-set bytes / wall seconds${repeat > 1 ? `; median of ${repeat} runs, peak RSS the largest` : ''}`,
    '',
    args.markdown ? markdownTable(results) : textTable(results),
    '',
    ...infos.map((t) => `${t.name}: ${t.skipped ? `skipped (${t.skipped})` : `${t.version}; ${t.settings}`}`),
  ];
  if (rs.length)
    lines.push(
      '',
      'ratios (Warp / peer; below 1 means Warp is faster or smaller):',
      ...ratioLines(rs).map((l) => `  ${l}`),
    );
  lines.push('', 'targets (figures, not tests):', ...targets.map((l) => `  ${l}`));
  process.stdout.write(lines.join('\n') + '\n');
}
