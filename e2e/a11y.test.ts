/**
 * Accessibility of every page in web mode: axe-core (run in the page) finds no critical or serious violation;
 * each page has its own title; navigating moves the focus to the page heading; the skip link reaches the
 * content; the Settings tabs follow the arrow keys.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGES } from '../src/renderer/route.ts';
import { axe, axeMissing } from './helpers/axe.ts';
import { en } from '../src/shared/i18n/en.ts';
import { chromiumMissing, launchChromium, openSignedIn, type LaunchedBrowser } from './helpers/browser.ts';
import { startTestDaemon, type RunningTestDaemon } from './helpers/daemon.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';

const skipReason = chromiumMissing || axeMissing;
let daemon: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;

describe.skipIf(skipReason !== '')(`accessibility (web mode)${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  beforeAll(async () => {
    ensureUiBuilt();
    daemon = await startTestDaemon({ name: 'a11y' });
    chrome = await launchChromium();
    page = await openSignedIn(chrome, daemon.loginUrl);
  }, 240_000);

  afterAll(async () => {
    await chrome?.close();
    await daemon?.stop();
    if (daemon) fs.rmSync(daemon.home, { recursive: true, force: true });
  });

  it.each(['dark', 'light'] as const)(
    'every page (%s theme): own title, focus on its heading, no critical or serious axe violation',
    async (theme) => {
      const problems: string[] = [];
      await page.getByTestId('nav-settings').click();
      await page.getByRole('radio', { name: theme === 'dark' ? 'Dark' : 'Light' }).check();
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      for (const p of [...PAGES.slice(1), PAGES[0]]) {
        await page.getByTestId(`nav-${p.id}`).click();
        await expect.poll(() => page.title()).toBe(`${en.pages[p.id]} · Warp`);
        await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
        expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(en.pages[p.id]);
        await page.waitForTimeout(300);
        for (const v of await axe(page)) {
          if (v.impact === 'critical' || v.impact === 'serious')
            problems.push(
              `${p.id}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
            );
        }
      }
      expect(problems, problems.join('\n')).toEqual([]);
    },
  );

  it('the theme follows the system until one is chosen, and the choice survives a reload', async () => {
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await page.getByTestId('nav-settings').click();
    await page.getByRole('radio', { name: 'Same as the system' }).check();
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(theme).toBe('light');
    const lightBg = await bg();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(theme).toBe('dark');
    expect(await bg()).not.toBe(lightBg);
    await page.getByRole('radio', { name: 'Light' }).check();
    await page.reload();
    await expect.poll(theme).toBe('light');
    expect(await page.getByRole('radio', { name: 'Light' }).isChecked()).toBe(true);
    // A chosen theme ignores the system's.
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await theme()).toBe('light');
    await page.getByRole('radio', { name: 'Same as the system' }).check();
    await expect.poll(theme).toBe('dark');
  });

  it('the skip link leads to the content; Settings tabs follow the arrow keys', async () => {
    await page.getByTestId('nav-settings').click();
    // The first thing Tab reaches on a page is the skip link.
    expect(
      await page.evaluate(
        () =>
          document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')
            ?.textContent,
      ),
    ).toBe('Skip to content');
    await page.locator('.skip-link').focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    const first = page.getByRole('tab').first();
    await first.focus();
    const name = async () => page.evaluate(() => document.activeElement?.textContent);
    const start = await name();
    await page.keyboard.press('ArrowRight');
    const second = await name();
    expect(second).not.toBe(start);
    expect(await page.getByRole('tab', { name: second!, exact: true }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(`config-tab-${second}`);
    await page.keyboard.press('ArrowLeft');
    expect(await name()).toBe(start);
    await page.keyboard.press('End');
    expect(await name()).toBe(await page.getByRole('tab').last().innerText());
  });
});
