/**
 * The app's commands from the keyboard in web mode: pages, settings, open archive (the folder browser),
 * new archive (the folder picker), cancel (the newest running job); the sidebar names each page's key.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, openSignedIn, type LaunchedBrowser } from './helpers/browser.ts';
import { startTestDaemon, type RunningTestDaemon } from './helpers/daemon.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';

let daemon: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;

describe.skipIf(chromiumMissing !== '')(
  `keyboard shortcuts (web mode)${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      daemon = await startTestDaemon({ name: 'keys' });
      chrome = await launchChromium();
      page = await openSignedIn(chrome, daemon.loginUrl);
    }, 240_000);
    afterAll(async () => {
      await chrome?.close();
      await daemon?.stop();
    });

    const pageIs = () => page.locator('main').getAttribute('data-page');

    it('Alt+Shift+1…6 go to the pages, Ctrl+, to Settings; the sidebar shows the keys', async () => {
      const order = ['archive', 'transfers', 'routing', 'share', 'sync', 'peers'];
      for (const [i, id] of order.entries()) {
        await page.keyboard.press(`Alt+Shift+Digit${i + 1}`);
        await expect.poll(pageIs).toBe(id);
        expect(await page.title()).toMatch(/ · Warp$/);
      }
      await page.keyboard.press('Control+Comma');
      await expect.poll(pageIs).toBe('settings');
      expect(await page.getByTestId('nav-transfers').getAttribute('title')).toBe('Transfers (Alt+Shift+2)');
    });

    it('Ctrl+O opens the archive browser on the Archive page; Alt+Shift+N opens the folder picker', async () => {
      await page.keyboard.press('Control+KeyO');
      await expect.poll(pageIs).toBe('archive');
      const dlg = page.getByTestId('folder-browser');
      await dlg.waitFor({ timeout: 10_000 });
      await page.keyboard.press('Escape');
      await expect.poll(() => dlg.count()).toBe(0);
      // Going to the Archive page again does not reopen it: a command is taken once.
      await page.keyboard.press('Alt+Shift+Digit2');
      await page.keyboard.press('Alt+Shift+Digit1');
      await expect.poll(pageIs).toBe('archive');
      expect(await dlg.count()).toBe(0);

      const chooser = page.waitForEvent('filechooser', { timeout: 10_000 });
      await page.keyboard.press('Alt+Shift+KeyN');
      expect((await chooser).isMultiple()).toBe(true);
    });

    it('Ctrl+. with nothing running says so', async () => {
      await page.keyboard.press('Control+Period');
      await expect
        .poll(() => page.locator('.toast').allInnerTexts())
        .toContainEqual(expect.stringContaining('Nothing is running to cancel'));
    });
  },
);
