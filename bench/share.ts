/**
 * `npm run bench:share`: share links on one generated data set (incompressible, the worst case for the page):
 *  1. the page in Chromium (no login): decrypt + verify + decompress throughput (MB/s, every part of the share
 *     through `warpShare.file()`, fetches from the local daemon included), then "Save all as a .zip" (the path of
 *     a browser without the File System Access API) with the tab's peak JS heap sampled through CDP
 *     Performance.getMetrics every 250 ms;
 *  2. `warp fetch <share-link>` against `warp fetch <peer>:/<dir>` (a paired peer's `warp listen`) of the same
 *     tree: wall clock from process start to exit, rounds interleaved, median of --rounds.
 * Figures, not tests.
 *
 *   node bench/share.ts [--size 1GiB] [--rounds 3] [--skip-browser] [--page-only] [--json]
 * (--page-only: the page's figures alone: fetch only, one thread and the worker pool, no zip, no CLI rounds)
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';
import { formatBytes, parseByteSize } from '../src/engine/core/bytes.ts';
import { startWarpDaemon } from './lib/warp-daemon.ts';
import { startListener } from './lib/warp-listener.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'warp.js');
const CHROMIUM = process.env.WARP_CHROMIUM ?? '/usr/bin/chromium';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1GiB' },
    rounds: { type: 'string', default: '3' },
    'skip-browser': { type: 'boolean', default: false },
    'page-only': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

function warp(home: string, a: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [BIN, ...a], {
    env: { ...process.env, WARP_HOME: home },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
}

/** Wall clock of one `warp` run, process start to exit. */
async function timed(home: string, a: string[]): Promise<number> {
  const t0 = performance.now();
  const p = spawn(process.execPath, [BIN, ...a], { env: { ...process.env, WARP_HOME: home }, stdio: 'ignore' });
  const code = await new Promise<number | null>((r) => p.once('exit', r));
  if (code !== 0) throw new Error(`warp ${a.join(' ')} exited ${code}`);
  return (performance.now() - t0) / 1000;
}

function makeTree(dir: string, total: number): void {
  fs.mkdirSync(path.join(dir, 'media'), { recursive: true });
  const files = 8;
  for (let f = 0; f < files; f++) {
    const fd = fs.openSync(path.join(dir, 'media', `part-${f}.bin`), 'w');
    for (let left = Math.floor(total / files); left > 0; left -= 16 << 20)
      fs.writeSync(fd, crypto.randomBytes(Math.min(left, 16 << 20)));
    fs.closeSync(fd);
  }
}

interface BrowserFigures {
  /** Every chunk fetched by the page (12 in flight), nothing opened: the HTTP stage alone. */
  fetchOnlyMBps: number;
  /** The whole path (fetch, open, zstd, chunk ids, file hashes) with the page's worker pool, and without it. */
  decryptMBps: number;
  decryptNoWorkersMBps: number;
  zipSeconds: number;
  peakHeapMiB: number;
  heapAtStartMiB: number;
}

type ShareInPage = {
  manifest: { entries: Array<{ t: number }>; chunks: unknown[] };
  base: string;
  download: string;
  file(e: unknown): AsyncIterable<Uint8Array>;
};

/** The page's decrypt + verify + decompress rate over every file (MB/s); without Worker: the one-thread path. */
async function pageDecryptMBps(ctx: BrowserContext, link: string, workers: boolean): Promise<number> {
  const page = await ctx.newPage();
  if (!workers) await page.addInitScript(() => delete (window as unknown as Record<string, unknown>).Worker);
  await page.goto(link);
  await page.waitForSelector('body[data-state=ready]', { timeout: 120_000 });
  const rate = await page.evaluate(async () => {
    const share = (window as unknown as { warpShare: ShareInPage }).warpShare;
    const t0 = performance.now();
    let n = 0;
    for (const e of share.manifest.entries) if (e.t === 0) for await (const p of share.file(e)) n += p.length;
    return n / 1e6 / ((performance.now() - t0) / 1000);
  });
  await page.close();
  return rate;
}

/** The HTTP stage alone: every chunk fetched from the page (12 in flight) and dropped (MB/s of ciphertext). */
async function pageFetchOnlyMBps(ctx: BrowserContext, link: string): Promise<number> {
  const page = await ctx.newPage();
  await page.goto(link);
  await page.waitForSelector('body[data-state=ready]', { timeout: 120_000 });
  const rate = await page.evaluate(async () => {
    const share = (window as unknown as { warpShare: ShareInPage }).warpShare;
    const count = share.manifest.chunks.length;
    const t0 = performance.now();
    let n = 0;
    let next = 0;
    const lane = async () => {
      while (next < count) {
        const i = next++;
        const r = await fetch(`${share.base}/c/${i}?d=${encodeURIComponent(share.download)}`, { cache: 'no-store' });
        n += (await r.arrayBuffer()).byteLength;
      }
    };
    await Promise.all(Array.from({ length: 12 }, lane));
    return n / 1e6 / ((performance.now() - t0) / 1000);
  });
  await page.close();
  return rate;
}

