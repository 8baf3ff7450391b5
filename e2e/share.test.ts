/**
 * A share link opened in real Chromium with no login: `warp share create` in one daemon's home, the link opened
 * in a fresh browser context, the page decrypts (ChaCha20-Poly1305), verifies (BLAKE3, Merkle root) and
 * decompresses (zstd WASM) in the browser, and saves files whose bytes must equal the originals: as downloads,
 * as a streamed zip, and into a folder (File System Access, the origin-private file system behind the pickers),
 * resumed after a dropped connection and after a reload. A wrong or truncated key, a wrong password, a tampered
 * chunk or file list, an expired, exhausted, paused or revoked share each get a page that says so, with nothing
 * saved under a final name. A share published to `warp hub` opens with no owner daemon. Records the page's
 * decrypt + verify + decompress throughput.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import readline from 'node:readline';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, dropFiles, launchChromium, openSignedIn, type LaunchedBrowser } from './helpers/browser.ts';
import { startTestDaemon, waitFor, type RunningTestDaemon } from './helpers/daemon.ts';
import { ensureUiBuilt, ROOT } from './helpers/ui-build.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-e2e-share-'));
let daemon: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
/** The owner's browser, signed in to the daemon's UI; `chrome` (a separate profile) never signs in. */
let owner: LaunchedBrowser | undefined;
/** A browser whose File System Access pickers hand out the origin-private file system (no dialogs headless). */
let fsa: LaunchedBrowser | undefined;
const src = path.join(work, 'holiday');

/** Every file under the page origin's private file system, with its SHA-256 (hex). */
function opfsFiles(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async () => {
    const out: Record<string, string> = {};
    type H = { kind: string; name: string; getFile(): Promise<File> };
    type D = { values(): AsyncIterable<H> };
    const walk = async (dir: D, prefix: string): Promise<void> => {
      for await (const h of dir.values()) {
        if (h.kind === 'directory') await walk(h as unknown as D, `${prefix}${h.name}/`);
        else {
          const digest = await crypto.subtle.digest('SHA-256', await (await h.getFile()).arrayBuffer());
          out[prefix + h.name] = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
        }
      }
    };
    await walk((await navigator.storage.getDirectory()) as unknown as D, '');
    return out;
  });
}

async function clearOpfs(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys())
      await root.removeEntry(name, { recursive: true });
  });
}

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function createShare(d: RunningTestDaemon, extra: string[] = []): { link: string; id: string } {
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'bin', 'warp.js'), '--json', 'share', 'create', src, '--url', d.url, ...extra],
    { env: { ...process.env, WARP_HOME: d.home }, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { link: string; id: string };
  return j;
}

