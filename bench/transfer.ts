/**
 * `npm run bench:transfer [-- --size=1GiB] [--repeat=N] [--quick] [--no-rsync]`
 *
 * Warp peer-to-peer transfer between two real `warp` processes on 127.0.0.1 (a listener and a sender, each
 * with its own WARP_HOME), on the deterministic mixed data set of the archive benchmark (copied first, so the
 * shared cache is never edited):
 *  1. first copy over QUIC and over the TCP fallback (fresh homes: nothing cached, the sender scans and
 *     hashes everything): wall time of `warp send` (process start to exit) and MB/s; wire compression
 *     follows transfer.compress (auto: off between processes on one machine);
 *  2. the same data with an rsync daemon on 127.0.0.1 (`rsync -a` into rsync://, no compression);
 *  3. 1 % of the bytes edited in place (64 KiB regions spread over the files), then re-send with Warp and re-run
 *     rsync: time and bytes on the wire;
 *  4. stream mode: 64 KiB chunk latency p50/p99 (paced) and unpaced throughput, QUIC and TCP.
 * Medians over --repeat rounds; the load average is printed (other engineers' benchmarks share the machine).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseByteSize } from '../src/engine/core/bytes.ts';
import { ensureDataset } from './lib/dataset.ts';
import { killRounds } from './lib/transfer-kills.ts';
import { streamLatency } from './lib/transfer-stream.ts';
import { startListener, stopProcess } from './lib/warp-listener.ts';

const repo = path.resolve(import.meta.dirname, '..');
/** `--bin=PATH`: another build's bin/warp.js (A/B against an older commit). */
const BIN = process.argv.find((a) => a.startsWith('--bin='))?.slice(6) ?? path.join(repo, 'bin/warp.js');
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = argv.includes('--quick');
const size = parseByteSize(opt('size') ?? (quick ? '256MiB' : '1GiB'));
const repeat = Number(opt('repeat') ?? (quick ? 1 : 3));
const withRsync = !argv.includes('--no-rsync') && spawnSync('rsync', ['--version']).status === 0;
/** `--only=resend`: one untimed first copy, then --repeat rounds of (fresh 1 % edit, warp re-send, rsync re-send); `--only=big`: the one-large-file rounds alone; `--only=kill`: SIGKILL points (bench/lib/transfer-kills.ts). */
const only = opt('only');
/** `--prof=DIR`: CPU profiles of the listener and the sender of each re-send (node --cpu-prof). */
const profDir = opt('prof');
const MB = 1e6;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function warpJson(
  home: string,
  args: string[],
  prof?: string,
): { status: number; wall: number; cpu: number; result: Record<string, unknown>; stderr: string } {
  const t0 = performance.now();
  const nodeArgs = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
  // /usr/bin/time adds the process's CPU seconds (user + system) as the last stderr line.
  const cmd = [process.execPath, ...nodeArgs, BIN, '--json', ...args];
  const r = timeBin
    ? spawnSync(timeBin, ['-f', 'CPU %U %S', ...cmd], {
        env: { ...process.env, WARP_HOME: home },
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      })
    : spawnSync(cmd[0], cmd.slice(1), {
        env: { ...process.env, WARP_HOME: home },
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      });
  const wall = (performance.now() - t0) / 1000;
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{"type":"result"'));
  const cpuLine = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  const cpu = cpuLine ? Number(cpuLine[1]) + Number(cpuLine[2]) : NaN;
  return {
    status: r.status ?? -1,
    wall,
    cpu,
    result: lines.length ? (JSON.parse(lines.at(-1)!) as Record<string, unknown>) : {},
    stderr: r.stderr,
  };
}

function listener(
  home: string,
  root: string,
  allow: string,
  prof?: string,
): Promise<{ proc: ChildProcess; addr: string }> {
  return startListener({ bin: BIN, home, root, allow, nodeArgs: prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [] });
}

const stop = (p: ChildProcess): Promise<void> => stopProcess(p);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** An rsync daemon on 127.0.0.1 writing into <dst>/rsync; the URL of its tree's `data` folder. */
async function startRsyncd(work: string, dst: string): Promise<{ proc: ChildProcess; url: string }> {
  const port = await freePort();
  const conf = path.join(work, 'rsyncd.conf');
  fs.mkdirSync(path.join(dst, 'rsync'), { recursive: true });
  fs.writeFileSync(
    conf,
    `pid file = ${work}/rsyncd.pid\nuse chroot = no\n[bench]\npath = ${dst}/rsync\nread only = no\nuid = ${os.userInfo().uid}\ngid = ${os.userInfo().gid}\n`,
  );
  const proc = spawn(
    'rsync',
    ['--daemon', '--no-detach', `--config=${conf}`, `--port=${port}`, '--address=127.0.0.1'],
    { stdio: 'ignore' },
  );
  await new Promise((r) => setTimeout(r, 500));
  return { proc, url: `rsync://127.0.0.1:${port}/bench/data/` };
}

function rsyncRun(src: string, url: string): { wall: number; sent: number; ok: boolean; err: string } {
  const t0 = performance.now();
  const r = spawnSync('rsync', ['-a', '--stats', `${src}/`, url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = (performance.now() - t0) / 1000;
  const m = /Total bytes sent:\s*([\d,.]+)/.exec(r.stdout);
  return { wall, sent: m ? Number(m[1].replace(/[,.]/g, '')) : NaN, ok: r.status === 0, err: r.stderr.slice(-500) };
}

/** Overwrites ~`fraction` of the tree's bytes in 64 KiB regions spread over its larger files (sizes kept). */
function editTree(root: string, fraction: number, total: number, seed = 'edit-seed'): number {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      const st = fs.lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size >= 1024 * 1024) files.push(p);
    }
  };
  walk(root);
  const region = 64 * 1024;
  const regions = Math.max(1, Math.round((total * fraction) / region));
  let edited = 0;
  const rng = crypto.createHash('sha256').update(seed).digest();
  for (let i = 0; i < regions; i++) {
    const f = files[(i * 7919) % files.length];
    const st = fs.statSync(f);
    const off = Math.floor(((rng.readUInt32BE((i * 4) % 28) ^ (i * 2654435761)) >>> 0) % Math.max(1, st.size - region));
    const fd = fs.openSync(f, 'r+');
    fs.writeSync(fd, crypto.randomBytes(region), 0, region, off);
    fs.closeSync(fd);
    edited += region;
  }
  return edited;
}

