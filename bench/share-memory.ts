/**
 * `npm run bench:share-memory`: the share page's memory while it saves a large share, in real Chromium.
 *
 * One generated file tree (incompressible) is shared by `warp share create` and served by a real `warp daemon`;
 * the page (no login) saves all of it, either into a folder (File System Access; the headless browser's
 * pickers hand out the origin-private file system, which writes to disk like a real folder) or as a streamed
 * zip (browsers without that API). Every 2 s it samples the tab's JS heap as Chromium reports it
 * (`Performance.getMetrics` JSHeapUsedSize), the same after a forced full GC (`HeapProfiler.collectGarbage`:
 * what the page really keeps), and the resident memory of the tab's renderer process from /proc (everything:
 * heap, ArrayBuffers, WebAssembly memory). Figures, not tests.
 *
 *   node bench/share-memory.ts [--size 1GiB] [--mode folder|zip] [--no-gc] [--json]
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { formatBytes, parseByteSize } from '../src/engine/core/bytes.ts';
import { startWarpDaemon } from './lib/warp-daemon.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'warp.js');
const CHROMIUM = process.env.WARP_CHROMIUM ?? '/usr/bin/chromium';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1GiB' },
    mode: { type: 'string', default: 'folder' },
    json: { type: 'boolean', default: false },
    /** Without forced collections: the renderer's memory as the page leaves it to V8's own heuristics. */
    'no-gc': { type: 'boolean', default: false },
  },
});

function makeTree(dir: string, total: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const files = Math.max(1, Math.ceil(total / (1 << 30)));
  for (let f = 0; f < files; f++) {
    const fd = fs.openSync(path.join(dir, `part-${f}.bin`), 'w');
    for (let left = Math.floor(total / files); left > 0; left -= 16 << 20)
      fs.writeSync(fd, crypto.randomBytes(Math.min(left, 16 << 20)));
    fs.closeSync(fd);
  }
}

/** Resident set of a process in MiB (0 once it is gone). */
function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The renderer processes (Chromium's --type=renderer) below the browser process `root`. */
function renderers(root: number): number[] {
  const kids = new Map<number, number[]>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(/PPid:\s+(\d+)/.exec(fs.readFileSync(`/proc/${d}/status`, 'utf8'))![1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const k of kids.get(p) ?? []) {
      try {
        if (fs.readFileSync(`/proc/${k}/cmdline`, 'utf8').includes('--type=renderer')) out.push(k);
      } catch {
        /* gone */
      }
      walk(k);
    }
  };
  walk(root);
  return out;
}

interface Sample {
  t: number;
  saved: number;
  heapMiB: number;
  heapAfterGcMiB: number;
  rendererRssMiB: number;
}

async function heapMiB(cdp: CDPSession): Promise<number> {
  const m = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  return (m.metrics.find((x) => x.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
}

async function sample(page: Page, cdp: CDPSession, browserPid: number, t0: number): Promise<Sample> {
  const heap = await heapMiB(cdp);
  let heapAfterGc = NaN;
  if (!args['no-gc']) {
    await cdp.send('HeapProfiler.collectGarbage');
    heapAfterGc = await heapMiB(cdp);
  }
  const rss = Math.max(...renderers(browserPid).map(rssMiB), 0);
  const status = (await page.locator('#status').textContent()) ?? '';
  const m = /Saving… ([\d.]+) (B|KiB|MiB|GiB)/.exec(status);
  const unit: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 };
  const saved = m ? Number(m[1]) * unit[m[2]] : 0;
  return { t: (performance.now() - t0) / 1000, saved, heapMiB: heap, heapAfterGcMiB: heapAfterGc, rendererRssMiB: rss };
}

async function launch(profile: string, mode: string): Promise<BrowserContext> {
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-quic'],
    acceptDownloads: true,
  });
  await ctx.addInitScript((m: string) => {
    const w = window as unknown as Record<string, unknown>;
    if (m === 'zip') {
      delete w.showSaveFilePicker;
      delete w.showDirectoryPicker;
    } else w.showDirectoryPicker = () => navigator.storage.getDirectory();
  }, mode);
  return ctx;
}

/** The newest Chromium browser process started for `profile` (its --user-data-dir). */
function browserPidOf(profile: string): number {
  const r = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  const line = r.stdout
    .split('\n')
    .filter((l) => l.includes(profile) && !l.includes('--type='))
    .pop();
  if (!line) throw new Error('the Chromium browser process was not found');
  return Number(line.trim().split(/\s+/)[0]);
}

