/**
 * Cross-origin writes in a real browser: Chromium logged in to a real `warp daemon` (session cookie) opens a page
 * served from another port of 127.0.0.1. That page is the same *site* (SameSite=Strict still sends the cookie)
 * but another *origin*, so every write it makes must be refused (403 FORBIDDEN_ORIGIN), while the daemon's own
 * page keeps working with the same cookie.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { startTestDaemon, type RunningTestDaemon } from './helpers/daemon.ts';

let daemon: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let attacker: http.Server | undefined;

async function refusedCount(d: RunningTestDaemon): Promise<number> {
  const text = await (await fetch(`${d.url}/metrics`)).text();
  const m = /warp_http_requests_total\{code="403"\} (\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

describe.skipIf(chromiumMissing !== '')(
  `cross-origin writes with the session cookie${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      daemon = await startTestDaemon({ name: 'csrf' });
      chrome = await launchChromium();
      attacker = http.createServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end(`<!doctype html><title>elsewhere</title><body>
<form id="f" method="post" action="${daemon!.url}/api/transfers/x/cancel" target="sink"></form><iframe name="sink"></iframe></body>`);
      });
      await new Promise<void>((resolve) => attacker!.listen(0, '127.0.0.1', resolve));
    }, 120_000);
    afterAll(async () => {
      await chrome?.close();
      await daemon?.stop();
      attacker?.close();
    });

    it("refuses a page on another port of 127.0.0.1, accepts the daemon's own page", async () => {
      const d = daemon!;
      const page = await chrome!.context.newPage();
      await page.goto(d.loginUrl); // sets the cookie
      const cookies = await chrome!.context.cookies(d.url);
      expect(cookies.map((c) => c.name)).toContain('warp_session');

      // The daemon's own origin: a cookie-only write from its page works.
      const own = await page.evaluate(async (u) => {
        const r = await fetch(`${u}/api/config`, {
          method: 'PUT',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ values: { 'transfer.streams': 3 } }),
        });
        return r.status;
      }, d.url);
      expect(own).toBe(200);

      const before = await refusedCount(d);
      const evil = await chrome!.context.newPage();
      await evil.goto(`http://127.0.0.1:${(attacker!.address() as AddressInfo).port}/`);
      // A "simple" request needs no CORS preflight, so the browser sends it, with the cookie.
      await evil.evaluate(async (u) => {
        await fetch(`${u}/api/peers/pair/start`, { method: 'POST', mode: 'no-cors', credentials: 'include' });
      }, d.url);
      // And a plain form post.
      await Promise.all([
        evil.waitForResponse((r) => r.url().endsWith('/api/transfers/x/cancel')),
        evil.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit()),
      ]);
      expect((await refusedCount(d)) - before).toBe(2);
      const cfg = await d.api<{ values?: Record<string, unknown> }>('GET', '/api/config');
      expect(JSON.stringify(cfg)).toContain('"transfer.streams"');
    });
  },
);