async function browserRun(link: string, total: number): Promise<BrowserFigures> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-share-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-quic'],
    acceptDownloads: true,
  });
  try {
    await ctx.addInitScript(() => {
      delete (window as unknown as Record<string, unknown>).showSaveFilePicker;
      delete (window as unknown as Record<string, unknown>).showDirectoryPicker;
    });
    // Before (one thread) and after (the worker pool) in the same run, fetch alone first.
    const fetchOnlyMBps = await pageFetchOnlyMBps(ctx, link);
    const decryptNoWorkersMBps = await pageDecryptMBps(ctx, link, false);
    const decryptMBps = await pageDecryptMBps(ctx, link, true);
    process.stderr.write(
      `page: fetch only ${fetchOnlyMBps.toFixed(1)} MB/s, one thread ${decryptNoWorkersMBps.toFixed(1)} MB/s, workers ${decryptMBps.toFixed(1)} MB/s\n`,
    );
    if (args['page-only'])
      return { fetchOnlyMBps, decryptMBps, decryptNoWorkersMBps, zipSeconds: 0, peakHeapMiB: 0, heapAtStartMiB: 0 };
    const page = await ctx.newPage();
    await page.goto(link);
    await page.waitForSelector('body[data-state=ready]', { timeout: 120_000 });
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable');
    const heap = async () => {
      const m = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
      return (m.metrics.find((x) => x.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
    };
    const heapAtStartMiB = await heap();
    let peak = heapAtStartMiB;
    const sampler = setInterval(() => void heap().then((h) => (peak = Math.max(peak, h))), 250);
    const t0 = performance.now();
    const dl = page.waitForEvent('download', { timeout: 3_600_000 });
    await page.click('#save-all');
    const download = await dl;
    const zipSeconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const saved = path.join(profile, 'all.zip');
    await download.saveAs(saved);
    if (fs.statSync(saved).size < total) throw new Error('the zip is smaller than the share');
    return { fetchOnlyMBps, decryptMBps, decryptNoWorkersMBps, zipSeconds, peakHeapMiB: peak, heapAtStartMiB };
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const total = parseByteSize(args.size);
  const rounds = Number(args.rounds);
  const w = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-share-'));
  const owner = path.join(w, 'owner');
  const client = path.join(w, 'client');
  const src = path.join(w, 'tree');
  try {
    process.stderr.write(`generating ${formatBytes(total)} of incompressible data…\n`);
    makeTree(src, total);
    const daemon = await startWarpDaemon(owner);
    const t0 = performance.now();
    const made = warp(owner, ['--json', 'share', 'create', src, '--url', daemon.url]);
    if (made.status !== 0) throw new Error(made.stderr);
    const createSeconds = (performance.now() - t0) / 1000;
    const link = String((JSON.parse(made.stdout.trim().split('\n').pop()!) as { link: string }).link);
    process.stderr.write(`share created in ${createSeconds.toFixed(1)} s\n`);

    const clientId = String((JSON.parse(warp(client, ['--json', 'id']).stdout) as { peerId: string }).peerId);
    const listener = await startListener({ bin: BIN, home: path.join(w, 'peer'), root: w, allow: clientId });
    const shareRuns: number[] = [];
    const peerRuns: number[] = [];
    try {
      for (let r = 0; r < (args['page-only'] ? 0 : rounds); r++) {
        for (const d of ['s', 'p']) fs.rmSync(path.join(w, `out-${d}`), { recursive: true, force: true });
        shareRuns.push(await timed(client, ['-q', 'fetch', link, path.join(w, 'out-s')]));
        peerRuns.push(await timed(client, ['-q', 'fetch', `${listener.addr}:/tree`, path.join(w, 'out-p')]));
        process.stderr.write(`round ${r + 1}: share ${shareRuns[r].toFixed(1)} s, peer ${peerRuns[r].toFixed(1)} s\n`);
      }
    } finally {
      listener.proc.kill('SIGTERM');
    }
    const browser = args['skip-browser'] ? undefined : await browserRun(link, total);
    daemon.stop();
    if (args['page-only']) {
      process.stdout.write(JSON.stringify({ size: total, load: os.loadavg(), browser }, null, 1) + '\n');
      return;
    }
    const result = {
      size: total,
      load: os.loadavg()[0],
      createSeconds,
      cliShareFetchMedianSeconds: median(shareRuns),
      peerFetchMedianSeconds: median(peerRuns),
      rounds: { share: shareRuns, peer: peerRuns },
      browser,
    };
    if (args.json) process.stdout.write(JSON.stringify(result, null, 1) + '\n');
    else {
      const mb = total / 1e6;
      console.log(`share of ${formatBytes(total)} (8 files, incompressible), load average ${result.load.toFixed(1)}`);
      console.log(`  create: ${createSeconds.toFixed(1)} s`);
      console.log(
        `  warp fetch <share-link>: median ${result.cliShareFetchMedianSeconds.toFixed(1)} s (${(mb / result.cliShareFetchMedianSeconds).toFixed(1)} MB/s); rounds ${shareRuns.map((x) => x.toFixed(1)).join(', ')}`,
      );
      console.log(
        `  warp fetch <peer>:/tree: median ${result.peerFetchMedianSeconds.toFixed(1)} s (${(mb / result.peerFetchMedianSeconds).toFixed(1)} MB/s); rounds ${peerRuns.map((x) => x.toFixed(1)).join(', ')}`,
      );
      if (browser)
        console.log(
          `  page in Chromium: decrypt + verify + decompress ${browser.decryptMBps.toFixed(1)} MB/s; save all as .zip ${browser.zipSeconds.toFixed(1)} s, JS heap ${browser.heapAtStartMiB.toFixed(1)} MiB at start, peak ${browser.peakHeapMiB.toFixed(1)} MiB`,
        );
    }
  } finally {
    fs.rmSync(w, { recursive: true, force: true });
  }
}

await main();