describe.skipIf(chromiumMissing !== '')(
  `share link in a browser${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      fs.mkdirSync(path.join(src, 'photos'), { recursive: true });
      const big = Buffer.alloc(24 * 1024 * 1024);
      for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i);
      fs.writeFileSync(path.join(src, 'photos', 'big.raw'), big);
      fs.writeFileSync(path.join(src, 'notes.txt'), 'a text that compresses well\n'.repeat(5000));
      daemon = await startTestDaemon({ name: 'share' });
      chrome = await launchChromium();
      // No File System Access dialogs in a headless test: the page falls back to downloads.
      await chrome.context.addInitScript(() => {
        delete (window as unknown as Record<string, unknown>).showSaveFilePicker;
        delete (window as unknown as Record<string, unknown>).showDirectoryPicker;
      });
      fsa = await launchChromium();
      await fsa.context.addInitScript(() => {
        const w = window as unknown as Record<string, unknown>;
        w.showDirectoryPicker = () => navigator.storage.getDirectory();
        w.showSaveFilePicker = async (o: { suggestedName: string }) =>
          (await navigator.storage.getDirectory()).getFileHandle(o.suggestedName, { create: true });
      });
    }, 120_000);
    afterAll(async () => {
      await fsa?.close();
      await owner?.close();
      await chrome?.close();
      await daemon?.stop();
      fs.rmSync(work, { recursive: true, force: true });
    });

    it('opens without a login, lists the files, saves them byte-identical', async () => {
      const { link } = createShare(daemon!);
      const page = await chrome!.context.newPage();
      await page.goto(link);
      await page.waitForSelector('body[data-state=ready]', { timeout: 30_000 });
      expect(await page.locator('#files li').count()).toBe(2);
      expect(await page.locator('#summary').textContent()).toMatch(/2 files, 24\.\d MiB/);
      for (const rel of ['notes.txt', 'photos/big.raw']) {
        const [download] = await Promise.all([
          page.waitForEvent('download', { timeout: 60_000 }),
          page.locator(`button[data-path="holiday/${rel}"]`).click(),
        ]);
        const saved = path.join(work, `saved-${path.basename(rel)}`);
        await download.saveAs(saved);
        expect(fs.readFileSync(saved).equals(fs.readFileSync(path.join(src, rel))), rel).toBe(true);
      }
      await page.locator('#status[data-kind=done]').waitFor();
      // Throughput of decrypt + verify + decompress in this browser (fetch from the local daemon included).
      const mbps = await page.evaluate(async () => {
        const share = (
          window as unknown as {
            warpShare: {
              manifest: { entries: Array<{ p: string; s: number }> };
              file(e: unknown): AsyncIterable<Uint8Array>;
            };
          }
        ).warpShare;
        const e = share.manifest.entries.find((x) => x.p.endsWith('big.raw'))!;
        const t0 = performance.now();
        let n = 0;
        for await (const part of share.file(e)) n += part.length;
        return n / 1e6 / ((performance.now() - t0) / 1000);
      });
      console.log(`share page: decrypt + verify + decompress of 24 MiB in Chromium: ${mbps.toFixed(1)} MB/s`);
      expect(mbps).toBeGreaterThan(0);
      await page.close();
    });

    it('saves the whole share as a streamed zip (no File System Access API); a connection dropped mid-way resumes where it was', async () => {
      const { link } = createShare(daemon!);
      const page = await chrome!.context.newPage();
      await page.goto(link);
      await page.waitForSelector('body[data-state=ready]', { timeout: 30_000 });
      expect(await page.locator('#save-all').textContent()).toMatch(/zip/);
      const cdp = await chrome!.context.newCDPSession(page);
      await cdp.send('Network.enable');
      // 4 MB/s, as over a real link, so the 24 MiB take seconds whatever the machine (the drop must land mid-way).
      const link4 = { offline: false, latency: 0, downloadThroughput: 4_000_000, uploadThroughput: -1 };
      await cdp.send('Network.emulateNetworkConditions', link4);
      let failed = 0;
      page.on('requestfailed', () => failed++);
      const downloadP = page.waitForEvent('download', { timeout: 180_000 });
      await page.locator('#save-all').click();
      // Once some parts arrived, the network goes away for 3 s: requests fail and are retried, nothing restarts.
      await page.waitForFunction(() => /Saving… [1-9]/.test(document.getElementById('status')?.textContent ?? ''), {
        timeout: 60_000,
      });
      await cdp.send('Network.emulateNetworkConditions', {
        offline: true,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await new Promise((r) => setTimeout(r, 3000));
      await cdp.send('Network.emulateNetworkConditions', link4);
      const download = await downloadP;
      expect(failed, 'requests failed while offline and were retried').toBeGreaterThan(0);
      expect(download.suggestedFilename()).toBe('holiday.zip');
      const zip = path.join(work, 'all.zip');
      await download.saveAs(zip);
      const out = path.join(work, 'unzipped');
      const r = spawnSync('unzip', ['-q', zip, '-d', out], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      for (const rel of ['notes.txt', 'photos/big.raw'])
        expect(fs.readFileSync(path.join(out, 'holiday', rel)).equals(fs.readFileSync(path.join(src, rel))), rel).toBe(
          true,
        );
      await page.locator('#status[data-kind=done]').waitFor();
      await page.close();
    });

    it('a password share asks for the password, refuses a wrong one, and opens with the right one', async () => {
      const pw = path.join(work, 'pw');
      fs.writeFileSync(pw, 'open sesame\n');
      const { link } = createShare(daemon!, ['--password-file', pw]);
      const page = await chrome!.context.newPage();
      await page.goto(link);
      await page.waitForSelector('body[data-state=password]', { timeout: 30_000 });
      await page.fill('#password', 'open barley');
      await page.click('#password-form button');
      await page.locator('#status[data-kind=error]').waitFor({ timeout: 60_000 });
      expect(await page.locator('#status').textContent()).toMatch(/password is wrong/);
      await page.fill('#password', 'open sesame');
      await page.click('#password-form button');
      await page.waitForSelector('body[data-state=ready]', { timeout: 60_000 });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('button[data-path="holiday/notes.txt"]').click(),
      ]);
      const saved = path.join(work, 'saved-pw-notes.txt');
      await download.saveAs(saved);
      expect(fs.readFileSync(saved).equals(fs.readFileSync(path.join(src, 'notes.txt')))).toBe(true);
      await page.close();
    });

    it('a wrong key says the link is incomplete or wrong; a tampered chunk or file list is named and nothing is saved', async () => {
      const { link, id } = createShare(daemon!);
      const wrong = await chrome!.context.newPage();
      const key = link.split('#')[1];
      await wrong.goto(link.replace(/#.*/, `#${key[0] === 'A' ? 'B' : 'A'}${key.slice(1)}`));
      await wrong.waitForSelector('body[data-state=error]', { timeout: 30_000 });
      expect(await wrong.locator('#status').textContent()).toMatch(/incomplete or wrong/);
      await wrong.goto(link.slice(0, -6));
      await wrong.waitForSelector('body[data-state=error]');
      expect(await wrong.locator('#status').textContent()).toMatch(/incomplete or wrong/);
      // Nothing to save from a link that does not open: no file list, no save button.
      expect(await wrong.locator('#files li').count()).toBe(0);
      expect(await wrong.locator('#save-all').isHidden()).toBe(true);
      await wrong.close();

      const data = path.join(daemon!.home, 'shares', id, 'data.bin');
      const bytes = fs.readFileSync(data);
      bytes[bytes.length - 100] ^= 0x10;
      fs.writeFileSync(data, bytes);
      const page = await chrome!.context.newPage();
      let downloads = 0;
      page.on('download', () => {
        downloads++;
      });
      await page.goto(link);
      await page.waitForSelector('body[data-state=ready]');
      await page.locator('button[data-path="holiday/photos/big.raw"]').click();
      await page.locator('#status[data-kind=error]').waitFor({ timeout: 60_000 });
      expect(await page.locator('#status').textContent()).toMatch(/was changed on the server.*Nothing was saved/);
      expect(downloads).toBe(0);
      await page.close();

      // The same share saved into a folder: the tampered file is named and never appears under its final name.
      const folder = await fsa!.context.newPage();
      await folder.goto(link);
      await folder.waitForSelector('body[data-state=ready]', { timeout: 30_000 });
      await clearOpfs(folder);
      await folder.locator('#save-all').click();
      await folder.locator('#status[data-kind=error]').waitFor({ timeout: 60_000 });
      expect(await folder.locator('#status').textContent()).toMatch(/Part \d+ of the share was changed on the server/);
      const saved = await opfsFiles(folder);
      expect(saved['holiday/photos/big.raw']).toBeUndefined();
      for (const [name, hash] of Object.entries(saved))
        if (!name.includes('.warp-part')) expect(hash, name).toBe(sha256(path.join(work, name)));

      // A changed file list: the link's key matches the share's public key check, so the page blames the server.
      const manifest = path.join(daemon!.home, 'shares', id, 'manifest.bin');
      const sealed = fs.readFileSync(manifest);
      sealed[20] ^= 0x01;
      fs.writeFileSync(manifest, sealed);
      await folder.reload();
      await folder.waitForSelector('body[data-state=error]', { timeout: 30_000 });
      expect(await folder.locator('#status').textContent()).toMatch(/file list was changed on the server/);
      expect(await folder.locator('#files li').count()).toBe(0);
      await folder.close();
    });

    it('an expired share and one past its download limit each show a clear page, nothing to save', async () => {
      const expired = createShare(daemon!, ['--expires', '1s']);
      const limited = createShare(daemon!, ['--max-downloads', '1']);
      await new Promise((r) => setTimeout(r, 1500));
      const page = await chrome!.context.newPage();
      await page.goto(expired.link);
      await page.waitForSelector('body[data-state=error]', { timeout: 30_000 });
      expect(await page.locator('#status').textContent()).toMatch(/This share has expired\./);
      expect(await page.locator('#files li').count()).toBe(0);
      // The first opening is the one download the owner allowed; the second is refused.
      await page.goto(limited.link);
      await page.waitForSelector('body[data-state=ready]', { timeout: 30_000 });
      await page.goto('about:blank');
      await page.goto(limited.link);
      await page.waitForSelector('body[data-state=error]', { timeout: 30_000 });
      expect(await page.locator('#status').textContent()).toMatch(/This share has reached its download limit\./);
      expect(await page.locator('#files li').count()).toBe(0);
      await page.close();
    });

    it('saves into a folder (File System Access): a reload mid-way resumes from the verified parts in the folder', async () => {
      const { link } = createShare(daemon!);
      const page = await fsa!.context.newPage();
      await page.goto(link);
      await page.waitForSelector('body[data-state=ready]', { timeout: 30_000 });
      await clearOpfs(page);
      expect(await page.locator('#save-all').textContent()).toMatch(/folder/);
      const cdp = await fsa!.context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: 4_000_000,
        uploadThroughput: -1,
      });
      await page.locator('#save-all').click();
      // Once the first segment of big.raw is committed (the second one started), the page is reloaded.
      await waitFor('a committed part file', async () => {
        const files = await opfsFiles(page);
        return files['holiday/photos/big.raw.warp-part1'] ? files : undefined;
      });
      const before = await opfsFiles(page);
      expect(before['holiday/photos/big.raw'], 'no file under its final name before it verified').toBeUndefined();
      await page.reload();
      await page.waitForSelector('body[data-state=ready]', { timeout: 30_000 });
      const chunkCount = await page.evaluate(
        () =>
          (
            window as unknown as { warpShare: { manifest: { entries: Array<{ p: string; r?: number[] }> } } }
          ).warpShare.manifest.entries.find((e) => e.p.endsWith('big.raw'))!.r!.length,
      );
      let chunkRequests = 0;
      page.on('request', (r) => {
        if (/\/c\/\d+\?/.test(r.url())) chunkRequests++;
      });
      await page.locator('#save-all').click();
      await page.locator('#status[data-kind=done]').waitFor({ timeout: 120_000 });
      expect(await page.locator('#status').textContent()).toMatch(/MiB of it was already in the folder/);
      expect(chunkRequests, 'only the parts not already verified in the folder were fetched').toBeLessThan(chunkCount);
      const after = await opfsFiles(page);
      expect(Object.keys(after).sort()).toEqual(['holiday/notes.txt', 'holiday/photos/big.raw']);
      for (const rel of ['notes.txt', 'photos/big.raw'])
        expect(after[`holiday/${rel}`], rel).toBe(sha256(path.join(src, rel)));
      await page.close();
    });

    it('published to a `warp hub`: the link opens from the hub with no owner daemon running and saves byte-identical', async () => {
      const ownerHome = path.join(work, 'hub-owner');
      const hub = spawn(process.execPath, [path.join(ROOT, 'bin', 'warp.js'), '--json', 'hub', '--port', '0'], {
        env: { ...process.env, WARP_HOME: path.join(work, 'hub-home') },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        const first = await new Promise<string>((resolve, reject) => {
          readline.createInterface({ input: hub.stdout! }).once('line', resolve);
          hub.once('exit', () => reject(new Error('warp hub exited')));
        });
        const hubUrl = (JSON.parse(first) as { url: string }).url;
        // The owner's machine runs no daemon at all: the hub alone serves the page and the ciphertext.
        const r = spawnSync(
          process.execPath,
          [
            path.join(ROOT, 'bin', 'warp.js'),
            '--json',
            'share',
            'create',
            path.join(src, 'notes.txt'),
            '--publish',
            hubUrl,
          ],
          { env: { ...process.env, WARP_HOME: ownerHome }, encoding: 'utf8' },
        );
        expect(r.status, r.stderr).toBe(0);
        const { link } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { link: string };
        expect(link.startsWith(`${hubUrl}/s/`)).toBe(true);
        const page = await chrome!.context.newPage();
        await page.goto(link);
        await page.waitForSelector('body[data-state=ready]', { timeout: 30_000 });
        const [download] = await Promise.all([
          page.waitForEvent('download', { timeout: 60_000 }),
          page.locator('button[data-path="notes.txt"]').click(),
        ]);
        const saved = path.join(work, 'hub-notes.txt');
        await download.saveAs(saved);
        expect(fs.readFileSync(saved).equals(fs.readFileSync(path.join(src, 'notes.txt')))).toBe(true);
        // Revoked by its owner (by the owner's token), the hub's link shows the revoked page.
        const id = link.split('/s/')[1].split('#')[0];
        const rv = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'warp.js'), 'share', 'revoke', id], {
          env: { ...process.env, WARP_HOME: ownerHome },
          encoding: 'utf8',
        });
        expect(rv.status, rv.stderr).toBe(0);
        await page.reload();
        await page.waitForSelector('body[data-state=error]', { timeout: 30_000 });
        expect(await page.locator('#status').textContent()).toMatch(/revoked/);
        await page.close();
      } finally {
        const gone = new Promise((res) => hub.once('exit', res));
        hub.kill('SIGTERM');
        await gone;
      }
    }, 180_000);

    it("created in the daemon's UI by a drop: link and QR code; opened with no login it saves byte-identical; the list counts it; pause, revoke", async () => {
      owner = await launchChromium();
      const ui = await openSignedIn(owner, daemon!.loginUrl);
      await ui.getByTestId('nav-share').click();
      const files = {
        'trip/day1.txt': Buffer.from('the first day\n'.repeat(3000)),
        'trip/raw/p1.bin': Buffer.from(Array.from({ length: 3_000_000 }, (_, i) => (i * 7919) & 0xff)),
      };
      await dropFiles(
        ui,
        '[data-testid=share-dropzone]',
        Object.entries(files).map(([p, d]) => ({ path: p, base64: d.toString('base64') })),
      );
      const linkBox = ui.getByTestId('share-link-text');
      await linkBox.waitFor({ timeout: 60_000 });
      const link = await linkBox.inputValue();
      expect(link).toMatch(new RegExp(`^${daemon!.url}/s/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$`));
      expect(await ui.locator('[data-testid=share-link] svg.qr-code path').getAttribute('d')).toMatch(/^M\d/);
      const id = link.split('/s/')[1].split('#')[0];
      const row = ui.locator(`[data-testid=share-row][data-id="${id}"]`);
      await row.waitFor();
      expect(await row.getAttribute('data-state')).toBe('active');

      // A fresh browser profile, never signed in, opens the link and saves both files.
      const page = await chrome!.context.newPage();
      await page.goto(link);
      await page.waitForSelector('body[data-state=ready]', { timeout: 30_000 });
      for (const rel of Object.keys(files)) {
        const [download] = await Promise.all([
          page.waitForEvent('download', { timeout: 60_000 }),
          page.locator(`button[data-path="${rel}"]`).click(),
        ]);
        const saved = path.join(work, `ui-${path.basename(rel)}`);
        await download.saveAs(saved);
        expect(fs.readFileSync(saved).equals(files[rel as keyof typeof files]), rel).toBe(true);
      }
      await page.close();
      await waitFor('the list to count the download', async () =>
        (await row.getByTestId('share-downloads').textContent())?.trim() === '1' ? true : undefined,
      );

      await row.getByRole('button', { name: 'Pause' }).click();
      await waitFor('paused', async () => ((await row.getAttribute('data-state')) === 'paused' ? true : undefined));
      const paused = await chrome!.context.newPage();
      await paused.goto(link);
      await paused.waitForSelector('body[data-state=error]', { timeout: 30_000 });
      expect(await paused.locator('#status').textContent()).toMatch(/paused/);
      await row.getByRole('button', { name: 'Resume' }).click();
      await waitFor('active', async () => ((await row.getAttribute('data-state')) === 'active' ? true : undefined));
      ui.once('dialog', (d) => void d.accept());
      await row.getByRole('button', { name: 'Revoke' }).click();
      await waitFor('revoked', async () => ((await row.getAttribute('data-state')) === 'revoked' ? true : undefined));
      await paused.goto(link);
      await paused.reload();
      await paused.waitForSelector('body[data-state=error]', { timeout: 30_000 });
      expect(await paused.locator('#status').textContent()).toMatch(/revoked/);
      expect(fs.existsSync(path.join(daemon!.home, 'shares', id, 'data.bin'))).toBe(false);
      await paused.close();
    });
  },
);
