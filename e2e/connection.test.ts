/**
 * Losing the daemon and signing in, in web mode: when the daemon stops, the page says so in a banner and its
 * actions are disabled; when it comes back on the same port the page reconnects by itself (the session cookie
 * survives restarts). A login link opened a second time goes to the app in the browser it signed in, and shows
 * a styled sign-in page (no "restart the daemon") in any other browser.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumMissing,
  launchChromium,
  openSignedIn,
  screenshotBoth,
  type LaunchedBrowser,
} from './helpers/browser.ts';
import { startTestDaemon, waitFor, type RunningTestDaemon } from './helpers/daemon.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';

let daemon: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let other: LaunchedBrowser | undefined;
let page: Page;

describe.skipIf(chromiumMissing !== '')(
  `connection and sign-in (web mode)${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      daemon = await startTestDaemon({ name: 'connection' });
      chrome = await launchChromium();
      page = await openSignedIn(chrome, daemon.loginUrl);
    }, 240_000);

    afterAll(async () => {
      await chrome?.close();
      await other?.close();
      await daemon?.stop();
      if (daemon) fs.rmSync(daemon.home, { recursive: true, force: true });
    });

    it('a reused login link: the signed-in browser goes to the app, another gets a styled sign-in page', async () => {
      const again = await chrome!.context.newPage();
      await again.goto(daemon!.loginUrl);
      await again.getByTestId('statusbar').getByText('connected').waitFor({ timeout: 20_000 });
      await again.close();

      other = await launchChromium();
      const fresh = await other.context.newPage();
      const res = await fresh.goto(daemon!.loginUrl);
      expect(res?.status()).toBe(401);
      await expect.poll(() => fresh.locator('h1').innerText()).toBe('This sign-in link was already used');
      const body = await fresh.locator('body').innerText();
      expect(body).toContain('warp daemon token');
      expect(body).not.toMatch(/restart/i);
      // Styled: the app's dark panel, not the browser's default white page.
      expect(await fresh.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor)).not.toBe(
        'rgb(255, 255, 255)',
      );
      await screenshotBoth(fresh, 'login-reused');
      // The token signs this browser in from there.
      await fresh.getByLabel('Daemon token').fill(daemon!.token);
      await fresh.getByRole('button', { name: 'Sign in' }).click();
      await fresh.getByTestId('statusbar').getByText('connected').waitFor({ timeout: 20_000 });
    });

    it('shows a banner and disables actions while the daemon is down, and reconnects by itself', async () => {
      await page.getByTestId('nav-transfers').click();
      const start = page.getByTestId('transfer-start');
      const peerField = page.getByTestId('transfer-peer');
      expect(await peerField.isDisabled()).toBe(false);
      const { port, home } = daemon!;
      await daemon!.stop();

      const banner = page.getByTestId('connection-lost');
      await banner.waitFor({ timeout: 15_000 });
      expect(await banner.innerText()).toMatch(/Lost connection to the Warp daemon/);
      expect(await peerField.isDisabled()).toBe(true);
      expect(await start.isDisabled()).toBe(true);
      // Navigation still works, and the other pages are locked too.
      await page.getByTestId('nav-archive').click();
      expect(await page.getByRole('button', { name: 'Choose files…' }).isDisabled()).toBe(true);
      await screenshotBoth(page, 'connection-lost');

      daemon = await startTestDaemon({ name: 'connection', home, port });
      await waitFor('the page to reconnect by itself', async () => (await banner.count()) === 0, 30_000);
      await page.getByTestId('statusbar').getByText('connected').waitFor({ timeout: 10_000 });
      expect(await page.getByRole('button', { name: 'Choose files…' }).isDisabled()).toBe(false);
    });
  },
);
