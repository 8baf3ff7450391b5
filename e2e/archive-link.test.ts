/**
 * `#/archive?path=` links in web mode (the route the desktop app's double-clicked .warp files go through too):
 * following one opens that archive in the Archive page and the address goes back to #/archive, so the same link
 * followed again (from another page) opens it again; a link to a missing archive shows a plain error.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDto } from '../src/shared/events.ts';
import { archiveLink } from '../src/renderer/route.ts';
import { chromiumMissing, launchChromium, openSignedIn, type LaunchedBrowser } from './helpers/browser.ts';
import { startTestDaemon, waitFor, type RunningTestDaemon } from './helpers/daemon.ts';
import { writeFiles } from './helpers/files.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';

let daemon: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;
let archive: string;

describe.skipIf(chromiumMissing !== '')(
  `archive links (web mode)${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      daemon = await startTestDaemon({ name: 'archive-link' });
      const src = path.join(daemon.home, 'my photos');
      writeFiles(src, { 'a.txt': 'alpha\n', 'sub/b.txt': 'bravo\n', 'sub/c.txt': 'charlie\n' });
      archive = path.join(daemon.home, 'holiday #1 & more.warp');
      const { job } = await daemon.api<{ job: string }>('POST', '/api/archive/create', {
        inputs: [src],
        output: archive,
      });
      await waitFor('the archive', async () => {
        const j = await daemon!.api<JobDto>('GET', `/api/jobs/${job}`);
        if (j.status === 'failed') throw new Error(JSON.stringify(j.error));
        return j.status === 'done';
      });
      chrome = await launchChromium();
      page = await openSignedIn(chrome, daemon.loginUrl);
    }, 240_000);

    afterAll(async () => {
      await chrome?.close();
      await daemon?.stop();
      if (daemon) fs.rmSync(daemon.home, { recursive: true, force: true });
    });

    it('a link opens its archive; the same link again (from another page) opens it again', async () => {
      await page.goto(`${daemon!.url}/${archiveLink(archive)}`);
      const inspector = page.getByTestId('inspector');
      await expect.poll(() => inspector.getByTestId('archive-files').innerText(), { timeout: 20_000 }).toBe('3');
      await expect.poll(() => new URL(page.url()).hash).toBe('#/archive');
      await inspector.getByRole('button', { name: 'Close' }).first().click();
      await inspector.waitFor({ state: 'detached' });

      await page.getByTestId('nav-settings').click();
      await page.evaluate((h) => (location.hash = h), archiveLink(archive));
      await expect.poll(() => inspector.getByTestId('archive-files').innerText(), { timeout: 20_000 }).toBe('3');
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Archive');
    });

    it('a link to an archive that is not there says so', async () => {
      await page.evaluate((h) => (location.hash = h), archiveLink(path.join(daemon!.home, 'gone.warp')));
      await expect
        .poll(() => page.locator('main').innerText(), { timeout: 20_000 })
        .toMatch(/gone\.warp|not found|does not exist|No such/i);
    });
  },
);
