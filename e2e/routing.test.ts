/**
 * The Routing page during a real 3-peer swarm download: three `warp listen` peers (rate-limited, one slowing
 * down mid-transfer) hold the same folder; a `warp daemon` pulls it from all three, started from the Transfers
 * page. The Routing page must list the three peers with live estimates and draw the drift chart from real
 * `swarm.drift` events; the download completes with identical files. Skipped (with the reason) while the
 * daemon does not run swarm transfers (`info.features.swarm` false).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfoDto } from '../src/shared/bridge.ts';
import { peerIdOf, startListener, type Listener } from '../test/transfer/peers.ts';
import {
  chromiumMissing,
  launchChromium,
  openSignedIn,
  screenshotBoth,
  startFrameSampling,
  stopFrameSampling,
  type LaunchedBrowser,
} from './helpers/browser.ts';
import { startTestDaemon, waitFor, type RunningTestDaemon } from './helpers/daemon.ts';
import { hashTree, pseudoRandom, writeFiles } from './helpers/files.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';

/** Small chunks: many chunks in a small tree, so the scheduler has something to spread. */
const ENV = { WARP_TRANSFER_CHUNK_AVG: '64KiB' };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-e2e-routing-'));
let daemon: RunningTestDaemon | undefined;
let peers: Listener[] = [];
let chrome: LaunchedBrowser | undefined;
let page: Page;
let info: InfoDto;

