/**
 * Web mode end to end: a folder dropped on the Archive page is uploaded to a real `warp daemon`, archived with
 * progress shown, opened, extracted through the UI, and the extracted files are identical to the originals.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumMissing,
  dropFiles,
  launchChromium,
  openSignedIn,
  screenshotBoth,
  type LaunchedBrowser,
} from './helpers/browser.ts';
import { startTestDaemon, waitFor, type RunningTestDaemon } from './helpers/daemon.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';
import { formatBytes } from '../src/renderer/format.ts';

let daemon: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;
let archivePath = '';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-e2e-archive-'));

function sourceTree(): Record<string, Buffer> {
  const rnd = (n: number, seed: string) => {
    const out = Buffer.alloc(n);
    let block = crypto.createHash('sha256').update(seed).digest();
    for (let o = 0; o < n; o += block.length) {
      block.copy(out, o);
      block = crypto.createHash('sha256').update(block).digest();
    }
    return out;
  };
  return {
    'photos/readme.txt': Buffer.from('holiday photos\n'),
    'photos/2024/beach.raw': rnd(3 * 1024 * 1024 + 17, 'beach'),
    'photos/2024/notes.md': Buffer.from('# notes\n'.repeat(500)),
    'photos/2025/city.raw': rnd(2 * 1024 * 1024, 'city'),
    'photos/empty.bin': Buffer.alloc(0),
  };
}

function filesUnder(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(root, { recursive: true }).map(String)) {
    const abs = path.join(root, rel);
    if (fs.statSync(abs).isFile())
      out[rel.split(path.sep).join('/')] = crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
  }
  return out;
}

describe.skipIf(chromiumMissing !== '')(
  `archive page (web mode)${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      daemon = await startTestDaemon({ name: 'archive' });
      chrome = await launchChromium();
      page = await openSignedIn(chrome, daemon.loginUrl);
    }, 240_000);

    afterAll(async () => {
      await chrome?.close();
      await daemon?.stop();
      fs.rmSync(work, { recursive: true, force: true });
      if (daemon) fs.rmSync(daemon.home, { recursive: true, force: true });
    });

    it('drop a folder: archive created with progress, extracted, files identical', async () => {
      const tree = sourceTree();
      const src = path.join(work, 'src');
      for (const [rel, data] of Object.entries(tree)) {
        fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
        fs.writeFileSync(path.join(src, rel), data);
      }
      // Record every progress value the page shows, so the test can tell progress was visible (not just the end).
      await page.evaluate(() => {
        const w = window as unknown as { __progress: number[] };
        w.__progress = [];
        const seen = () =>
          document
            .querySelectorAll('[role=progressbar]')
            .forEach((el) => w.__progress.push(Number(el.getAttribute('aria-valuenow'))));
        new MutationObserver(seen).observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ['aria-valuenow'],
        });
      });
      // The upload runs at 2 MB/s (Chromium's network emulation), as over a real link: ~2.6 s of progress the page
      // must show whatever the machine's load (unthrottled, a loaded machine rendered 5 MiB in one go: 0, then 100).
      const cdp = await chrome!.context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: 2_000_000,
      });
      await dropFiles(
        page,
        '[data-testid=dropzone]',
        Object.entries(tree).map(([p, d]) => ({ path: p, base64: d.toString('base64') })),
      );

      const job = page.locator('[data-testid=job][data-kind^="archive."]').first();
      await job.waitFor({ timeout: 30_000 });
      await waitFor(
        'the archive job to finish',
        async () => {
          const s = await job.getAttribute('data-status');
          if (s === 'failed' || s === 'cancelled')
            throw new Error(`archive job ${s}: ${await job.innerText()}\n${daemon!.log()}`);
          return s === 'done';
        },
        60_000,
      );
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await cdp.detach();
      const progress = await page.evaluate(() => (window as unknown as { __progress: number[] }).__progress);
      expect(
        progress.some((v) => v > 0 && v < 100),
        `intermediate progress values seen: ${[...new Set(progress)].join(',')}`,
      ).toBe(true);
      expect(progress).toContain(100);

      await job.getByRole('button', { name: 'Open' }).click();
      const inspector = page.getByTestId('inspector');
      // The inspector opens below the other cards: it must be scrolled into view, not left off-screen.
      await expect
        .poll(
          () =>
            inspector.evaluate((el) => {
              const r = el.getBoundingClientRect();
              return r.top >= 0 && r.top < window.innerHeight / 2;
            }),
          { timeout: 5000 },
        )
        .toBe(true);
      await expect
        .poll(async () => inspector.getByTestId('archive-files').innerText(), { timeout: 20_000 })
        .toBe(String(Object.keys(tree).length));
      // The tree opens the archive's one folder; a search finds entries in closed folders.
      await expect.poll(async () => inspector.getByTestId('archive-entries').innerText()).toContain('readme.txt');
      expect(await inspector.getByTestId('archive-entries').innerText()).not.toContain('beach.raw');
      await inspector.getByTestId('entry-search').fill('BEACH');
      await expect
        .poll(async () => inspector.getByTestId('archive-entries').innerText())
        .toContain('photos/2024/beach.raw');
      expect(await inspector.getByTestId('entry-count').innerText()).toBe('1 of 8 match');
      await inspector.getByTestId('entry-search').fill('');

      // The archive holds one folder: the default target is the extracted folder itself (no photos/photos).
      expect(await inspector.getByTestId('extract-target').inputValue()).toMatch(/[\\/]extracted$/);
      const target = path.join(work, 'extracted');
      await inspector.getByTestId('extract-target').fill(target);
      await inspector.getByTestId('extract').click();
      const ex = inspector.locator('[data-testid=job][data-kind="archive.extract"]');
      await waitFor(
        'the extract job to finish',
        async () => {
          const s = await ex.getAttribute('data-status');
          if (s === 'failed') throw new Error(`extract failed: ${await ex.innerText()}`);
          return s === 'done';
        },
        60_000,
      );

      // The archive holds the dropped folder by name: compare target/photos with the source folder.
      const extractedRoot = fs.existsSync(path.join(target, 'photos')) ? path.join(target, 'photos') : target;
      expect(filesUnder(extractedRoot)).toEqual(filesUnder(path.join(src, 'photos')));

      await inspector.getByTestId('verify').click();
      await inspector.getByTestId('verify-ok').waitFor({ timeout: 30_000 });
      // Verify reads the data twice (chunks, then whole files) but shows the content's size once.
      const content = Object.values(tree).reduce((n, b) => n + b.length, 0);
      const verifyJob = inspector.locator('[data-testid=job][data-kind="archive.verify"]');
      expect(await verifyJob.getByTestId('job-bytes').innerText()).toBe(
        `${formatBytes(content)} / ${formatBytes(content)}`,
      );
      await screenshotBoth(page, 'archive');
      archivePath = (await inspector.locator('dd.mono').first().innerText()).trim();

      // The library lists it, verified, and keeps it after a reload (the engine stores the list).
      const row = page.locator(`[data-testid=library-row][data-archive="${archivePath}"]`);
      await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/verified/i);
      expect(await row.innerText()).toContain('5 files');
      await page.reload();
      await row.waitFor({ timeout: 20_000 });
      expect(await row.innerText()).toMatch(/photos\.warp[\s\S]*verified/i);
    });

    it('extracts only the selected entries: a folder and a file picked in the tree', async () => {
      await page
        .locator(`[data-testid=library-row][data-archive="${archivePath}"]`)
        .getByRole('button', { name: 'Open' })
        .click();
      const inspector = page.getByTestId('inspector');
      const entries = inspector.getByTestId('archive-entries');
      await entries.locator('[data-path="photos/2025"]').waitFor({ timeout: 20_000 });
      await entries.getByRole('checkbox', { name: 'select photos/2025' }).check();
      // A folder opened with the keyboard (ArrowRight on its row) shows its files.
      await entries.getByRole('button', { name: 'expand photos/2024' }).press('ArrowRight');
      await entries.getByRole('checkbox', { name: 'select photos/2024/notes.md' }).check();
      expect(await inspector.getByTestId('extract-selected').innerText()).toMatch(/\(2 files, /);
      const target = path.join(work, 'partial');
      await inspector.getByTestId('extract-target').fill(target);
      await inspector.getByTestId('extract-selected').click();
      // The page was reloaded after the first test: this inspector's only extract job is this one.
      const ex = inspector.locator('[data-testid=job][data-kind="archive.extract"]');
      await expect.poll(() => ex.count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => ex.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
      const got = filesUnder(target);
      expect(Object.keys(got).sort()).toEqual(['photos/2024/notes.md', 'photos/2025/city.raw']);
      expect(got['photos/2025/city.raw']).toBe(
        crypto.createHash('sha256').update(sourceTree()['photos/2025/city.raw']).digest('hex'),
      );
    });

    it('a drop with a password and level makes an encrypted archive the library marks as encrypted', async () => {
      await page.getByTestId('new-level').selectOption('fast');
      await page.getByTestId('new-password').fill('drop secret');
      await page.getByTestId('new-password-repeat').fill('drop secreX');
      expect(await page.getByRole('button', { name: 'Choose files…' }).isDisabled()).toBe(true);
      await page.getByTestId('new-password-repeat').fill('drop secret');
      await dropFiles(page, '[data-testid=dropzone]', [
        { path: 'vault/key.txt', base64: Buffer.from('locked away\n').toString('base64') },
      ]);
      const row = page.locator('[data-testid=library-row][data-archive$="vault.warp"]');
      await row.waitFor({ timeout: 60_000 });
      expect(await row.innerText()).toMatch(/encrypted/i);
      const archive = (await row.getAttribute('data-archive'))!;
      const info = await daemon!
        .api<{ error?: { code: string } }>('POST', '/api/archive/info', { archive })
        .catch((e: Error) => ({ error: { code: e.message } }));
      expect(JSON.stringify(info)).toMatch(/E_KEY_REQUIRED/);
      await page.getByTestId('new-password').fill('');
    });

    it('a damaged archive verifies red and names the damaged files', async () => {
      expect(archivePath).toMatch(/\.warp$/);
      const damaged = path.join(work, 'damaged.warp');
      const bytes = fs.readFileSync(archivePath);
      // A third of the way in lies chunk data (the manifest is at the end): spoil a few bytes there.
      for (let i = 0; i < 16; i++) bytes[Math.floor(bytes.length / 3) + i] ^= 0xff;
      fs.writeFileSync(damaged, bytes);
      await page.getByRole('textbox', { name: 'archive path' }).fill(damaged);
      await page.getByRole('button', { name: 'Open', exact: true }).last().click();
      const inspector = page.getByTestId('inspector');
      await inspector.getByTestId('verify').click();
      const job = inspector.locator('[data-testid=job][data-kind="archive.verify"]');
      await expect.poll(() => job.getAttribute('data-outcome'), { timeout: 30_000 }).toBe('damaged');
      expect(await job.locator('.badge').innerText()).toMatch(/damaged/i);
      expect(await job.locator('.badge').evaluate((el) => el.classList.contains('red'))).toBe(true);
      const names = (await job.getByTestId('damaged-files').locator('li .mono').allInnerTexts()).map((t) => t.trim());
      expect(names.length).toBeGreaterThan(0);
      const known = Object.keys(sourceTree());
      for (const n of names)
        expect(
          known.some((k) => n === k || n.endsWith(`/${k}`) || k.endsWith(n)),
          n,
        ).toBe(true);
      await screenshotBoth(page, 'archive-damaged');
    });

    it('errors read as plain words with an action, the raw code under Details', async () => {
      const inspector = page.getByTestId('inspector');
      const open = async (p: string) => {
        await page.getByRole('textbox', { name: 'archive path' }).fill(p);
        await page.getByRole('button', { name: 'Open', exact: true }).last().click();
      };
      await open(path.join(work, 'no-such.warp'));
      const note = inspector.getByRole('alert');
      await expect.poll(() => note.innerText()).toMatch(/^Nothing is at that path\./);
      expect(await note.getAttribute('data-code')).toBe('E_INPUT_NOT_FOUND');
      expect(await note.locator('details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      await note.locator('summary').click();
      expect(await note.locator('details').innerText()).toContain('E_INPUT_NOT_FOUND');

      // A locked archive asks for its password, and the password opens it.
      const src = path.join(work, 'secret-src');
      fs.mkdirSync(src, { recursive: true });
      fs.writeFileSync(path.join(src, 'secret.txt'), 'top secret\n');
      const locked = path.join(work, 'locked.warp');
      const { job } = await daemon!.api<{ job: string }>('POST', '/api/archive/create', {
        inputs: [src],
        output: locked,
        password: 'correct horse',
      });
      await waitFor(
        'the locked archive',
        async () => (await daemon!.api<{ status: string }>('GET', `/api/jobs/${job}`)).status === 'done',
        30_000,
      );
      await open(locked);
      await expect
        .poll(() => inspector.getByRole('alert').innerText())
        .toMatch(/^This archive is locked\. Enter its password/);
      await inspector.getByRole('button', { name: 'Enter password' }).click();
      await page.keyboard.type('correct horse');
      await inspector.getByRole('button', { name: 'Unlock' }).click();
      await expect.poll(() => inspector.getByTestId('archive-files').innerText(), { timeout: 20_000 }).toBe('1');
      await screenshotBoth(page, 'archive-unlocked');
    });

    it("path pickers browse the daemon's folders: pick a .warp to open it, choose a folder to extract into", async () => {
      // The last test left locked.warp open: close it, so picking it opens it afresh (locked again).
      await page.getByTestId('inspector').getByRole('button', { name: 'Close' }).click();
      await page.getByRole('textbox', { name: 'archive path' }).fill(work);
      await page.getByRole('button', { name: 'Browse for archive path' }).click();
      const dlg = page.getByTestId('folder-browser');
      await expect.poll(() => dlg.getByTestId('browser-path').innerText(), { timeout: 10_000 }).toBe(work);
      // Only folders and .warp files are offered.
      const names = await dlg.locator('.browser-entry .mono').allInnerTexts();
      expect(names).toContain('locked.warp');
      expect(names).toContain('src');
      expect(names.every((n) => !n.includes('.') || n.endsWith('.warp'))).toBe(true);
      await dlg.getByRole('button', { name: /locked\.warp/ }).click();
      expect(await dlg.isVisible()).toBe(false);
      const inspector = page.getByTestId('inspector');
      await expect.poll(() => inspector.getByRole('alert').innerText()).toMatch(/^This archive is locked/);
      await inspector.getByRole('button', { name: 'Enter password' }).click();
      await page.keyboard.type('correct horse');
      await inspector.getByRole('button', { name: 'Unlock' }).click();
      await inspector.getByTestId('archive-files').waitFor({ timeout: 20_000 });

      await inspector.getByTestId('extract-target').fill(path.join(work, 'src'));
      await inspector.getByRole('button', { name: 'Browse for extract target' }).click();
      await expect.poll(() => dlg.getByTestId('browser-path').innerText()).toBe(path.join(work, 'src'));
      await dlg.getByRole('button', { name: '↑ Up' }).click();
      await expect.poll(() => dlg.getByTestId('browser-path').innerText()).toBe(work);
      // Folders only here: no .warp files offered.
      expect(await dlg.locator('.browser-entry .mono').allInnerTexts()).not.toContain('locked.warp');
      await screenshotBoth(page, 'folder-browser');
      await dlg.getByRole('button', { name: 'Choose this folder' }).click();
      expect(await inspector.getByTestId('extract-target').inputValue()).toBe(work);
    });
  },
);
