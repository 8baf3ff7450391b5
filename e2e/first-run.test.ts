/**
 * The first-run guide in web mode against real daemons with fresh WARP_HOMEs: it opens by itself on the first
 * start; skipping it (B) or finishing it (A: a name, a pairing by code with B, a synced folder) writes
 * desktop.guide_done so a reload does not show it again; the Getting Started key brings it back. The guide has
 * no critical or serious axe finding and fits a phone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigDto, PeerDto, SelfDto, SyncJobDto } from '../src/shared/bridge.ts';
import { axeMissing, seriousViolations } from './helpers/axe.ts';
import {
  chromiumMissing,
  launchChromium,
  openSignedIn,
  screenshotBoth,
  type LaunchedBrowser,
} from './helpers/browser.ts';
import { startTestDaemon, type RunningTestDaemon } from './helpers/daemon.ts';
import { writeFiles } from './helpers/files.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';

const skipReason = chromiumMissing || axeMissing;
let a: RunningTestDaemon | undefined;
let b: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-e2e-first-run-'));

async function guideDone(d: RunningTestDaemon): Promise<unknown> {
  const c = await d.api<ConfigDto>('GET', '/api/config');
  const e = c.entries.find((x) => x.key === 'desktop.guide_done');
  return e?.source === 'file' ? e.value : undefined;
}

/** A page reloaded after its daemon's config is read: the guide had its chance to open. */
async function reloadSettled(page: Page): Promise<void> {
  await page.reload();
  await page.getByTestId('statusbar').getByText('connected').waitFor({ timeout: 20_000 });
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.waitForTimeout(1500);
}

describe.skipIf(skipReason !== '')(`first-run guide (web mode)${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  beforeAll(async () => {
    ensureUiBuilt();
    [a, b] = await Promise.all([
      startTestDaemon({ name: 'first-run-a', firstRun: true }),
      startTestDaemon({ name: 'first-run-b', firstRun: true, env: { WARP_TRANSFER_NAME: 'box-b' } }),
    ]);
    chrome = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await chrome?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    fs.rmSync(work, { recursive: true, force: true });
    for (const d of [a, b]) if (d) fs.rmSync(d.home, { recursive: true, force: true });
  });

  it('shows on the first start; skipping keeps it away after a reload; Getting Started brings it back', async () => {
    const page = await openSignedIn(chrome!, b!.loginUrl);
    const guide = page.getByTestId('guide');
    await guide.waitFor({ timeout: 20_000 });
    expect(await guideDone(b!)).toBeUndefined();
    await page.keyboard.press('Escape');
    await guide.waitFor({ state: 'detached' });
    await expect.poll(() => guideDone(b!), { timeout: 10_000 }).toBe(true);
    await reloadSettled(page);
    expect(await guide.count()).toBe(0);
    await page.keyboard.press('Alt+Shift+G');
    await guide.waitFor();
    await page.getByTestId('guide-skip').click();
    await guide.waitFor({ state: 'detached' });
    // The Settings page offers it too.
    await page.goto(`${b!.url}/#/settings`);
    await page.getByRole('button', { name: 'Getting started' }).click();
    await guide.waitFor();
    await page.getByTestId('guide-skip').click();
    await page.close();
  });

  it('names this machine, pairs with B by code and adds a synced folder, then stays done', async () => {
    const page = await openSignedIn(chrome!, a!.loginUrl);
    const guide = page.getByTestId('guide');
    await guide.waitFor({ timeout: 20_000 });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshotBoth(page, 'guide-name');

    // Step 1: the name, prefilled with the host name, saved as transfer.name.
    const name = page.getByTestId('guide-name');
    await expect.poll(() => name.inputValue(), { timeout: 10_000 }).not.toBe('');
    await name.fill('studio-a');
    await page.getByTestId('guide-name-save').click();
    await guide.getByTestId('pair-start').waitFor();
    expect((await a!.api<SelfDto>('GET', '/api/peers/self')).name).toBe('studio-a');

    // Step 2: show a code here, B enters it; the guide lists B once paired.
    await guide.getByTestId('pair-start').click();
    const code = (await guide.getByTestId('pair-code').innerText()).trim();
    const paired = await b!.api<PeerDto>('POST', '/api/peers/pair/join', { code, address: a!.peerAddresses[0] });
    expect(paired.name).toBe('studio-a');
    await expect.poll(() => guide.getByTestId('guide-paired').innerText(), { timeout: 20_000 }).toMatch(/box-b/);
    await screenshotBoth(page, 'guide-pair');
    await page.getByTestId('guide-next').click();

    // Step 3: the Sync page's form, inside the guide; adding the folder finishes the guide.
    const local = path.join(work, 'photos');
    writeFiles(local, { 'a.jpg': 'not really a photo\n' });
    await guide.getByTestId('sync-local').fill(local);
    await guide.getByTestId('sync-peer').selectOption({ label: 'box-b' });
    await guide.getByTestId('sync-remote').fill('photos-from-a');
    await guide.getByTestId('sync-submit').click();
    await guide.waitFor({ state: 'detached', timeout: 20_000 });
    const jobs = await a!.api<SyncJobDto[]>('GET', '/api/sync');
    expect(jobs.map((j) => j.localPath)).toEqual([local]);
    await expect.poll(() => guideDone(a!), { timeout: 10_000 }).toBe(true);
    expect(page.url()).toMatch(/#\/sync$/);

    await reloadSettled(page);
    expect(await guide.count()).toBe(0);
    await page.close();
  });
});
