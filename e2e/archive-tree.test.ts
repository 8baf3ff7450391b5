/**
 * A 100k-entry archive in the browser: it opens into a tree, a search lists ~100k matches, and scrolling from
 * top to bottom keeps only a window of rows in the DOM. The open and scroll times and the frame times during
 * the scroll are printed and written to test-results/archive-tree.json (BENCHMARKS.md); nothing asserts them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumMissing,
  launchChromium,
  openSignedIn,
  startFrameSampling,
  stopFrameSampling,
  type LaunchedBrowser,
} from './helpers/browser.ts';
import { startTestDaemon, waitFor, type RunningTestDaemon } from './helpers/daemon.ts';
import { ensureUiBuilt, ROOT } from './helpers/ui-build.ts';

const DIRS = 100;
const PER_DIR = 1000;
let daemon: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-e2e-tree-'));

describe.skipIf(chromiumMissing !== '')(
  `100k-entry archive in the browser${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      const src = path.join(work, 'big');
      for (let d = 0; d < DIRS; d++) {
        fs.mkdirSync(path.join(src, `d${d}`), { recursive: true });
        for (let f = 0; f < PER_DIR; f++) fs.writeFileSync(path.join(src, `d${d}`, `file-${f}.txt`), `x${f}`);
      }
      daemon = await startTestDaemon({ name: 'tree' });
      const { job } = await daemon.api<{ job: string }>('POST', '/api/archive/create', {
        inputs: [src],
        output: path.join(work, 'big.warp'),
      });
      await waitFor(
        'the 100k-entry archive',
        async () => (await daemon!.api<{ status: string }>('GET', `/api/jobs/${job}`)).status === 'done',
        240_000,
      );
      chrome = await launchChromium();
      page = await openSignedIn(chrome, daemon.loginUrl);
    }, 420_000);

    afterAll(async () => {
      await chrome?.close();
      await daemon?.stop();
      fs.rmSync(work, { recursive: true, force: true });
      if (daemon) fs.rmSync(daemon.home, { recursive: true, force: true });
    }, 600_000);

    it('opens, searches and scrolls 100k entries with only a window of rows in the DOM', async () => {
      const entries = page.getByTestId('archive-entries');
      const t0 = Date.now();
      await page.getByRole('textbox', { name: 'archive path' }).fill(path.join(work, 'big.warp'));
      await page.getByRole('button', { name: 'Open', exact: true }).last().click();
      await entries.locator('[data-path="big/d0"]').waitFor({ timeout: 120_000 });
      const openMs = Date.now() - t0;
      expect(await page.getByTestId('entry-count').innerText()).toBe(`${DIRS * PER_DIR + DIRS + 1} entries`);

      const t1 = Date.now();
      await page.getByTestId('entry-search').fill('file-');
      await expect.poll(() => entries.getAttribute('data-rows'), { timeout: 60_000 }).toBe(String(DIRS * PER_DIR));
      const searchMs = Date.now() - t1;

      // Scroll top to bottom in 120 steps, one per frame, as a fast flick through the whole list does.
      await startFrameSampling(page);
      const t2 = Date.now();
      await entries.evaluate(
        (el) =>
          new Promise<void>((resolve) => {
            let k = 0;
            const step = () => {
              el.scrollTop = ((++k / 120) * (el.scrollHeight - el.clientHeight)) | 0;
              if (k < 120) requestAnimationFrame(step);
              else resolve();
            };
            requestAnimationFrame(step);
          }),
      );
      const frames = await stopFrameSampling(page);
      const scrollMs = Date.now() - t2;
      await entries.locator(`[data-path="big/d99/file-999.txt"]`).waitFor({ timeout: 10_000 });
      const domRows = await entries.locator('.tree-row').count();
      expect(domRows).toBeGreaterThan(5);
      expect(domRows).toBeLessThan(100);

      const figures = { entries: DIRS * PER_DIR + DIRS + 1, openMs, searchMs, scrollMs, domRows, frames };
      console.log(`archive tree: ${JSON.stringify(figures)}`);
      fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
      fs.writeFileSync(path.join(ROOT, 'test-results', 'archive-tree.json'), JSON.stringify(figures, null, 2));
    }, 240_000);
  },
);
