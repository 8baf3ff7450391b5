/**
 * Frame times of the web UI during a real 3-peer swarm download (`npm run bench:ui-frames`): three `warp listen`
 * peers (rate-limited like e2e/routing.test.ts, one slowing down), a real `warp daemon` pulling their folder, the
 * Routing page open in Debian's Chromium (1280×800) for the whole swarm. Per round: requestAnimationFrame intervals
 * (p50/p95/p99, frames over 50 ms), long tasks (PerformanceObserver 'longtask'), and the renderer's main-thread busy
 * share (CDP Performance.getMetrics TaskDuration over wall time; steadier than frame times on a loaded machine).
 *
 * `--page transfers` keeps the Transfers page open instead. `--ui a=<dir>,b=<dir>` compares built UIs (each a copy of out/renderer), rounds interleaved; `--profile <file>`
 * writes a CDP CPU profile of the first round's swarm and prints the functions with the most self time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium, openSignedIn } from '../e2e/helpers/browser.ts';
import { startTestDaemon, waitFor } from '../e2e/helpers/daemon.ts';
import { pseudoRandom, writeFiles } from '../e2e/helpers/files.ts';
import { ensureUiBuilt, ROOT, UI_DIR } from '../e2e/helpers/ui-build.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    ui: { type: 'string', default: '' },
    profile: { type: 'string', default: '' },
    trace: { type: 'string', default: '' },
    page: { type: 'string', default: 'routing' },
  },
});
const rounds = Number(values.rounds);
const BIN = path.join(ROOT, 'bin', 'warp.js');
/** Small chunks, as in the e2e test: many chunks, so many scheduler events. */
const ENV = { WARP_TRANSFER_CHUNK_AVG: '64KiB' };

interface Round {
  ui: string;
  frames: number[];
  longTasks: number;
  longTaskMs: number;
  busy: number;
  events: number;
  flushes: number;
  secs: number;
}

function peerIdOf(home: string): string {
  const r = spawnSync(process.execPath, [BIN, '--json', 'id'], { env: { ...process.env, WARP_HOME: home } });
  return (JSON.parse(r.stdout.toString().trim().split('\n').at(-1)!) as { peerId: string }).peerId;
}

async function listen(home: string, root: string, args: string[]): Promise<{ proc: ChildProcess; addr: string }> {
  const proc = spawn(process.execPath, [BIN, '--json', 'listen', '--root', root, '--port', '0', ...args], {
    env: { ...process.env, WARP_HOME: home, NO_COLOR: '1', ...ENV },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<{ port: number; peerId: string }>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as { port: number; peerId: string });
    });
    proc.once('exit', (c) => reject(new Error(`listener exited (${c})`)));
  });
  return { proc, addr: `${first.peerId}@127.0.0.1:${first.port}` };
}

