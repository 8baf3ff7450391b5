/**
 * Settings in web mode against a real daemon: one key of every config type is edited and saved through the page
 * (the integer case once failed with "expected an integer"), the daemon's config then holds each value, and a
 * value of the wrong shape is refused on the page with a plain message instead of a round trip.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigDto } from '../src/shared/bridge.ts';
import {
  chromiumMissing,
  launchChromium,
  openSignedIn,
  screenshotBoth,
  type LaunchedBrowser,
} from './helpers/browser.ts';
import { startTestDaemon, type RunningTestDaemon } from './helpers/daemon.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';

let daemon: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;

async function edit(key: string, text: string): Promise<void> {
  const section = key.split('.')[0];
  await page.getByRole('tab', { name: section, exact: true }).click();
  const row = page.locator(`[data-testid=config-row][data-key="${key}"]`);
  const control = row.locator('input, select').first();
  if (await control.evaluate((el) => el.tagName === 'SELECT')) await control.selectOption(text);
  else await control.fill(text);
  await row.getByRole('button', { name: 'Save' }).click();
}

describe.skipIf(chromiumMissing !== '')(
  `settings page (web mode)${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      daemon = await startTestDaemon({ name: 'settings' });
      chrome = await launchChromium();
      page = await openSignedIn(chrome, daemon.loginUrl);
      await page.goto(`${daemon.url}/#/settings`);
      await page.getByTestId('config').getByRole('tab').first().waitFor();
    }, 240_000);

    afterAll(async () => {
      await chrome?.close();
      await daemon?.stop();
      if (daemon) fs.rmSync(daemon.home, { recursive: true, force: true });
    });

    it('saves one value of every config type', async () => {
      const logFile = path.join(daemon!.home, 'ui-test.log');
      const edits: [key: string, type: string, text: string, expected: unknown][] = [
        ['transfer.streams', 'integer', '4', 4],
        ['transfer.transport', 'enum', 'tcp', 'tcp'],
        ['transfer.mdns', 'boolean', 'true', true],
        ['archive.chunk_max', 'bytes', '8MiB', 8 * 1024 * 1024],
        ['sync.debounce', 'duration', '2s', 2000],
        ['log.file', 'path', logFile, logFile],
        ['daemon.host', 'string', 'localhost', 'localhost'],
        [
          'swarm.peer_rules',
          'list',
          `${daemon!.peerId} price=0.12, ${daemon!.peerId.slice(0, -1)}x budget=5`,
          undefined,
        ],
      ];
      const before = await daemon!.api<ConfigDto>('GET', '/api/config');
      const types = new Set(before.entries.map((e) => e.type));
      // Every type the schema uses is covered here: a new type must get a case.
      expect([...types].sort()).toEqual([...new Set(edits.map((e) => e[1]))].sort());
      for (const [key, type, text] of edits) {
        expect(before.entries.find((e) => e.key === key)?.type, key).toBe(type);
        await edit(key, text);
        await expect
          .poll(
            async () => (await daemon!.api<ConfigDto>('GET', '/api/config')).entries.find((e) => e.key === key)?.source,
            { timeout: 10_000, message: `${key} saved` },
          )
          .toBe('file');
        expect(
          await page.getByTestId('config').getByRole('alert').count(),
          `${key}: ${await page.getByTestId('config').innerText()}`,
        ).toBe(0);
      }
      const after = await daemon!.api<ConfigDto>('GET', '/api/config');
      for (const [key, , , expected] of edits) {
        const entry = after.entries.find((e) => e.key === key)!;
        if (expected !== undefined) expect(entry.value, key).toEqual(expected);
      }
      expect((after.entries.find((e) => e.key === 'swarm.peer_rules')!.value as string[]).length).toBe(2);
      // The page shows what the daemon stored, in the daemon's spelling.
      await page.getByRole('tab', { name: 'archive', exact: true }).click();
      await expect
        .poll(() => page.locator('[data-testid=config-row][data-key="archive.chunk_max"] input').inputValue())
        .toBe('8MiB');
      await screenshotBoth(page, 'settings');
    });

    it("a path setting is picked in the daemon's file browser and saved", async () => {
      const dir = path.join(daemon!.home, 'logs');
      const file = path.join(dir, 'picked.log');
      fs.mkdirSync(dir);
      fs.writeFileSync(file, '');
      await page.getByRole('tab', { name: 'log', exact: true }).click();
      const row = page.locator('[data-testid=config-row][data-key="log.file"]');
      await row.locator('input').fill(daemon!.home);
      await row.getByRole('button', { name: 'Browse for log.file' }).click();
      const dlg = page.getByTestId('folder-browser');
      await expect.poll(() => dlg.getByTestId('browser-path').innerText()).toBe(daemon!.home);
      await dlg.getByRole('button', { name: /^▸?\s*logs/ }).click();
      await expect.poll(() => dlg.getByTestId('browser-path').innerText()).toBe(dir);
      await dlg.getByRole('button', { name: /picked\.log/ }).click();
      await expect.poll(() => row.locator('input').inputValue()).toBe(file);
      await row.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(
          async () =>
            (await daemon!.api<ConfigDto>('GET', '/api/config')).entries.find((e) => e.key === 'log.file')?.value,
        )
        .toBe(file);
    });

    it('refuses a malformed whole number on the page', async () => {
      await edit('transfer.window', '4.5');
      const row = page.locator('[data-testid=config-row][data-key="transfer.window"]');
      await expect.poll(() => row.getByRole('alert').innerText()).toContain('whole number');
      const cfg = await daemon!.api<ConfigDto>('GET', '/api/config');
      expect(cfg.entries.find((e) => e.key === 'transfer.window')?.source).toBe('default');
    });
  },
);