/** SIGTERM, then SIGKILL after 5 s: a listener must never hold the test up. */
async function stopListener(l: Listener): Promise<void> {
  if (l.proc.exitCode !== null || l.proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => l.proc.once('exit', () => resolve()));
  l.proc.kill('SIGTERM');
  const timer = setTimeout(() => l.proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

describe.skipIf(chromiumMissing !== '')(
  `routing page during a 3-peer swarm${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      const data = path.join(work, 'src', 'data');
      const files: Record<string, Buffer> = {};
      for (let i = 0; i < 6; i++) files[`f${i}.bin`] = pseudoRandom(4 * 1024 * 1024, `swarm-${i}`);
      writeFiles(data, files);
      const home = path.join(work, 'fetcher-home');
      fs.mkdirSync(home, { recursive: true });
      const fetcherId = peerIdOf(home);
      // Three sources with different speeds; the third slows down after 1 s (the drift the chart shows).
      const limits = [
        ['--rate-limit', '3MB'],
        ['--rate-limit', '2MB'],
        ['--rate-limit', '2MB', '--slow-after', '1:300KB'],
      ];
      peers = await Promise.all(
        limits.map((extra, i) => {
          const root = path.join(work, `root${i}`);
          fs.cpSync(data, path.join(root, 'data'), { recursive: true, preserveTimestamps: true });
          return startListener(path.join(work, `home${i}`), root, ['--allow', fetcherId, ...extra], ENV);
        }),
      );
      daemon = await startTestDaemon({ name: 'swarm', home, allow: peers.map((p) => p.peerId), env: ENV });
      info = await daemon.api<InfoDto>('GET', '/api/info');
      chrome = await launchChromium();
      page = await openSignedIn(chrome, daemon.loginUrl);
    }, 240_000);

    afterAll(async () => {
      await chrome?.close();
      await daemon?.stop();
      await Promise.all(peers.map((p) => stopListener(p)));
      fs.rmSync(work, { recursive: true, force: true });
    });

    it('shows the peers and a drift chart while the swarm runs, then completes', async () => {
      // The daemon always runs swarm transfers; a daemon without them is a regression, not a reason to skip.
      expect(info.features.swarm).toBe(true);
      const target = path.join(work, 'downloaded');
      await page.getByTestId('nav-transfers').click();
      await page.getByTestId('transfer-kind').selectOption('swarm');
      await page.getByTestId('transfer-peer').fill(peers.map((p) => p.addr).join(', '));
      await page.getByTestId('transfer-local').fill(target);
      await page.getByTestId('transfer-remote').fill('data');
      await startFrameSampling(page);
      const stats = () =>
        page.evaluate(() =>
          (window as unknown as { __warpStats: () => { events: number; flushes: number } }).__warpStats(),
        );
      const s0 = await stats();
      const t0 = Date.now();
      await page.getByTestId('transfer-start').click();
      await page.getByTestId('nav-routing').click();

      await waitFor(
        'three peers on the Routing page',
        async () => (await page.getByTestId('routing-peer').count()) === 3,
        30_000,
      );
      const chart = page.getByTestId('drift-chart');
      await waitFor(
        'drift samples in the chart',
        async () => Number(await chart.getAttribute('data-points')) >= 2,
        30_000,
      );
      expect(await chart.locator('canvas').count()).toBe(1);
      // Plain words: a reason per peer, peers in the one short form (no raw 12D3KooW… ids), no unitless cost.
      const why = await page.getByTestId('routing-why').allInnerTexts();
      expect(why.length).toBe(3);
      for (const w of why) expect(w.trim().length).toBeGreaterThan(5);
      const table = await page.getByTestId('routing-peers').innerText();
      expect(table).not.toContain('12D3KooW');
      expect(table).not.toMatch(/\bcost\b/i);
      await screenshotBoth(page, 'routing-live');

      const row = async () =>
        page.evaluate(() => document.querySelector('[data-testid=chunk-share]')?.textContent ?? '');
      expect(await row()).toMatch(/chunks/);
      await page.getByTestId('nav-transfers').click();
      const t = page.locator('[data-testid=transfer]').first();
      await waitFor(
        'the swarm download to finish',
        async () => {
          const s = await t.getAttribute('data-status');
          if (s === 'failed' || s === 'cancelled')
            throw new Error(`swarm ${s}: ${await t.innerText()}\n${daemon!.log()}`);
          return s === 'done';
        },
        120_000,
      );
      const frames = await stopFrameSampling(page);
      const s1 = await stats();
      const secs = (Date.now() - t0) / 1000;
      // Each flush is one store update (one re-render of the charts): the UI's update rate during the swarm.
      const hz = (s1.flushes - s0.flushes) / secs;
      console.log(
        `[e2e UI updates during a ${secs.toFixed(1)} s 3-peer swarm] ${s1.events - s0.events} events applied in ${s1.flushes - s0.flushes} frames = ${hz.toFixed(1)} Hz`,
      );
      expect(hz).toBeGreaterThan(2);
      console.log(
        `[e2e frame times during a 3-peer swarm] frames=${frames.frames} p50=${frames.p50.toFixed(1)} ms p95=${frames.p95.toFixed(1)} ms max=${frames.max.toFixed(1)} ms`,
      );
      const got = fs.existsSync(path.join(target, 'data')) ? path.join(target, 'data') : target;
      expect(hashTree(got)).toEqual(hashTree(path.join(work, 'src', 'data')));
      await page.getByTestId('nav-routing').click();
      await expect.poll(() => page.getByTestId('routing-log').innerText(), { timeout: 10_000 }).toMatch(/done in/);
      // Log times are when things happened (they once read "now" on every refresh), and stay put.
      const times = async () =>
        page
          .getByTestId('routing-log')
          .locator('time')
          .evaluateAll((els) => els.map((e) => [e.getAttribute('datetime'), e.textContent]));
      const first = await times();
      expect(first.length).toBeGreaterThan(1);
      for (const [iso] of first) {
        const at = Date.parse(iso ?? '');
        expect(at).toBeGreaterThanOrEqual(t0 - 2000);
        expect(at).toBeLessThanOrEqual(Date.now());
      }
      await page.waitForTimeout(1100);
      await page.getByTestId('nav-transfers').click();
      await page.getByTestId('nav-routing').click();
      expect(await times()).toEqual(first);
      // The stats agree with the final event's tally.
      const final = /done in [\d.]+ s: (\d+) failovers?, (\d+) re-optimisations?/.exec(
        await page.getByTestId('routing-log').innerText(),
      );
      expect(final).not.toBeNull();
      expect(await page.getByTestId('failover-count').innerText()).toBe(final![1]);
      expect(await page.getByTestId('reopt-count').innerText()).toBe(final![2]);
      await page.locator('main').evaluate((m) => m.scrollTo(0, m.scrollHeight));
      await screenshotBoth(page, 'routing-done');
    });
  },
);