/** In the page: rAF intervals and long tasks from now until __frameStop. */
function sampleInPage(): void {
  const w = window as unknown as { __f: number[]; __lt: number[]; __stop: boolean };
  w.__f = [];
  w.__lt = [];
  w.__stop = false;
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) w.__lt.push(e.duration);
  }).observe({ type: 'longtask' });
  let last = performance.now();
  const tick = (now: number) => {
    w.__f.push(now - last);
    last = now;
    if (!w.__stop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

const taskSeconds = async (cdp: CDPSession) =>
  (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value;

const stats = (page: Page) =>
  page.evaluate(() => (window as unknown as { __warpStats: () => { events: number; flushes: number } }).__warpStats());

async function startSwarm(page: Page, addrs: string[], target: string): Promise<void> {
  await page.getByTestId('nav-transfers').click();
  await page.getByTestId('transfer-kind').selectOption('swarm');
  await page.getByTestId('transfer-peer').fill(addrs.join(', '));
  await page.getByTestId('transfer-local').fill(target);
  await page.getByTestId('transfer-remote').fill('data');
}

/** Prints the functions with the most self time in a CDP CPU profile. */
function topSelf(profile: {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}): void {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const key = `${f.functionName || '(anon)'} ${path.basename(f.url)}:${f.lineNumber}`;
    byFn.set(key, (byFn.get(key) ?? 0) + (self.get(n.id) ?? 0));
  }
  const total = [...byFn.values()].reduce((a, b) => a + b, 0);
  for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`  ${(us / 1000).toFixed(0).padStart(6)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
}

/** Prints the trace's main-thread time by event name (self time: a parent's duration less its children's). */
function topTrace(file: string): void {
  type Ev = { name: string; ph: string; ts: number; dur?: number; tid: number; pid: number; args?: { data?: unknown } };
  const events = (JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: Ev[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && (e.args as { name?: string })?.name === 'CrRendererMain');
  const xs = events.filter((e) => e.ph === 'X' && e.dur && main && e.tid === main.tid && e.pid === main.pid);
  xs.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<string, number>();
  const stack: Ev[] = [];
  for (const e of xs) {
    while (stack.length && stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur!);
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur!);
    stack.push(e);
  }
  console.log(`trace ${file}: main-thread self time by event`);
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(`  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
}

async function round(ui: string, uiDir: string, homes: string, addrs: string[], profile: string): Promise<Round> {
  const home = fs.mkdtempSync(path.join(homes, 'r-'));
  fs.cpSync(path.join(homes, 'identity'), home, { recursive: true });
  const daemon = await startTestDaemon({
    name: 'ui-frames',
    home,
    env: ENV,
    ui: uiDir,
    allow: addrs.map((a) => a.split('@')[0]),
  });
  const chrome = await launchChromium();
  try {
    const page = await openSignedIn(chrome, daemon.loginUrl);
    const cdp = await chrome.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await startSwarm(page, addrs, path.join(home, 'downloaded'));
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    await page.evaluate(sampleInPage);
    const s0 = await stats(page);
    const busy0 = await taskSeconds(cdp);
    if (values.trace && profile)
      await chrome.browser.startTracing(page, { path: values.trace, categories: ['devtools.timeline', 'blink'] });
    const t0 = performance.now();
    await page.getByTestId('transfer-start').click();
    await page.getByTestId('nav-routing').click();
    await waitFor(
      'the swarm download to finish',
      async () =>
        (await page.getByTestId('failover-count').count()) > 0 &&
        /done in/.test(await page.getByTestId('routing-log').innerText()),
      180_000,
    );
    const secs = (performance.now() - t0) / 1000;
    const busy = (await taskSeconds(cdp)) - busy0;
    const s1 = await stats(page);
    const got = await page.evaluate(() => {
      const w = window as unknown as { __f: number[]; __lt: number[]; __stop: boolean };
      w.__stop = true;
      return { frames: w.__f.slice(1), lt: w.__lt };
    });
    if (values.trace && profile) {
      await chrome.browser.stopTracing();
      topTrace(values.trace);
    }
    if (profile) {
      const { profile: p } = await cdp.send('Profiler.stop');
      fs.writeFileSync(profile, JSON.stringify(p));
      console.log(`CPU profile of round 1 (${ui}) written to ${profile}; most self time:`);
      topSelf(p as never);
    }
    return {
      ui,
      frames: got.frames,
      longTasks: got.lt.length,
      longTaskMs: got.lt.reduce((a, b) => a + b, 0),
      busy: busy / secs,
      events: s1.events - s0.events,
      flushes: s1.flushes - s0.flushes,
      secs,
    };
  } finally {
    await chrome.close();
    await daemon.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};
const median = (xs: number[]) => q(xs, 0.5);

function describeRound(r: Round): string {
  return (
    `${r.ui}: ${r.secs.toFixed(1)} s, ${r.frames.length} frames, p50 ${q(r.frames, 0.5).toFixed(1)} ms, p95 ${q(r.frames, 0.95).toFixed(1)} ms, ` +
    `p99 ${q(r.frames, 0.99).toFixed(1)} ms, >50 ms: ${r.frames.filter((f) => f > 50).length}, long tasks ${r.longTasks} (${r.longTaskMs.toFixed(0)} ms), ` +
    `main thread busy ${(100 * r.busy).toFixed(1)} %, ${r.events} events in ${r.flushes} flushes, load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`
  );
}

ensureUiBuilt();
const uis = values.ui
  ? values.ui.split(',').map((x) => x.split('=') as [string, string])
  : ([['current', UI_DIR]] as [string, string][]);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-ui-frames-'));
const listeners: ChildProcess[] = [];
const results: Round[] = [];
try {
  const data = path.join(work, 'src', 'data');
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 6; i++) files[`f${i}.bin`] = pseudoRandom(4 * 1024 * 1024, `swarm-${i}`);
  writeFiles(data, files);
  const identity = path.join(work, 'homes', 'identity');
  fs.mkdirSync(identity, { recursive: true });
  const fetcher = peerIdOf(identity);
  const limits = [
    ['--rate-limit', '3MB'],
    ['--rate-limit', '2MB'],
    ['--rate-limit', '2MB', '--slow-after', '1:300KB'],
  ];
  const addrs: string[] = [];
  for (const [i, extra] of limits.entries()) {
    const root = path.join(work, `root${i}`);
    fs.cpSync(data, path.join(root, 'data'), { recursive: true });
    const l = await listen(path.join(work, `home${i}`), root, ['--host', '127.0.0.1', '--allow', fetcher, ...extra]);
    listeners.push(l.proc);
    addrs.push(l.addr);
  }
  for (let r = 0; r < rounds; r++)
    for (const [name, dir] of r % 2 ? [...uis].reverse() : uis) {
      const res = await round(
        name,
        path.resolve(dir),
        path.join(work, 'homes'),
        addrs,
        r === 0 && values.profile ? values.profile : '',
      );
      console.log(`round ${r + 1} ${describeRound(res)}`);
      results.push(res);
    }
} finally {
  for (const p of listeners) p.kill('SIGTERM');
  fs.rmSync(work, { recursive: true, force: true });
}
for (const [name] of uis) {
  const rs = results.filter((r) => r.ui === name);
  const all = rs.flatMap((r) => r.frames);
  console.log(
    `${name} (${rs.length} rounds): frames p50 ${q(all, 0.5).toFixed(1)} / p95 ${q(all, 0.95).toFixed(1)} / p99 ${q(all, 0.99).toFixed(1)} ms, ` +
      `>50 ms ${all.filter((f) => f > 50).length} of ${all.length}; per-round p95 ${rs.map((r) => q(r.frames, 0.95).toFixed(1)).join(', ')}; ` +
      `busy median ${(100 * median(rs.map((r) => r.busy))).toFixed(1)} % (${rs.map((r) => (100 * r.busy).toFixed(1)).join(', ')})`,
  );
}
console.log(`load average: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()} (2 cores shared with other helpers)`);
