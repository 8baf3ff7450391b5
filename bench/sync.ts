/**
 * bench:sync — background sync as a user runs it: `warp sync run` (its own process, like the daemon) pushing to
 * a `warp listen` peer on 127.0.0.1, both real processes.
 *
 *  latency: time from a save on one side (the write returns) to the new bytes on the other (the peer's file
 *           reads back equal; polled every 5 ms), p50 / p95 over N edits, at the default debounce (1.5 s) and
 *           at --debounce-fast (100 ms), so the debounce and the sync's own cost can be told apart.
 *  idle:    CPU seconds and RSS of `warp sync run` watching a folder of --files small files (default 100k) after
 *           its first sync, sampled from /proc over --idle-seconds.
 *
 * node bench/sync.ts [--only=latency|idle] [--edits 50] [--files 100000] [--idle-seconds 60] [--keep]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startListener, stopProcess } from './lib/warp-listener.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/warp.js');
const arg = (name: string, d: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.split('=')[1] : i > 0 ? process.argv[i + 1] : d;
};
const only = arg('only', '');
const EDITS = Number(arg('edits', '50'));
const FILES = Number(arg('files', '100000'));
const IDLE_S = Number(arg('idle-seconds', '60'));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function warp(home: string, args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, [BIN, '--json', ...args], {
    env: { ...process.env, WARP_HOME: home },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`warp ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

interface Pair {
  dir: string;
  homeA: string;
  folder: string;
  peerFolder: string;
  listener: ChildProcess;
  addr: string;
}

async function pair(tag: string): Promise<Pair> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `warp-bench-sync-${tag}-`));
  const homeA = path.join(dir, 'A');
  const folder = path.join(dir, 'local', 'data');
  fs.mkdirSync(folder, { recursive: true });
  const idA = String(warp(homeA, ['id']).peerId);
  const { proc, addr } = await startListener({
    bin: BIN,
    home: path.join(dir, 'B'),
    root: path.join(dir, 'root'),
    allow: idA,
    globalArgs: ['-q'],
  });
  return { dir, homeA, folder, peerFolder: path.join(dir, 'root', 'inbox', 'data'), listener: proc, addr };
}

function runSync(p: Pair, env: Record<string, string> = {}): { proc: ChildProcess; pushes: () => number } {
  // Run as a user runs it: bin/warp.js's shebang flags (malloc arenas, semi-space, --expose-gc) apply.
  const proc = spawn(BIN, ['--json', 'sync', 'run'], {
    env: { ...process.env, WARP_HOME: p.homeA, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let n = 0;
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      if (buf.slice(0, nl).includes('"type":"sync.push"')) n++;
      buf = buf.slice(nl + 1);
    }
  });
  return { proc, pushes: () => n };
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function latency(
  debounce: string,
): Promise<{ debounce: string; edits: number; p50: number; p95: number; max: number }> {
  const p = await pair('lat');
  fs.writeFileSync(path.join(p.folder, 'doc.txt'), 'v0\n');
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(p.folder, `other-${i}.bin`), Buffer.alloc(100_000, i));
  warp(p.homeA, ['sync', 'add', p.folder, `${p.addr}:/inbox`]);
  const s = runSync(p, { WARP_SYNC_DEBOUNCE: debounce });
  const target = path.join(p.peerFolder, 'doc.txt');
  const read = (): string => {
    try {
      return fs.readFileSync(target, 'utf8');
    } catch {
      return '';
    }
  };
  await until('the first sync', () => read() === 'v0\n', 120_000);
  const times: number[] = [];
  for (let i = 1; i <= EDITS; i++) {
    const text = `edit ${i} ${'x'.repeat(i * 37)}\n`;
    const t0 = performance.now();
    fs.writeFileSync(path.join(p.folder, 'doc.txt'), text);
    await until(`edit ${i}`, () => read() === text, 60_000);
    times.push(performance.now() - t0);
    await sleep(150);
  }
  await stopProcess(s.proc, 'SIGINT');
  await stopProcess(p.listener);
  if (!process.argv.includes('--keep')) fs.rmSync(p.dir, { recursive: true, force: true });
  return { debounce, edits: EDITS, p50: pct(times, 0.5), p95: pct(times, 0.95), max: Math.max(...times) };
}

function procStat(pid: number): { cpuS: number; rssMB: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 100;
  const cpuS = (Number(f[11]) + Number(f[12])) / tick; // utime + stime
  const rssKB = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  return { cpuS, rssMB: rssKB / 1024 };
}

/** FILES small files in folders of 100. */
function makeFolder(folder: string): string {
  fs.mkdirSync(folder, { recursive: true });
  for (let d = 0; d < FILES / 100; d++) {
    const sub = path.join(folder, `d${String(d).padStart(4, '0')}`);
    fs.mkdirSync(sub);
    for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(sub, `f${i}.txt`), `file ${d}/${i}\n`);
  }
  return folder;
}

