/**
 * Translations in web mode against a real daemon: a browser whose language is German gets the German UI by
 * itself (<html lang="de">, the sidebar, every page's title and heading, words on each page), Settings →
 * Language switches to English at once and the choice survives a reload, and "same as the system" goes back.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGES, type PageId } from '../src/renderer/route.ts';
import { de } from '../src/shared/i18n/de.ts';
import { en } from '../src/shared/i18n/en.ts';
import { chromiumMissing, launchChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { startTestDaemon, type RunningTestDaemon } from './helpers/daemon.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';

let daemon: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;

/** Words each page shows in its body once translated. */
const BODY: Record<PageId, (c: typeof en | typeof de) => string> = {
  archive: (c) => c.library.title,
  transfers: (c) => c.transfers.newTitle,
  routing: (c) => c.plan.title,
  share: (c) => c.share.newShare,
  sync: (c) => c.syncAdd.title,
  peers: (c) => c.peers.showTitle,
  settings: (c) => c.settings.appearance,
};

async function expectLanguage(lang: 'en' | 'de'): Promise<void> {
  const c = lang === 'de' ? de : en;
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
  expect(await page.getByTestId('nav-transfers').innerText()).toContain(c.pages.transfers);
  for (const p of PAGES) {
    await page.getByTestId(`nav-${p.id}`).click();
    await expect.poll(() => page.title()).toBe(`${c.pages[p.id]} · Warp`);
    await page.locator('main').getByText(BODY[p.id](c), { exact: true }).first().waitFor({ timeout: 10_000 });
    expect(await page.locator('main h1').innerText()).toBe(c.pages[p.id]);
  }
}

describe.skipIf(chromiumMissing !== '')(
  `translations (web mode)${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      daemon = await startTestDaemon({ name: 'i18n' });
      chrome = await launchChromium({ locale: 'de-DE' });
      page = await chrome.context.newPage();
      await page.goto(daemon.loginUrl);
      await page.getByTestId('statusbar').getByText(de.status.connected).waitFor({ timeout: 20_000 });
    }, 240_000);

    afterAll(async () => {
      await chrome?.close();
      await daemon?.stop();
      if (daemon) fs.rmSync(daemon.home, { recursive: true, force: true });
    });

    it('a German browser gets German on every page, with <html lang="de">', async () => {
      await expectLanguage('de');
      await page.getByTestId('nav-settings').click();
      expect(await page.getByTestId('language').inputValue()).toBe('system');
    }, 120_000);

    it('the Peers and Share pages speak German too: labels, buttons and placeholders', async () => {
      await page.getByTestId('nav-peers').click();
      await page.getByRole('button', { name: de.peers.showCode }).waitFor({ timeout: 10_000 });
      await page.getByPlaceholder(de.peers.codePlaceholder).waitFor();
      await page.getByTestId('self').getByText(de.peers.peerId, { exact: true }).waitFor();
      await page.getByTestId('nav-share').click();
      await page.getByText(de.share.dropTitle).waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: de.share.create }).waitFor();
      expect(await page.getByTestId('share-expiry').locator('option').allInnerTexts()).toEqual(
        Object.values(de.share.expiry),
      );
    }, 60_000);

    it('Settings → Language switches at once, survives a reload, and "same as the system" goes back', async () => {
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('language').selectOption('en');
      await expectLanguage('en');
      await page.reload();
      await page.getByTestId('statusbar').getByText(en.status.connected).waitFor({ timeout: 20_000 });
      await expectLanguage('en');
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('language').selectOption('system');
      await expectLanguage('de');
    }, 180_000);
  },
);
