/**
 * Sync from the web UI: daemon A adds a synced folder (Sync page) pointing at paired daemon B; the first push
 * lands on B; a file changed on A afterwards reaches B too. Skipped (with the reason) while the daemon has no
 * sync engine attached (`info.features.sync` false).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfoDto, PairStartResult, PeerDto, SyncJobDto } from '../src/shared/bridge.ts';
import {
  chromiumMissing,
  launchChromium,
  openSignedIn,
  screenshotBoth,
  type LaunchedBrowser,
} from './helpers/browser.ts';
import { startTestDaemon, waitFor, type RunningTestDaemon } from './helpers/daemon.ts';
import { findMatchingTree, hashTree, writeFiles } from './helpers/files.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';

/** A tree without its `.warp-versions/` (what a sync keeps of replaced and deleted files). */
const withoutVersions = (t: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(t).filter(([k]) => !k.startsWith('.warp-versions/')));

let a: RunningTestDaemon | undefined;
let b: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;
let info: InfoDto;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-e2e-sync-'));

describe.skipIf(chromiumMissing !== '')(
  `sync page (web mode)${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      // Short debounce so a change is pushed within a second or two.
      const env = { WARP_SYNC_DEBOUNCE: '300ms' };
      [a, b] = await Promise.all([startTestDaemon({ name: 'sync-a', env }), startTestDaemon({ name: 'sync-b', env })]);
      info = await a.api<InfoDto>('GET', '/api/info');
      // Pair through the API (the Peers page's pairing is covered by transfer.test.ts).
      const code = await b.api<PairStartResult>('POST', '/api/peers/pair/start', { name: 'a' });
      await a.api<PeerDto>('POST', '/api/peers/pair/join', {
        code: code.code,
        address: code.addresses[0],
        name: 'backup-b',
      });
      chrome = await launchChromium();
      page = await openSignedIn(chrome, a.loginUrl);
    }, 240_000);

    afterAll(async () => {
      await chrome?.close();
      await Promise.all([a?.stop(), b?.stop()]);
      fs.rmSync(work, { recursive: true, force: true });
      for (const d of [a, b]) if (d) fs.rmSync(d.home, { recursive: true, force: true });
    });

    it('add a folder, change a file, the peer receives it (the replaced version kept there)', async () => {
      // The daemon always attaches the sync engine; one without it is a regression, not a reason to skip.
      expect(info.features.sync).toBe(true);
      const local = path.join(work, 'notes');
      writeFiles(local, { 'todo.md': '- buy milk\n', 'projects/plan.txt': 'v1\n' });
      await page.getByTestId('nav-sync').click();
      await page.getByTestId('sync-local').fill(local);
      await page.getByTestId('sync-peer').selectOption({ label: 'backup-b' });
      await page.getByTestId('sync-remote').fill('notes-backup');
      await page.getByTestId('sync-submit').click();
      await page.getByTestId('sync-job').first().waitFor({ timeout: 15_000 });

      const first = await waitFor(
        'the first push on B',
        () => findMatchingTree(b!.root!, hashTree(local)),
        60_000,
        500,
      );
      fs.writeFileSync(path.join(local, 'projects', 'plan.txt'), 'v2: changed on A\n');
      const changed = hashTree(local);
      await waitFor(
        'the changed file on B',
        () => JSON.stringify(withoutVersions(hashTree(first))) === JSON.stringify(changed),
        60_000,
        500,
      );
      expect(fs.readFileSync(path.join(first, 'projects', 'plan.txt'), 'utf8')).toBe('v2: changed on A\n');
      // The version the push replaced on B is kept in B's versions folder.
      const kept = fs.readdirSync(path.join(first, '.warp-versions', 'projects'));
      expect(kept.map((n) => fs.readFileSync(path.join(first, '.warp-versions', 'projects', n), 'utf8'))).toEqual([
        'v1\n',
      ]);
      await expect.poll(() => page.getByTestId('sync-log').innerText(), { timeout: 15_000 }).toMatch(/pushed/);
      await screenshotBoth(page, 'sync-live');

      // The row names both machines and says what the last sync moved; Sync now, conflicts and versions open.
      const row = page.getByTestId('sync-job').first();
      await expect
        .poll(() => row.getByTestId('sync-pair').innerText(), { timeout: 15_000 })
        .toBe('This device ⇄ backup-b');
      await expect
        .poll(() => row.getByTestId('sync-push-line').innerText(), { timeout: 15_000 })
        .toMatch(/^pushed \d+ files?, .* on the wire$/);
      await row.getByTestId('sync-now').click();
      await row.getByTestId('sync-conflicts-open').click();
      await expect
        .poll(() => page.getByTestId('sync-jobs').innerText(), { timeout: 15_000 })
        .toMatch(/No open conflicts/);
      // A deletion reaches B into its versions folder; B lists the folder as run by A, with A's name.
      fs.rmSync(path.join(local, 'todo.md'));
      await waitFor('the deletion on B', () => !fs.existsSync(path.join(first, 'todo.md')), 60_000, 500);
      const rows = await waitFor(
        "B's row of the folder A syncs",
        async () => {
          const list = await b!.api<
            Array<{ direction: string; peerName?: string; mode: string; lastPushLine?: string }>
          >('GET', '/api/sync');
          const inRow = list.find((r) => r.direction === 'in');
          return inRow?.lastPushLine?.includes('deleted 1 here') ? list : undefined;
        },
        60_000,
        500,
      );
      expect(rows.find((r) => r.direction === 'in')).toMatchObject({ mode: 'two-way', peerName: 'a' });
      await row.getByTestId('sync-versions-open').click();

      // The job's deletion guard and versions retention: shown as in effect, changed from the page.
      await row.getByTestId('sync-settings-open').click();
      const form = page.getByTestId('sync-settings');
      await expect.poll(() => form.getByTestId('sync-settings-share').inputValue()).toBe('50');
      await form.getByTestId('sync-settings-maxFiles').fill('250');
      await form.getByTestId('sync-settings-policy').selectOption('simple');
      await form.getByTestId('sync-settings-count').fill('3');
      await form.getByTestId('sync-settings-save').click();
      await expect
        .poll(async () => {
          const job = (await a!.api<SyncJobDto[]>('GET', '/api/sync')).find((j) => j.direction === 'out');
          return [job?.deletionGuard?.maxFiles, job?.versions?.policy, job?.versions?.count];
        })
        .toEqual([250, 'simple', 3]);
    }, 180_000);
  },
);