function printBig(bigRates: Array<{ what: string; mibps: number; transferMibps: number }>): void {
  for (const w of new Set(bigRates.map((b) => b.what))) {
    const xs = bigRates.filter((b) => b.what === w);
    console.log(
      `${w}: median ${median(xs.map((x) => x.mibps)).toFixed(0)} MiB/s wall (${xs.map((x) => x.mibps.toFixed(0)).join(', ')}), ${median(xs.map((x) => x.transferMibps)).toFixed(0)} MiB/s transfer phase  load ${load()}`,
    );
  }
}

/** CPU seconds (user + system) a live process has used so far (/proc; 0 where unavailable). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** Re-send rounds alone: an untimed first copy with each tool, then per round a fresh 1 % edit and both re-sends. */
async function resendRounds(
  src: string,
  total: number,
  homeA: string,
  homeB: string,
  dst: string,
  idA: string,
  work: string,
): Promise<void> {
  const warpS: number[] = [];
  const cpuS: number[] = [];
  const rsyncS: number[] = [];
  const wire: number[] = [];
  let l = await listener(homeB, dst, idA);
  const first = warpJson(homeA, ['send', src, `${l.addr}:/quic`, '--transport', 'quic']);
  await stop(l.proc);
  if (first.status !== 0) throw new Error(`warp send failed: ${first.stderr}`);
  let rsyncd: ChildProcess | undefined;
  let rsyncUrl = '';
  if (withRsync) {
    ({ proc: rsyncd, url: rsyncUrl } = await startRsyncd(work, dst));
    const r = rsyncRun(src, rsyncUrl);
    if (!r.ok) throw new Error(`rsync failed: ${r.err}`);
  }
  console.log(`first copies done  load ${load()}`);
  try {
    for (let round = 0; round < repeat; round++) {
      const edited = editTree(src, 0.01, total, `edit-seed-${round}`);
      spawnSync('sync');
      const prof = profDir ? path.join(profDir, `round${round}`) : undefined;
      l = await listener(homeB, dst, idA, prof && path.join(prof, 'listener'));
      const cpu0 = cpuSeconds(l.proc.pid);
      const r = warpJson(
        homeA,
        ['send', src, `${l.addr}:/quic`, '--transport', 'quic'],
        prof && path.join(prof, 'sender'),
      );
      const listenerCpu = cpuSeconds(l.proc.pid) - cpu0;
      const senderCpu = r.cpu;
      cpuS.push(listenerCpu + senderCpu);
      await stop(l.proc);
      if (r.status !== 0) throw new Error(`warp re-send failed: ${r.stderr}`);
      warpS.push(r.wall);
      wire.push(Number(r.result.wireBytes));
      console.log(
        `  round ${round + 1}: edited ${(edited / MB).toFixed(1)} MB; warp ${r.wall.toFixed(2)} s, CPU ${senderCpu.toFixed(2)} s sender + ${listenerCpu.toFixed(2)} s listener (scan ${Number(r.result.scanSeconds).toFixed(2)} s, receiver ${Number(r.result.elapsedSeconds).toFixed(2)} s), wire ${(Number(r.result.wireBytes) / MB).toFixed(2)} MB (${((Number(r.result.wireBytes) / total) * 100).toFixed(2)} %)  load ${load()}`,
      );
      if (rsyncd) {
        const q = rsyncRun(src, rsyncUrl);
        if (!q.ok) throw new Error(`rsync failed: ${q.err}`);
        rsyncS.push(q.wall);
        console.log(`           rsync ${q.wall.toFixed(2)} s, sent ${(q.sent / MB).toFixed(2)} MB  load ${load()}`);
      }
    }
  } finally {
    rsyncd?.kill('SIGTERM');
  }
  console.log(
    `\nre-send after a 1 % edit, median of ${repeat}: warp ${median(warpS).toFixed(2)} s (${warpS.map((x) => x.toFixed(2)).join(', ')}; CPU of both processes ${median(cpuS).toFixed(2)} s), wire ${(median(wire) / MB).toFixed(2)} MB` +
      (rsyncS.length ? `; rsync ${median(rsyncS).toFixed(2)} s (${rsyncS.map((x) => x.toFixed(2)).join(', ')})` : '') +
      `  load ${load()}`,
  );
}

