/** The daemon's HTTP surface against a real `warp daemon` process: auth, input validation, login URL, errors. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { startDaemon, openEvents, type Daemon } from './daemon-proc.ts';

describe('warp daemon API', () => {
  let home: string;
  let d: Daemon;
  beforeAll(async () => {
    home = tmpDir('warp-daemon-api-');
    d = await startDaemon(home);
  });
  afterAll(async () => {
    await d?.stop();
  });

  it('creates the token once (mode 0600) and `warp daemon token` prints it', () => {
    const file = path.join(home, 'daemon.token');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const r = warp(['daemon', 'token'], { home });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(d.token);
    expect(d.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers 401 without the token, or with a wrong one, on every kind of /api route', async () => {
    for (const [method, p] of [
      ['GET', '/api/info'],
      ['GET', '/api/transfers'],
      ['POST', '/api/archive/create'],
      ['PUT', '/api/config'],
      ['GET', '/api/events'],
      ['DELETE', '/api/peers/x'],
      ['GET', '/api/nope'],
    ]) {
      const r = await fetch(d.url + p, { method });
      expect(r.status, `${method} ${p}`).toBe(401);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
      const w = await fetch(d.url + p, {
        method,
        headers: { Authorization: 'Bearer wrong-token-wrong-token-wrong-token-xx' },
      });
      expect(w.status, `${method} ${p} with a wrong token`).toBe(401);
    }
    // The query token is for the event stream only.
    expect((await fetch(`${d.url}/api/info?token=${d.token}`)).status).toBe(401);
    const ok = await d.api('GET', '/api/info');
    expect(ok.status).toBe(200);
    expect(ok.body.peerId).toBe(d.peerId);
    expect(ok.body.host).toBe('daemon');
    expect(ok.body.features.upload).toBe(true);
  });

  it('answers 400 with a code and a message naming the field on bad input', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', '/api/archive/create', { inputs: [] }, /body\.inputs/],
      ['POST', '/api/archive/create', { inputs: ['/x'], output: 7 }, /body\.output: must be a string/],
      [
        'POST',
        '/api/archive/create',
        { inputs: ['/x'], output: '/tmp/x.warp', level: 'ultra' },
        /body\.level: must be one of fast, balanced, max/,
      ],
      [
        'POST',
        '/api/archive/create',
        { inputs: ['/x'], output: '/tmp/x.warp', bogus: 1 },
        /body\.bogus: unknown field/,
      ],
      ['POST', '/api/archive/list', { archive: '' }, /body\.archive: must not be empty/],
      [
        'POST',
        '/api/transfers',
        { kind: 'teleport', peer: 'x', localPath: '/a', remotePath: '/b' },
        /body\.kind: must be one of send, fetch, swarm/,
      ],
      [
        'POST',
        '/api/transfers',
        { kind: 'swarm', from: [], localPath: '/a', remotePath: '/b' },
        /body\.from: needs at least 1 item/,
      ],
      [
        'POST',
        '/api/transfers',
        { kind: 'fetch', peer: 'not an address', localPath: '/a', remotePath: '/b' },
        /invalid peer address/,
      ],
      ['POST', '/api/peers/pair/join', { code: '!!', address: '127.0.0.1:1' }, /body\.code/],
      ['PUT', '/api/config', { values: { 'transfer.nope': 1 } }, /unknown config key 'transfer\.nope'/],
      ['PUT', '/api/config', { values: { 'transfer.streams': 'many' } }, /invalid transfer\.streams/],
      ['GET', '/api/transfers?all=maybe', undefined, /query\.all: must be true or false/],
    ];
    for (const [method, p, body, msg] of cases) {
      const r = await d.api(method, p, body);
      expect(r.status, `${method} ${p} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.code, JSON.stringify(r.body)).toMatch(/^(BAD_REQUEST|E_USAGE)$/);
      expect(r.body.error.message).toMatch(msg);
    }
    // Not JSON, and JSON sent as something else.
    const notJson = await d.api('POST', '/api/archive/info', undefined, {
      body: '{nope',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/not valid JSON/);
    const wrongType = await d.api('POST', '/api/archive/info', undefined, {
      body: '{}',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/application\/json/);
    // A missing archive is the engine's own error, still a 400 with its stable code.
    const missing = await d.api('POST', '/api/archive/info', { archive: path.join(home, 'none.warp') });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toMatch(/^E_/);
  });

  it('answers 404 for unknown ids and routes, 405 for a wrong method', async () => {
    expect((await d.api('GET', '/api/transfers/ffffffff')).status).toBe(404);
    expect((await d.api('GET', '/api/jobs/ffffffff')).status).toBe(404);
    expect((await d.api('GET', '/api/nothing-here')).status).toBe(404);
    const r = await d.api('DELETE', '/api/info');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET');
  });

  it('logs a browser in with the one-time URL (HttpOnly SameSite=Strict cookie) and refuses it a second time', async () => {
    const first = await fetch(d.loginUrl, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0];
    const withCookie = await fetch(`${d.url}/api/info`, { headers: { Cookie: pair } });
    expect(withCookie.status).toBe(200);
    // The cookie also opens the event stream (EventSource sends cookies, not headers).
    const ev = await openEvents(d.url, { cookie: pair });
    const hello = await ev.waitFor((e) => e.type === 'daemon.hello');
    expect(hello.peerId).toBe(d.peerId);
    ev.close();
    const again = await fetch(d.loginUrl, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
    // Pasting the token into the login form works too.
    const form = await fetch(`${d.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ token: d.token }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(303);
    expect(form.headers.get('set-cookie')).toMatch(/^warp_session=/);
  });

  it('says clearly when its port is taken (exit 2), for the API and for the peer listener', () => {
    const port = new URL(d.url).port;
    const api = warp(['daemon', '--port', port, '--host', '127.0.0.1', '--no-listen'], {
      home: tmpDir('warp-daemon-busy-'),
      timeout: 30_000,
    });
    expect(api.status).toBe(2);
    expect(api.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\).*--port/);
    const peer = warp(
      ['daemon', '--port', '0', '--host', '127.0.0.1', '--peer-host', '127.0.0.1', '--peer-port', String(d.peerPort)],
      { home: tmpDir('warp-daemon-busy-'), timeout: 30_000 },
    );
    expect(peer.status).not.toBe(0);
    expect(peer.stderr).toMatch(/peer listener could not start.*--peer-port/);
  });

  it('sends heartbeats, numbers events, and replays what a reconnecting client missed (Last-Event-ID)', async () => {
    const d2 = await startDaemon(tmpDir('warp-daemon-sse-'), ['--no-listen'], { WARP_TEST_SSE_HEARTBEAT_MS: '150' });
    try {
      const ev = await openEvents(d2.url, { token: d2.token });
      await ev.waitFor((e) => e.type === 'daemon.heartbeat');
      expect((await d2.api('PUT', '/api/config', { values: { 'transfer.streams': 3 } })).status).toBe(200);
      const first = await ev.waitFor((e) => e.type === 'config.changed');
      expect(first.__id).toBeGreaterThan(0);
      ev.close();
      expect((await d2.api('PUT', '/api/config', { values: { 'transfer.window': 32 } })).status).toBe(200); // while disconnected
      const again = await openEvents(d2.url, { token: d2.token, lastEventId: first.__id });
      const missed = await again.waitFor((e) => e.type === 'config.changed');
      expect(missed.keys).toEqual(['transfer.window']);
      expect(missed.__id).toBeGreaterThan(first.__id);
      expect(again.events.filter((e) => e.type === 'config.changed')).toHaveLength(1); // not the one it had seen
      again.close();
    } finally {
      await d2.stop();
    }
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(d.url);
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          path: '/api/info',
          headers: { Host: 'evil.example:80', Authorization: `Bearer ${d.token}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('serves /health, the docs page and the UI (or a page saying it is not built)', async () => {
    const h = await fetch(`${d.url}/health`);
    expect(h.status).toBe(200);
    expect(((await h.json()) as { ok: boolean }).ok).toBe(true);
    const docs = await fetch(`${d.url}/docs`);
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    const html = await docs.text();
    expect(html).toContain('/api/transfers/{id}/pause');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
    const ui = await fetch(`${d.url}/some/client/route`);
    expect([200, 503]).toContain(ui.status);
    expect(ui.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('serves a UI directory with content types and an SPA fallback, and says clearly when it is missing', async () => {
    const ui = tmpDir('warp-ui-');
    fs.mkdirSync(path.join(ui, 'assets'));
    fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>app</title>');
    fs.writeFileSync(path.join(ui, 'assets', 'app-abcdef12.js'), 'console.log(1)');
    const d2 = await startDaemon(tmpDir('warp-daemon-ui-'), ['--ui', ui, '--no-listen']);
    try {
      const js = await fetch(`${d2.url}/assets/app-abcdef12.js`);
      expect(js.headers.get('content-type')).toMatch(/text\/javascript/);
      const deep = await fetch(`${d2.url}/transfers/123`);
      expect(deep.status).toBe(200);
      expect(await deep.text()).toContain('<title>app</title>');
      expect((await fetch(`${d2.url}/assets/missing.js`)).status).toBe(404);
      expect((await fetch(`${d2.url}/..%2f..%2fetc%2fpasswd`)).status).toBe(200); // the app shell, never a file outside
      fs.rmSync(path.join(ui, 'index.html'));
      const gone = await fetch(`${d2.url}/`);
      expect(gone.status).toBe(503);
      expect(await gone.text()).toMatch(/not built[\s\S]*npm run build/);
    } finally {
      await d2.stop();
    }
  });
});
