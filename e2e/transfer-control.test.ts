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
import { chromiumMissing, launchChromium, openSignedIn, startFrameSampling, stopFrameSampling, type LaunchedBrowser } from './helpers/browser.ts';
import { startTestDaemon, waitFor, type RunningTestDaemon } from './helpers/daemon.ts';
import { hashTree, pseudoRandom, writeFiles } from './helpers/files.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-e2e-control-'));
let daemon: RunningTestDaemon | undefined;
let source: Listener | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;

describe.skipIf(chromiumMissing !== '')(`transfer controls (web mode)${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`, () => {
  beforeAll(async () => {
    ensureUiBuilt();
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 6; i++) files[`f${i}.bin`] = pseudoRandom(4 * 1024 * 1024, `control-${i}`);
    writeFiles(path.join(work, 'root', 'data'), files);
    const home = path.join(work, 'daemon-home');
    fs.mkdirSync(home, { recursive: true });
    // About 4 MB/s: the 24 MiB fetch takes several seconds, long enough to pause it halfway.
    source = await startListener(path.join(work, 'source-home'), path.join(work, 'root'), ['--allow', peerIdOf(home), '--rate-limit', '4MB']);
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
        if (v !== last) { last = v; w.__updates.push(performance.now()); }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await startFrameSampling(page);
    await page.getByTestId('transfer-start').click();
    const row = page.locator('[data-testid=transfer]').first();
    const percent = async () => Number(await row.getByRole('progressbar').getAttribute('aria-valuenow'));
    // Sample a good stretch of the running transfer (to about a third), then pause it.
    await waitFor('the fetch to reach a third', async () => (await row.getAttribute('data-status')) === 'running' && (await percent()) >= 33, 60_000);
    const frames = await stopFrameSampling(page);
    const updates = await page.evaluate(() => (window as unknown as { __updates: number[] }).__updates);
    const span = updates.length > 1 ? (updates.at(-1)! - updates[0]) / 1000 : 0;
    console.log(`[e2e fetch at ~4 MB/s] UI updates ${updates.length} in ${span.toFixed(2)} s = ${(span > 0 ? (updates.length - 1) / span : 0).toFixed(1)} Hz; frames=${frames.frames} p50=${frames.p50.toFixed(1)} ms p95=${frames.p95.toFixed(1)} ms max=${frames.max.toFixed(1)} ms`);

    await row.getByRole('button', { name: 'Pause' }).click();
    await waitFor('the transfer to pause', async () => (await row.getAttribute('data-status')) === 'paused', 30_000);
    await row.getByRole('button', { name: 'Resume' }).click();
    await waitFor('the fetch to finish after resuming', async () => {
      const s = await row.getAttribute('data-status');
      if (s === 'failed' || s === 'cancelled') throw new Error(`fetch ${s}: ${await row.innerText()}\n${daemon!.log()}`);
      return s === 'done';
    }, 120_000);
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/resumed 1×/);
    const got = fs.existsSync(path.join(target, 'data')) ? path.join(target, 'data') : target;
    expect(hashTree(got)).toEqual(hashTree(path.join(work, 'root', 'data')));
  });
});