async function main(): Promise<void> {
  console.log(
    `bench:transfer  size=${size} repeat=${repeat} rsync=${withRsync}  node ${process.versions.node}  cores ${os.cpus().length}  load ${load()}`,
  );
  if (only === 'kill') {
    // SIGKILL points on a smaller set (--kill-size, default 64 MiB): each round is a partial send plus a rerun.
    const ks = ensureDataset({
      size: parseByteSize(opt('kill-size') ?? '64MiB'),
      seed: 1,
      cacheDir: path.join(repo, '.bench-data'),
    });
    const kwork = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-kill-'));
    try {
      const ksrc = path.join(kwork, 'src');
      fs.cpSync(ks.root, ksrc, { recursive: true, preserveTimestamps: true });
      await killRounds({
        bin: BIN,
        src: ksrc,
        work: kwork,
        kills: Number(opt('kills') ?? 20),
        totalBytes: ks.totalBytes,
      });
    } finally {
      fs.rmSync(kwork, { recursive: true, force: true });
    }
    return;
  }
  const ds = ensureDataset({ size, seed: 1, cacheDir: path.join(repo, '.bench-data') });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-xfer-'));
  try {
    const src = path.join(work, 'src', 'data');
    fs.cpSync(ds.root, src, { recursive: true, preserveTimestamps: true });
    const total = ds.totalBytes;
    console.log(`data set: ${ds.files} files, ${(total / MB).toFixed(0)} MB (copied to ${src})`);
    const homeA = path.join(work, 'A');
    const homeB = path.join(work, 'B');
    const dst = path.join(work, 'dst');
    fs.mkdirSync(dst, { recursive: true });
    const idA = String(warpJson(homeA, ['id']).result.peerId);

    const rows: Array<{ what: string; seconds: number[]; wire: number[] }> = [];
    const bigRates: Array<{ what: string; mibps: number; transferMibps: number }> = [];
    const record = (what: string, seconds: number, wire: number): void => {
      let r = rows.find((x) => x.what === what);
      if (!r) {
        r = { what, seconds: [], wire: [] };
        rows.push(r);
      }
      r.seconds.push(seconds);
      r.wire.push(wire);
    };

    let rsyncd: ChildProcess | undefined;
    if (only === 'resend') {
      await resendRounds(src, total, homeA, homeB, dst, idA, work);
      return;
    }
    let rsyncUrl = '';
    if (withRsync) {
      ({ proc: rsyncd, url: rsyncUrl } = await startRsyncd(work, dst));
    }

    for (let round = 0; round < repeat && only !== 'big'; round++) {
      for (const transport of ['quic', 'tcp'] as const) {
        // First copy: nothing cached on either side.
        fs.rmSync(path.join(homeA, 'store'), { recursive: true, force: true });
        fs.rmSync(path.join(homeB, 'store'), { recursive: true, force: true });
        fs.rmSync(path.join(dst, transport), { recursive: true, force: true });
        const l = await listener(homeB, dst, idA);
        const r = warpJson(homeA, ['send', src, `${l.addr}:/${transport}`, '--transport', transport]);
        await stop(l.proc);
        if (r.status !== 0) throw new Error(`warp send (${transport}) failed: ${r.stderr}`);
        record(`warp ${transport}, first copy`, r.wall, Number(r.result.wireBytes));
        console.log(
          `  round ${round + 1} ${transport}: ${r.wall.toFixed(2)} s wall, ${(total / MB / r.wall).toFixed(0)} MB/s (transfer phase ${Number(r.result.elapsedSeconds).toFixed(2)} s, scan ${Number(r.result.scanSeconds).toFixed(2)} s), wire ${(Number(r.result.wireBytes) / MB).toFixed(0)} MB  load ${load()}`,
        );
      }
      if (rsyncd && only !== 'big') {
        fs.rmSync(path.join(dst, 'rsync', 'data'), { recursive: true, force: true });
        const r = rsyncRun(src, rsyncUrl);
        if (!r.ok) throw new Error(`rsync failed: ${r.err}`);
        record('rsync daemon, first copy', r.wall, r.sent);
        console.log(
          `  round ${round + 1} rsync: ${r.wall.toFixed(2)} s, ${(total / MB / r.wall).toFixed(0)} MB/s, sent ${(r.sent / MB).toFixed(0)} MB  load ${load()}`,
        );
      }
    }

    // One large file (no per-file costs): the transport and pipeline alone.
    {
      const bigDir = path.join(work, 'big', 'one');
      fs.mkdirSync(bigDir, { recursive: true });
      const bigBytes = Math.min(512 * 1024 * 1024, size);
      const fd = fs.openSync(path.join(bigDir, 'random.bin'), 'w');
      for (let w = 0; w < bigBytes; w += 16 * 1024 * 1024)
        fs.writeSync(fd, crypto.randomBytes(Math.min(16 * 1024 * 1024, bigBytes - w)));
      fs.closeSync(fd);
      for (let round = 0; round < repeat; round++) {
        for (const transport of ['quic', 'tcp'] as const) {
          fs.rmSync(path.join(homeA, 'store'), { recursive: true, force: true });
          fs.rmSync(path.join(homeB, 'store'), { recursive: true, force: true });
          fs.rmSync(path.join(dst, `big-${transport}`), { recursive: true, force: true });
          const l = await listener(homeB, dst, idA);
          const r = warpJson(homeA, ['send', bigDir, `${l.addr}:/big-${transport}`, '--transport', transport]);
          await stop(l.proc);
          if (r.status !== 0) throw new Error(`warp send (big, ${transport}) failed: ${r.stderr}`);
          const what = `warp ${transport}, one ${bigBytes / 1024 / 1024} MiB file`;
          let row = rows.find((x) => x.what === what);
          if (!row) {
            row = { what, seconds: [], wire: [] };
            rows.push(row);
          }
          row.seconds.push(r.wall);
          row.wire.push(Number(r.result.wireBytes));
          bigRates.push({
            what,
            mibps: bigBytes / 1024 / 1024 / r.wall,
            transferMibps: bigBytes / 1024 / 1024 / Number(r.result.elapsedSeconds),
          });
          console.log(
            `  round ${round + 1} big ${transport}: ${r.wall.toFixed(2)} s wall, ${(bigBytes / 1024 / 1024 / r.wall).toFixed(0)} MiB/s (transfer phase ${(bigBytes / 1024 / 1024 / Number(r.result.elapsedSeconds)).toFixed(0)} MiB/s)  load ${load()}`,
          );
        }
      }
      fs.rmSync(path.join(work, 'big'), { recursive: true, force: true });
      for (const t of ['quic', 'tcp']) fs.rmSync(path.join(dst, `big-${t}`), { recursive: true, force: true });
    }

    if (only === 'big') {
      rsyncd?.kill('SIGTERM');
      printBig(bigRates);
      return;
    }

    // 1 % edit, then re-send (Warp over QUIC into the TCP run's copy, the last one made: the receiver's file
    // index still describes it, as it would after any earlier transfer; rsync into its own copy).
    const edited = editTree(src, 0.01, total);
    console.log(`edited ${(edited / MB).toFixed(1)} MB in place (${((edited / total) * 100).toFixed(2)} %)`);
    {
      const l = await listener(homeB, dst, idA);
      const r = warpJson(homeA, ['send', src, `${l.addr}:/tcp`, '--transport', 'quic']);
      await stop(l.proc);
      if (r.status !== 0) throw new Error(`warp re-send failed: ${r.stderr}`);
      record('warp quic, re-send after 1 % edit', r.wall, Number(r.result.wireBytes));
      console.log(
        `  warp re-send: ${r.wall.toFixed(2)} s, wire ${(Number(r.result.wireBytes) / MB).toFixed(2)} MB (${((Number(r.result.wireBytes) / total) * 100).toFixed(2)} % of the data), fetched ${(Number(r.result.fetchedBytes) / MB).toFixed(2)} MB, unchanged files ${String(r.result.unchangedFiles)}`,
      );
    }
    if (rsyncd) {
      const r = rsyncRun(src, rsyncUrl);
      record('rsync daemon, re-send after 1 % edit', r.wall, r.sent);
      console.log(`  rsync re-send: ${r.wall.toFixed(2)} s, sent ${(r.sent / MB).toFixed(2)} MB`);
      rsyncd.kill('SIGTERM');
    }

    const streams = [];
    for (const t of ['quic', 'tcp'] as const) {
      const s = await streamLatency(t);
      streams.push(s);
      console.log(
        `  stream ${t}: p50 ${s.p50Ms.toFixed(3)} ms, p99 ${s.p99Ms.toFixed(3)} ms, max ${s.maxMs.toFixed(2)} ms (${s.chunks} × 64 KiB, one per ${s.intervalMs} ms); unpaced ${s.unpacedMBps.toFixed(0)} MB/s`,
      );
    }

    console.log('\n| run | seconds (median) | MB/s | bytes on the wire |');
    console.log('|---|---|---|---|');
    for (const r of rows) {
      const s = median(r.seconds);
      const bytes = r.what.includes(' MiB file') ? Math.min(512 * 1024 * 1024, size) : total;
      console.log(
        `| ${r.what} | ${s.toFixed(2)} | ${(bytes / MB / s).toFixed(0)} | ${(median(r.wire) / MB).toFixed(2)} MB |`,
      );
    }
    for (const w of new Set(bigRates.map((b) => b.what))) {
      const xs = bigRates.filter((b) => b.what === w);
      console.log(
        `${w}: median ${median(xs.map((x) => x.mibps)).toFixed(0)} MiB/s wall, ${median(xs.map((x) => x.transferMibps)).toFixed(0)} MiB/s transfer phase`,
      );
    }
    console.log('\n| stream | p50 ms | p99 ms | max ms | unpaced MB/s |');
    console.log('|---|---|---|---|---|');
    for (const s of streams)
      console.log(
        `| ${s.transport} | ${s.p50Ms.toFixed(3)} | ${s.p99Ms.toFixed(3)} | ${s.maxMs.toFixed(2)} | ${s.unpacedMBps.toFixed(0)} |`,
      );
    console.log(`\nload average at the end: ${load()}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
