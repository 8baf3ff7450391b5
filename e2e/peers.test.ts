/**
 * The Peers page in web mode against two real daemons with LAN discovery on loopback multicast: the other device
 * is listed nearby by name; when it shows a code, one click fills the code's first part and the user types the
 * rest; the new peer appears by name with the addresses learned when pairing (and the other side knows this one);
 * its addresses can be edited; "Show code" draws the full code as a QR code.
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

const LAN = { WARP_TRANSFER_DISCOVERY_INTERFACE: '127.0.0.1' };
let a: RunningTestDaemon | undefined;
let b: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;

describe.skipIf(chromiumMissing !== '')(
  `Peers page (web mode)${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      [a, b] = await Promise.all([
        startTestDaemon({ name: 'peers-a', env: { ...LAN, WARP_TRANSFER_NAME: 'e2e-alpha' } }),
        startTestDaemon({ name: 'peers-b', env: { ...LAN, WARP_TRANSFER_NAME: 'e2e-bravo' } }),
      ]);
      chrome = await launchChromium();
      page = await openSignedIn(chrome, b.loginUrl);
    }, 240_000);

    afterAll(async () => {
      await chrome?.close();
      await Promise.all([a?.stop(), b?.stop()]);
      for (const d of [a, b]) if (d) fs.rmSync(d.home, { recursive: true, force: true });
    });

    it('lists the nearby device by name, pairs with it by code, shows it by name and edits its address', async () => {
      await page.getByTestId('nav-peers').click();
      expect(await page.getByTestId('self-name').innerText()).toBe('e2e-bravo');
      const nearby = page.getByTestId('nearby-row').filter({ hasText: 'e2e-alpha' });
      await nearby.waitFor({ timeout: 30_000 });

      const start = await a!.api<{ code: string }>('POST', '/api/peers/pair/start', { timeoutSeconds: 120 });
      await nearby.getByTestId('nearby-pair').click({ timeout: 30_000 });
      const input = page.getByTestId('pair-code-input');
      expect(await input.inputValue()).toBe(`${start.code.slice(0, 3)}-`);
      await input.fill(start.code);
      await page.getByTestId('pair-join-submit').click();

      const row = page.getByTestId('peer-row').filter({ hasText: 'e2e-alpha' });
      await row.waitFor({ timeout: 30_000 });
      expect(await row.getByTestId('peer-addresses').innerText()).toContain(`/${a!.peerPort}/`);
      await nearby.getByText('paired').waitFor({ timeout: 30_000 });
      // Two-way: A knows B by name and address.
      const onA = await waitFor('B on A', async () => {
        const list = await a!.api<Array<{ id: string; name: string; addresses: string[] }>>('GET', '/api/peers');
        return list.find((p) => p.id === b!.peerId);
      });
      expect(onA.name).toBe('e2e-bravo');
      expect(onA.addresses.some((x) => x.includes(`/${b!.peerPort}/`))).toBe(true);

      await row.getByTestId('peer-edit').click();
      await row.getByTestId('peer-addresses-input').fill(`127.0.0.1:${a!.peerPort}`);
      await row.getByTestId('peer-name-input').fill('alpha box');
      await row.getByTestId('peer-save').click();
      const renamed = page.getByTestId('peer-row').filter({ hasText: 'alpha box' });
      await renamed.getByText(`127.0.0.1:${a!.peerPort}`).waitFor({ timeout: 15_000 });
      // A wrong address is refused with words, and nothing changes.
      await renamed.getByTestId('peer-edit').click();
      await renamed.getByTestId('peer-addresses-input').fill('not an address');
      await renamed.getByTestId('peer-save').click();
      await renamed
        .getByText(/not complete|not a host name/i)
        .first()
        .waitFor({ timeout: 15_000 });
      await screenshotBoth(page, 'peers');
    });

    it('shows a code with its full form and a QR code', async () => {
      await page.getByTestId('pair-start').click();
      const code = await page.getByTestId('pair-code').innerText();
      expect(code).toMatch(/^[a-z2-9]{3}-[a-z2-9]{5}-[a-z2-9]{5}$/);
      await page.getByRole('img', { name: /QR code of the full pairing code for e2e-bravo/ }).waitFor();
      expect(await page.getByTestId('pair-full-code').textContent()).toMatch(new RegExp(`^${code}\\.[0-9a-z]+$`));
    });
  },
);