async function idle(): Promise<Record<string, number>> {
  const p = await pair('idle');
  makeFolder(p.folder);
  warp(p.homeA, ['sync', 'add', p.folder, `${p.addr}:/inbox`]);
  const t0 = performance.now();
  const s = runSync(p);
  await until('the first sync of the big folder', () => s.pushes() >= 1, 30 * 60_000);
  const firstSyncS = (performance.now() - t0) / 1000;
  await sleep(5000); // settle
  const a = procStat(s.proc.pid!);
  let peakRss = a.rssMB;
  const t1 = performance.now();
  while (performance.now() - t1 < IDLE_S * 1000) {
    await sleep(1000);
    peakRss = Math.max(peakRss, procStat(s.proc.pid!).rssMB);
  }
  const b = procStat(s.proc.pid!);
  const idleS = (performance.now() - t1) / 1000;
  await stopProcess(s.proc, 'SIGINT');
  await stopProcess(p.listener);
  if (!process.argv.includes('--keep')) fs.rmSync(p.dir, { recursive: true, force: true });
  return {
    files: FILES,
    firstSyncS,
    idleSeconds: idleS,
    cpuPercent: (100 * (b.cpuS - a.cpuS)) / idleS,
    rssMB: b.rssMB,
    peakRssMB: peakRss,
  };
}

/** The same folder watched by Syncthing (Debian's package), after its first scan: its idle CPU and RSS. */
async function syncthingIdle(): Promise<Record<string, unknown> | undefined> {
  if (spawnSync('syncthing', ['--version']).status !== 0) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-syncthing-'));
  const folder = makeFolder(path.join(dir, 'data'));
  const home = path.join(dir, 'st');
  spawnSync('syncthing', ['generate', `--home=${home}`, '--no-default-folder'], { stdio: 'ignore' });
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(
    'syncthing',
    ['serve', `--home=${home}`, '--no-browser', `--gui-address=127.0.0.1:${port}`, '--no-restart'],
    { stdio: 'ignore', env: { ...process.env, STNODEFAULTFOLDER: '1' } },
  );
  const apiKey = /<apikey>([^<]+)<\/apikey>/.exec(fs.readFileSync(path.join(home, 'config.xml'), 'utf8'))![1];
  const api = async (method: string, p: string, body?: unknown): Promise<unknown> => {
    const r = await fetch(`http://127.0.0.1:${port}${p}`, {
      method,
      headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return r.headers.get('content-type')?.includes('json') ? r.json() : r.text();
  };
  for (let i = 0; ; i++) {
    try {
      await api('GET', '/rest/system/ping');
      break;
    } catch {
      if (i > 300) throw new Error('syncthing did not start');
      await sleep(200);
    }
  }
  const t0 = performance.now();
  await api('PUT', '/rest/config/folders/bench', {
    id: 'bench',
    path: folder,
    type: 'sendonly',
    fsWatcherEnabled: true,
    rescanIntervalS: 3600,
  });
  for (;;) {
    const st = (await api('GET', '/rest/db/status?folder=bench')) as { state?: string; localFiles?: number };
    if (st.state === 'idle' && (st.localFiles ?? 0) >= FILES) break;
    await sleep(500);
  }
  const firstScanS = (performance.now() - t0) / 1000;
  await sleep(5000);
  const a = procStat(proc.pid!);
  let peak = a.rssMB;
  const t1 = performance.now();
  while (performance.now() - t1 < IDLE_S * 1000) {
    await sleep(1000);
    peak = Math.max(peak, procStat(proc.pid!).rssMB);
  }
  const b = procStat(proc.pid!);
  const idleS = (performance.now() - t1) / 1000;
  await stopProcess(proc);
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    tool: 'syncthing v1.19.2 (Debian)',
    files: FILES,
    firstScanS,
    idleSeconds: idleS,
    cpuPercent: (100 * (b.cpuS - a.cpuS)) / idleS,
    rssMB: b.rssMB,
    peakRssMB: peak,
  };
}

const out: Record<string, unknown> = { machine: `${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}` };
if (only === '' || only === 'latency') {
  out.latencyDefault = await latency('1.5s');
  console.log(JSON.stringify(out.latencyDefault));
  out.latencyFast = await latency('100ms');
  console.log(JSON.stringify(out.latencyFast));
}
if (only === '' || only === 'idle') {
  out.idle = await idle();
  console.log(JSON.stringify(out.idle));
}
if (only === '' || only === 'syncthing') {
  out.syncthing = (await syncthingIdle()) ?? 'syncthing not installed';
  console.log(JSON.stringify(out.syncthing));
}
console.log(JSON.stringify({ type: 'result', ...out }));
