/**
 * `npm run bench:swarm [-- --peers=4] [--rate=25MB] [--size=128MiB] [--runs=10] [--chunk-avg=64KiB] [--quick]`
 *
 * Swarm downloads between real processes on 127.0.0.1: `--peers` listeners, each rate-limited to `--rate`
 * (token bucket, `warp listen --rate-limit`), all holding a copy of one tree of incompressible files.
 *  1. single source: `warp fetch` from one peer (the comparison);
 *  2. swarm: `warp fetch … --from` all peers: aggregate rate against the sum of the peers' limits;
 *  3. `--runs` swarm downloads with one peer killed (SIGKILL) at a random moment: all must complete; the
 *     time from the death being detected to its chunks being dispatched elsewhere (first and last chunk).
 * Medians; the load average is printed (the machine is shared).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseByteSize } from '../src/engine/core/bytes.ts';
import { startListener } from './lib/warp-listener.ts';

const repo = path.resolve(import.meta.dirname, '..');
const BIN = path.join(repo, 'bin/warp.js');
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = argv.includes('--quick');
const peersN = Number(opt('peers') ?? 4);
const rate = opt('rate') ?? '25MB';
const rateBps = parseByteSize(rate);
const size = parseByteSize(opt('size') ?? (quick ? '32MiB' : '256MiB'));
const runs = Number(opt('runs') ?? (quick ? 3 : 10));
const chunkAvg = opt('chunk-avg') ?? '64KiB';
const MB = 1e6;
const ENV = { WARP_TRANSFER_CHUNK_AVG: chunkAvg };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function run(home: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, WARP_HOME: home, ...ENV },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Peer {
  proc: ChildProcess;
  addr: string;
}

function listen(home: string, root: string, allow: string, args: string[]): Promise<Peer> {
  return startListener({ bin: BIN, home, root, allow, globalArgs: ['-q'], args, env: ENV });
}

interface FetchRun {
  status: number;
  wall: number;
  result: Record<string, unknown>;
  stderr: string;
}

function fetchAsync(
  home: string,
  args: string[],
  onStart?: () => void,
): { proc: ChildProcess; done: Promise<FetchRun> } {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [BIN, '--json', 'fetch', '--no-preposition', ...args], {
    env: { ...process.env, WARP_HOME: home, ...ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let started = false;
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (!started && out.includes('"type":"swarm.start"')) {
      started = true;
      onStart?.();
    }
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<FetchRun>((resolve) =>
    proc.once('exit', (c) => {
      const line = out
        .split('\n')
        .filter((l) => l.startsWith('{"type":"result"'))
        .at(-1);
      resolve({
        status: c ?? -1,
        wall: (performance.now() - t0) / 1000,
        result: line ? (JSON.parse(line) as Record<string, unknown>) : {},
        stderr: err,
      });
    }),
  );
  return { proc, done };
}

function treeHash(dir: string): string {
  const h = crypto.createHash('sha256');
  for (const f of fs.readdirSync(dir).sort()) h.update(f).update(fs.readFileSync(path.join(dir, f)));
  return h.digest('hex');
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-swarm-'));
  const peers: Peer[] = [];
  try {
    const src = path.join(dir, 'src', 'data');
    fs.mkdirSync(src, { recursive: true });
    const files = 8;
    for (let i = 0; i < files; i++)
      fs.writeFileSync(path.join(src, `f${i}.bin`), crypto.randomBytes(Math.ceil(size / files)));
    const t = new Date('2026-01-01T00:00:00Z');
    for (const f of fs.readdirSync(src)) fs.utimesSync(path.join(src, f), t, t);
    const want = treeHash(src);
    const home = path.join(dir, 'home');
    const id = (JSON.parse(run(home, ['--json', 'id']).stdout.trim().split('\n').at(-1)!) as { peerId: string }).peerId;
    const roots = Array.from({ length: peersN }, (_, i) => path.join(dir, `root${i}`));
    for (const r of roots) fs.cpSync(src, path.join(r, 'data'), { recursive: true, preserveTimestamps: true });
    console.log(
      `swarm bench: ${peersN} peers at ${rate}/s each (sum ${((peersN * rateBps) / MB).toFixed(0)} MB/s), ${(size / MB).toFixed(0)} MB in ${files} files, chunks ~${chunkAvg}, load ${load()}`,
    );

    const startPeers = async (): Promise<void> => {
      for (const p of peers.splice(0)) p.proc.kill('SIGKILL');
      peers.push(
        ...(await Promise.all(roots.map((r, i) => listen(path.join(dir, `home${i}`), r, id, ['--rate-limit', rate])))),
      );
    };
    const fresh = (): string => {
      const out = path.join(dir, 'out');
      fs.rmSync(out, { recursive: true, force: true });
      fs.rmSync(path.join(home, 'store'), { recursive: true, force: true });
      return out;
    };
    await startPeers();
    // Warm the listeners' file indexes (the first `have` chunks every file).
    {
      const out = fresh();
      await fetchAsync(home, [`${peers[0].addr}:/data`, out, '--from', ...peers.slice(1).map((p) => p.addr)]).done;
    }

    // 1. Single source.
    const single: number[] = [];
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      const out = fresh();
      const r = await fetchAsync(home, [`${peers[0].addr}:/data`, out]).done;
      if (r.status !== 0 || treeHash(path.join(out, 'data')) !== want)
        throw new Error(`single-source fetch failed: ${r.stderr}`);
      single.push(size / Number(r.result.elapsedSeconds) / MB);
    }
    console.log(
      `single source: median ${median(single).toFixed(1)} MB/s (${single.map((x) => x.toFixed(1)).join(', ')}), load ${load()}`,
    );

    // 2. Swarm, every peer up.
    const agg: number[] = [];
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      const out = fresh();
      const r = await fetchAsync(home, [`${peers[0].addr}:/data`, out, '--from', ...peers.slice(1).map((p) => p.addr)])
        .done;
      if (r.status !== 0 || treeHash(path.join(out, 'data')) !== want)
        throw new Error(`swarm fetch failed: ${r.stderr}`);
      agg.push(size / Number(r.result.elapsedSeconds) / MB);
      const per = (r.result.perEdge as { bytes: number }[]).map((p) => (p.bytes / MB).toFixed(1)).join(' / ');
      const ticks = r.result.ticks as { count: number; totalMs: number; maxMs: number };
      console.log(
        `  swarm run ${i + 1}: ${agg.at(-1)!.toFixed(1)} MB/s, per peer MB ${per}, reopts ${String(r.result.reopts)}, ${ticks.count} ticks taking ${ticks.totalMs.toFixed(0)} ms (max ${ticks.maxMs} ms)`,
      );
    }
    const sum = (peersN * rateBps) / MB;
    console.log(
      `swarm: median ${median(agg).toFixed(1)} MB/s = ${((median(agg) / sum) * 100).toFixed(0)} % of the ${sum.toFixed(0)} MB/s sum; ${(median(agg) / median(single)).toFixed(2)}x single source; load ${load()}`,
    );

    // 3. A peer killed at a random moment.
    const expectedS = size / MB / (sum * 0.8);
    const first: number[] = [];
    const all: number[] = [];
    const moved: number[] = [];
    let completed = 0;
    for (let i = 0; i < runs; i++) {
      await startPeers();
      const out = fresh();
      const victim = 1 + Math.floor(Math.random() * (peersN - 1));
      // Killed at a random moment of the pull (timed from swarm.start, not from process start).
      const at = (0.1 + Math.random() * 0.6) * expectedS;
      let timer: NodeJS.Timeout | undefined;
      const f = fetchAsync(
        home,
        [`${peers[0].addr}:/data`, out, '--from', ...peers.slice(1).map((p) => p.addr)],
        () => {
          timer = setTimeout(() => peers[victim].proc.kill('SIGKILL'), at * 1000);
        },
      );
      const r = await f.done;
      clearTimeout(timer);
      const ok = r.status === 0 && treeHash(path.join(out, 'data')) === want;
      if (ok) completed++;
      const lat =
        (r.result.failoverLatencyMs as { reassignedMs: number; firstMs: number; allMs: number }[] | undefined) ?? [];
      for (const l of lat) {
        moved.push(l.reassignedMs);
        first.push(l.firstMs);
        all.push(l.allMs);
      }
      console.log(
        `  kill run ${i + 1}: peer ${victim} killed ${at.toFixed(2)} s into the pull: ${ok ? 'complete' : `FAILED ${r.stderr.slice(-300)}`}, ${(size / Number(r.result.elapsedSeconds ?? NaN) / MB).toFixed(1)} MB/s, failovers ${String(r.result.failovers)}, detection -> reassigned / first / last re-dispatch ${lat.map((l) => `${l.reassignedMs} / ${l.firstMs} / ${l.allMs} ms`).join(', ') || 'n/a (nothing left on it)'}`,
      );
    }
    const mx = (xs: number[]): string => (xs.length ? Math.max(...xs).toFixed(1) : 'n/a');
    console.log(
      `kills: ${completed}/${runs} complete; detection -> all its chunks reassigned: median ${median(moved).toFixed(1)} ms (max ${mx(moved)}); -> first re-dispatched: median ${median(first).toFixed(1)} ms (max ${mx(first)}); -> last re-dispatched (waits for free slots elsewhere): median ${median(all).toFixed(1)} ms; load ${load()}`,
    );
  } finally {
    for (const p of peers) p.proc.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
