/**
 * Web notifications: with the permission granted, a job that finishes while the Warp tab is in the background
 * shows a desktop notification (the Notification API) worded like the desktop app's; while the tab is in front
 * and focused, none.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, openSignedIn, type LaunchedBrowser } from './helpers/browser.ts';
import { startTestDaemon, waitFor, type RunningTestDaemon } from './helpers/daemon.ts';
import { writeFiles } from './helpers/files.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';

let daemon: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;
let cdp: CDPSession | undefined;

/** Records every notification the page creates (the real constructor still runs). */
function recordNotifications(): void {
  const w = window as unknown as { __notes: { title: string; body?: string }[] };
  w.__notes = [];
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title: string, opts?: NotificationOptions) {
      super(title, opts);
      w.__notes.push({ title, body: opts?.body });
    }
  }
  window.Notification = Recorded as typeof Notification;
}

const notes = () => page.evaluate(() => (window as unknown as { __notes: { title: string; body?: string }[] }).__notes);

describe.skipIf(chromiumMissing !== '')(
  `web notifications${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      daemon = await startTestDaemon({ name: 'notify' });
      chrome = await launchChromium();
      await chrome.context.grantPermissions(['notifications'], { origin: daemon.url });
      await chrome.context.addInitScript(recordNotifications);
      page = await openSignedIn(chrome, daemon.loginUrl);
    }, 240_000);

    afterAll(async () => {
      await chrome?.close();
      await daemon?.stop();
      if (daemon) fs.rmSync(daemon.home, { recursive: true, force: true });
    });

    it('notifies when a job finishes in a background tab', async () => {
      const src = path.join(daemon!.home, 'notes-src');
      writeFiles(src, { 'a.txt': 'hello\n', 'b/c.txt': 'world\n' });
      expect(await page.evaluate(() => Notification.permission)).toBe('granted');
      // Another tab in front: Warp's tab is in the background. Playwright makes every page think it has the focus
      // unless focus emulation is off.
      cdp = await chrome!.context.newCDPSession(page);
      await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
      const other = await chrome!.context.newPage();
      await other.goto('about:blank');
      await other.bringToFront();
      expect(await page.evaluate(() => document.hasFocus())).toBe(false);
      await daemon!.api('POST', '/api/archive/create', { inputs: [src], output: path.join(daemon!.home, 'n1.warp') });
      const logs: string[] = [];
      page.on('console', (m) => logs.push(m.text()));
      page.on('pageerror', (e) => logs.push(String(e)));
      await waitFor('a notification', async () => (await notes()).length > 0, 20_000).catch(async (err: Error) => {
        throw new Error(
          `${err.message}; page: ${JSON.stringify(await page.evaluate(() => [document.visibilityState, document.hasFocus(), Notification.permission]))} jobs: ${await page.locator('[data-testid=job]').allInnerTexts()} logs: ${logs.join(' | ')}`,
        );
      });
      const [n] = await notes();
      expect(n.title).toMatch(/^Done: /);
      expect(n.body).toMatch(/2 files/);
      await other.close();
    });

    it('stays quiet while the tab is in front and focused', async () => {
      await page.bringToFront();
      await cdp!.send('Emulation.setFocusEmulationEnabled', { enabled: true });
      expect(await page.evaluate(() => document.visibilityState === 'visible' && document.hasFocus())).toBe(true);
      const before = (await notes()).length;
      const src = path.join(daemon!.home, 'notes-src');
      await daemon!.api('POST', '/api/archive/create', { inputs: [src], output: path.join(daemon!.home, 'n2.warp') });
      await page.locator('[data-testid=job][data-status=done]').nth(1).waitFor({ timeout: 20_000 });
      await page.waitForTimeout(300);
      expect((await notes()).length).toBe(before);
    });
  },
);
