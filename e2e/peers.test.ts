/**
 * The Peers page in web mode against two real daemons with LAN discovery on loopback multicast: the other device
 * is listed nearby by name; when it shows a code, one click fills the code's first part and the user types the
 * rest; the new peer appears by name with the addresses learned when pairing (and the other side knows this one);
 * its addresses can be edited; "Show code" draws the full code as a QR code. One click on a nearby device asks it
 * to pair: both pages show the same confirmation code, the other side's Reject ends it with words, its Accept
 * pairs both ways.
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

    it('pairs with one click on a nearby device, confirmed by the same code on both screens', async () => {
      // Its own browser: the session cookie is per host, not per port, so one browser holds one daemon's login.
      const chromeA = await launchChromium();
      const pageA = await openSignedIn(chromeA, a!.loginUrl);
      try {
        await page.getByTestId('nav-peers').click();
        await pageA.getByTestId('nav-peers').click();
        const alpha = page.getByTestId('nearby-row').filter({ hasText: 'e2e-alpha' });
        // First a no: B asks, A rejects; nothing is paired and B is told in words.
        await alpha.getByTestId('nearby-ask').click({ timeout: 30_000 });
        const outB = page.getByTestId('pair-request-out');
        const inA = pageA.getByTestId('pair-request-in');
        await inA.waitFor({ timeout: 30_000 });
        const code = await outB.getByTestId('pair-request-code').innerText();
        expect(code).toMatch(/^\d{3} \d{3}$/);
        expect(await inA.getByTestId('pair-request-code').innerText()).toBe(code);
        expect(await inA.innerText()).toContain('e2e-bravo');
        expect(await a!.api<unknown[]>('GET', '/api/peers')).toEqual([]);
        await inA.getByTestId('pair-request-reject').click();
        await page
          .getByText(/said no|rejected/i)
          .first()
          .waitFor({ timeout: 30_000 });
        await outB.waitFor({ state: 'detached', timeout: 30_000 });
        expect(await a!.api<unknown[]>('GET', '/api/peers')).toEqual([]);
        expect(await b!.api<unknown[]>('GET', '/api/peers')).toEqual([]);

        // Then a yes: a fresh code (new nonces), the same on both pages; both sides now trust each other.
        await alpha.getByTestId('nearby-ask').click();
        await inA.waitFor({ timeout: 30_000 });
        const code2 = await outB.getByTestId('pair-request-code').innerText();
        expect(await inA.getByTestId('pair-request-code').innerText()).toBe(code2);
        await screenshotBoth(pageA, 'peers-request');
        await inA.getByTestId('pair-request-accept').click();
        await page.getByTestId('peer-row').filter({ hasText: 'e2e-alpha' }).waitFor({ timeout: 30_000 });
        await pageA.getByTestId('peer-row').filter({ hasText: 'e2e-bravo' }).waitFor({ timeout: 30_000 });
        await alpha.getByText('paired').waitFor({ timeout: 30_000 });
      } finally {
        await chromeA.close();
      }
      // Unpaired again, for the code pairing below.
      await a!.api('DELETE', `/api/peers/${b!.peerId}`);
      await b!.api('DELETE', `/api/peers/${a!.peerId}`);
      await page.reload();
      await page.getByTestId('statusbar').getByText('connected').waitFor({ timeout: 20_000 });
    }, 180_000);

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

    it("says whether this machine is reachable from outside, as the daemon's AutoNAT verdict has it", async () => {
      // A daemon on loopback runs no AutoNAT: the page says unknown and why, in words (the API gives the fields).
      const api = (await b!.api<{ reachability?: { status: string; autonat: boolean } }>('GET', '/api/peers/self'))
        .reachability;
      expect(api).toMatchObject({ status: 'unknown', autonat: false });
      const reach = page.getByTestId('self-reach');
      await reach.waitFor({ timeout: 15_000 });
      expect(await reach.getAttribute('data-status')).toBe('unknown');
      expect(await reach.innerText()).toMatch(/unknown: AutoNAT is off/);
    });
  },
);