async function run(
  link: string,
  total: number,
  mode: string,
  work: string,
): Promise<{ seconds: number; samples: Sample[] }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-share-mem-'));
  const ctx = await launch(profile, mode);
  try {
    const browserPid = browserPidOf(profile);
    const page = await ctx.newPage();
    await page.goto(link);
    await page.waitForSelector('body[data-state=ready]', { timeout: 120_000 });
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable');
    const t0 = performance.now();
    const samples: Sample[] = [await sample(page, cdp, browserPid, t0)];
    let done = false;
    const finished = (async () => {
      if (mode === 'zip') {
        const dl = page.waitForEvent('download', { timeout: 0 });
        await page.click('#save-all');
        const download = await dl;
        const saved = path.join(work, 'all.zip');
        await download.saveAs(saved);
        if (fs.statSync(saved).size < total) throw new Error('the zip is smaller than the share');
        fs.rmSync(saved);
      } else {
        await page.click('#save-all');
        await page.locator('#status[data-kind=done], #status[data-kind=error]').waitFor({ timeout: 0 });
        const text = (await page.locator('#status').textContent()) ?? '';
        if (!/^Saved/.test(text)) throw new Error(text);
      }
      done = true;
    })();
    while (!done) {
      await Promise.race([finished, new Promise((r) => setTimeout(r, 2000))]);
      if (!done) {
        samples.push(await sample(page, cdp, browserPid, t0));
        const s = samples[samples.length - 1];
        process.stderr.write(
          `${s.t.toFixed(0)} s: ${formatBytes(s.saved)} saved; heap ${s.heapMiB.toFixed(1)} MiB (${s.heapAfterGcMiB.toFixed(1)} after GC); renderer RSS ${s.rendererRssMiB.toFixed(0)} MiB\n`,
        );
      }
    }
    await finished;
    return { seconds: (performance.now() - t0) / 1000, samples };
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const total = parseByteSize(args.size);
  const mode = args.mode === 'zip' ? 'zip' : 'folder';
  const w = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-share-mem-'));
  const load0 = os.loadavg()[0];
  let daemon: { url: string; stop: () => void } | undefined;
  try {
    process.stderr.write(`generating ${formatBytes(total)} of incompressible data…\n`);
    makeTree(path.join(w, 'tree'), total);
    daemon = await startWarpDaemon(path.join(w, 'owner'));
    const made = spawnSync(
      process.execPath,
      [BIN, '--json', 'share', 'create', path.join(w, 'tree'), '--url', daemon.url],
      {
        env: { ...process.env, WARP_HOME: path.join(w, 'owner') },
        encoding: 'utf8',
      },
    );
    if (made.status !== 0) throw new Error(made.stderr);
    // The share holds ciphertext of its own: the plain tree is no longer needed (disk for the saved copy).
    fs.rmSync(path.join(w, 'tree'), { recursive: true, force: true });
    const link = String((JSON.parse(made.stdout.trim().split('\n').pop()!) as { link: string }).link);
    const { seconds, samples } = await run(link, total, mode, w);
    const max = (k: keyof Sample): number => Math.max(...samples.map((s) => s[k]).filter((x) => !Number.isNaN(x)));
    const result = {
      size: total,
      mode,
      forcedGc: !args['no-gc'],
      loadAtStart: load0,
      loadAtEnd: os.loadavg()[0],
      seconds,
      mbps: total / 1e6 / seconds,
      peakHeapMiB: max('heapMiB'),
      peakHeapAfterGcMiB: max('heapAfterGcMiB'),
      peakRendererRssMiB: max('rendererRssMiB'),
      samples,
    };
    if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
    else
      console.log(
        `${formatBytes(total)} saved by the page (${mode}) in ${seconds.toFixed(0)} s (${result.mbps.toFixed(1)} MB/s), load ${load0.toFixed(1)} → ${result.loadAtEnd.toFixed(1)}: JS heap peak ${result.peakHeapMiB.toFixed(1)} MiB, ${result.peakHeapAfterGcMiB.toFixed(1)} MiB after GC; renderer RSS peak ${result.peakRendererRssMiB.toFixed(0)} MiB`,
      );
  } finally {
    daemon?.stop();
    fs.rmSync(w, { recursive: true, force: true });
  }
}

await main();
