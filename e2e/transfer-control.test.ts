/**
 * Transfer controls from the Transfers page: a fetch from a rate-limited `warp listen` peer into a real daemon
 * shows live progress, pauses (keeping its resumable session), resumes (only missing chunks move) and completes
 * with identical files. Frame times and the UI's update rate during the fetch are printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** The source's --rate-limit (bytes a second). */
const LINK = 4_000_000;
const UNIT: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

/** "3.81 MiB/s" or "avg 3.2 MiB/s over the network" → bytes a second; undefined for words ("paused"). */
function bytesPerSecond(text: string): number | undefined {
  const m = /([\d.]+) (B|KiB|MiB|GiB|TiB)\/s/.exec(text);
  return m ? Number(m[1]) * UNIT[m[2]] : undefined;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-e2e-control-'));
let daemon: RunningTestDaemon | undefined;
let source: Listener | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;

describe.skipIf(chromiumMissing !== '')(
  `transfer controls (web mode)${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      const files: Record<string, Buffer> = {};
      for (let i = 0; i < 6; i++) files[`f${i}.bin`] = pseudoRandom(4 * 1024 * 1024, `control-${i}`);
      writeFiles(path.join(work, 'root', 'data'), files);
      const home = path.join(work, 'daemon-home');
      fs.mkdirSync(home, { recursive: true });
      // About 4 MB/s: the 24 MiB fetch takes several seconds, long enough to pause it halfway.
      source = await startListener(path.join(work, 'source-home'), path.join(work, 'root'), [
        '--allow',
        peerIdOf(home),
        '--rate-limit',
        String(LINK),
      ]);
      daemon = await startTestDaemon({ name: 'control', home, allow: [source.peerId] });
      chrome = await launchChromium();
      page = await openSignedIn(chrome, daemon.loginUrl);
    }, 240_000);

    afterAll(async () => {
      await chrome?.close();
      await daemon?.stop();
      if (source && source.proc.exitCode === null && source.proc.signalCode === null) {
        source.proc.kill('SIGTERM');
        const timer = setTimeout(() => source!.proc.kill('SIGKILL'), 5000);
        await new Promise<void>((resolve) => source!.proc.once('exit', () => resolve()));
        clearTimeout(timer);
      }
      fs.rmSync(work, { recursive: true, force: true });
    });

    it('a fetch shows progress, pauses, resumes and completes with identical files', async () => {
      const target = path.join(work, 'fetched');
      await page.getByTestId('nav-transfers').click();
      await page.getByTestId('transfer-kind').selectOption('fetch');
      await page.getByTestId('transfer-peer').fill(source!.addr);
      await page.getByTestId('transfer-local').fill(target);
      await page.getByTestId('transfer-remote').fill('data');
      await page.evaluate(() => {
        const w = window as unknown as { __updates: number[] };
        w.__updates = [];
        let last = '';
        new MutationObserver(() => {
          const v = document.querySelector('[data-testid=transfer-bytes]')?.textContent ?? '';
          if (v !== last) {
            last = v;
            w.__updates.push(performance.now());
          }
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await startFrameSampling(page);
      await page.getByTestId('transfer-start').click();
      const row = page.locator('[data-testid=transfer]').first();
      const percent = async () => Number(await row.getByRole('progressbar').getAttribute('aria-valuenow'));
      // Sample a good stretch of the running transfer (to about a third), then pause it.
      await waitFor(
        'the fetch to reach a third',
        async () => (await row.getAttribute('data-status')) === 'running' && (await percent()) >= 33,
        60_000,
      );
      const frames = await stopFrameSampling(page);
      const updates = await page.evaluate(() => (window as unknown as { __updates: number[] }).__updates);
      const span = updates.length > 1 ? (updates.at(-1)! - updates[0]) / 1000 : 0;
      console.log(
        `[e2e fetch at ~4 MB/s] UI updates ${updates.length} in ${span.toFixed(2)} s = ${(span > 0 ? (updates.length - 1) / span : 0).toFixed(1)} Hz; frames=${frames.frames} p50=${frames.p50.toFixed(1)} ms p95=${frames.p95.toFixed(1)} ms max=${frames.max.toFixed(1)} ms`,
      );

      await row.getByRole('button', { name: 'Pause' }).click();
      await waitFor('the transfer to pause', async () => (await row.getAttribute('data-status')) === 'paused', 30_000);
      // Paused moves nothing: no rate, no ETA, and the status bar adds no speed for it.
      await expect.poll(() => row.getByTestId('transfer-speed').innerText()).toBe('paused');
      expect(await row.getByTestId('transfer-eta').count()).toBe(0);
      expect(await page.getByTestId('active-transfers').innerText()).toBe('1 active');
      await screenshotBoth(page, 'transfers-paused');
      // Every speed the row shows from here on: after resuming, the kept half must not count as speed.
      await page.evaluate(() => {
        const w = window as unknown as { __speeds: string[] };
        w.__speeds = [];
        new MutationObserver(() => {
          const v = document.querySelector('[data-testid=transfer] [data-testid=transfer-speed]')?.textContent ?? '';
          if (v && v !== w.__speeds.at(-1)) w.__speeds.push(v);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await row.getByRole('button', { name: 'Resume' }).click();
      await waitFor(
        'the fetch to finish after resuming',
        async () => {
          const s = await row.getAttribute('data-status');
          if (s === 'failed' || s === 'cancelled')
            throw new Error(`fetch ${s}: ${await row.innerText()}\n${daemon!.log()}`);
          return s === 'done';
        },
        120_000,
      );
      await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/resumed 1×/);
      const got = fs.existsSync(path.join(target, 'data')) ? path.join(target, 'data') : target;
      expect(hashTree(got)).toEqual(hashTree(path.join(work, 'root', 'data')));

      // The link gives about 4 MB/s. The half kept from before the pause must not count as speed: the live rate
      // (a smoothed token-bucket rate, so bursts get 50 % slack) and the final network average stay near the link.
      const speeds = await page.evaluate(() => (window as unknown as { __speeds: string[] }).__speeds);
      const rates = speeds.map(bytesPerSecond).filter((v) => v !== undefined);
      expect(rates.length, `speeds seen: ${speeds.join(' | ')}`).toBeGreaterThan(2);
      expect(Math.max(...rates), `speeds seen: ${speeds.join(' | ')}`).toBeLessThan(LINK * 1.5);
      expect(speeds.at(-1)).toMatch(/^avg .* over the network$/);
      expect(bytesPerSecond(speeds.at(-1)!)).toBeLessThan(LINK * 1.15);

      // Fetched again, everything is already here: no speed over the network at all (it once read "avg 5.95 GiB/s").
      await page.getByTestId('transfer-start').click();
      await waitFor(
        'the repeated fetch to be listed',
        async () => (await page.locator('[data-testid=transfer]').count()) === 2,
        10_000,
      );
      const again = page.locator('[data-testid=transfer]').first();
      await waitFor(
        'the repeated fetch to finish',
        async () => {
          const s = await again.getAttribute('data-status');
          if (s === 'failed' || s === 'cancelled') throw new Error(`fetch ${s}: ${await again.innerText()}`);
          return s === 'done';
        },
        30_000,
      );
      await expect
        .poll(() => again.getByTestId('transfer-speed').innerText(), { timeout: 10_000 })
        .toBe('nothing needed moving');
      expect(hashTree(got)).toEqual(hashTree(path.join(work, 'root', 'data')));
      await screenshotBoth(page, 'transfers');
      // On a phone the form to start a transfer comes first, above the list.
      await page.setViewportSize({ width: 390, height: 844 });
      const top = (id: string) => page.getByTestId(id).evaluate((el) => el.getBoundingClientRect().top);
      expect(await top('new-transfer')).toBeLessThan(await top('transfers'));
      await page.setViewportSize({ width: 1280, height: 800 });
    });
  },
);
