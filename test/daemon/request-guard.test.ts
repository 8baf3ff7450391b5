/**
 * The daemon's Host and Origin guard against a real `warp daemon` process, with raw HTTP requests (node:http
 * lets a test set Host, Origin and Sec-Fetch-Site the way a browser or an attacker's page would).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHostHeader } from '../../src/engine/http/request-guard.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { startDaemon, type Daemon } from './daemon-proc.ts';

interface Reply {
  status: number;
  code?: string;
}

function raw(d: Daemon, method: string, p: string, headers: Record<string, string>, body?: unknown): Promise<Reply> {
  const u = new URL(d.url);
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path: p,
        headers: { ...(text ? { 'Content-Type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        let s = '';
        res.on('data', (c: Buffer) => {
          s += c.toString();
        });
        res.on('end', () => {
          let code: string | undefined;
          try {
            code = (JSON.parse(s) as { error?: { code?: string } }).error?.code;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, code });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

describe('daemon request guard', () => {
  let d: Daemon;
  let port: string;
  let cookie: string;
  beforeAll(async () => {
    d = await startDaemon(tmpDir('warp-daemon-guard-'), ['--no-listen']);
    port = new URL(d.url).port;
    const login = await fetch(d.loginUrl, { redirect: 'manual' });
    cookie = login.headers.get('set-cookie')!.split(';')[0];
  });
  afterAll(async () => {
    await d?.stop();
  });

  it('answers only requests whose Host names the daemon exactly, host and port', async () => {
    const bearer = { Authorization: `Bearer ${d.token}` };
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `[::1]:${port}`,
      `127.0.0.5:${port}`,
    ]) {
      expect((await raw(d, 'GET', '/api/info', { ...bearer, Host: host })).status, host).toBe(200);
    }
    const refused = [
      `127.evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      `localhost.evil.example:${port}`,
      `evil.example:${port}`,
      `127.0.0.1:${Number(port) + 1}`,
      '127.0.0.1',
      'localhost:80',
      `localhost:${port}@evil.example`,
      `[::1]x:${port}`,
      `127.1:${port}`,
    ];
    for (const host of refused) {
      const r = await raw(d, 'GET', '/api/info', { ...bearer, Host: host });
      expect(r.status, `Host: ${host}`).toBe(403);
      expect(r.code, host).toBe('FORBIDDEN_HOST');
    }
    // Public pages are guarded too: a rebinding page must not read /metrics or the UI either.
    expect((await raw(d, 'GET', '/metrics', { Host: `127.evil.example:${port}` })).status).toBe(403);
    expect((await raw(d, 'GET', '/', { Host: `evil.example:${port}` })).status).toBe(403);
  });

  it('refuses cookie-authenticated writes from another origin, and accepts its own', async () => {
    const host = `127.0.0.1:${port}`;
    const write = (headers: Record<string, string>): Promise<Reply> =>
      raw(d, 'PUT', '/api/config', { Host: host, Cookie: cookie, ...headers }, { values: { 'transfer.streams': 3 } });
    // Another port of the same machine: same site (so the SameSite=Strict cookie is sent), another origin.
    for (const origin of [
      `http://127.0.0.1:${Number(port) + 1}`,
      'http://evil.example',
      'null',
      `https://127.0.0.1:${port}`,
      `http://localhost:${port}`,
    ]) {
      const r = await write({ Origin: origin });
      expect(r.status, origin).toBe(403);
      expect(r.code).toBe('FORBIDDEN_ORIGIN');
    }
    expect((await write({ 'Sec-Fetch-Site': 'same-site' })).code).toBe('FORBIDDEN_ORIGIN');
    expect((await write({ 'Sec-Fetch-Site': 'cross-site' })).code).toBe('FORBIDDEN_ORIGIN');
    expect((await write({})).code).toBe('FORBIDDEN_ORIGIN'); // neither header: not a browser page of ours
    // A POST that would start work and a DELETE are held the same way.
    expect(
      (
        await raw(
          d,
          'POST',
          '/api/archive/list',
          { Host: host, Cookie: cookie, Origin: 'http://127.0.0.1:1' },
          { archive: '/x.warp' },
        )
      ).code,
    ).toBe('FORBIDDEN_ORIGIN');
    expect(
      (await raw(d, 'DELETE', '/api/peers/x', { Host: host, Cookie: cookie, Origin: 'http://127.0.0.1:1' })).code,
    ).toBe('FORBIDDEN_ORIGIN');

    expect((await write({ Origin: `http://${host}` })).status).toBe(200);
    expect((await write({ 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    expect(
      (
        await raw(
          d,
          'PUT',
          '/api/config',
          { Host: `localhost:${port}`, Cookie: cookie, Origin: `http://localhost:${port}` },
          { values: { 'transfer.streams': 4 } },
        )
      ).status,
    ).toBe(200);
    // Reads with the cookie need no Origin (the browser's same-origin policy keeps other pages from reading them).
    expect(
      (await raw(d, 'GET', '/api/info', { Host: host, Cookie: cookie, Origin: 'http://evil.example' })).status,
    ).toBe(200);
  });

  it('lets token-in-header clients write from anywhere', async () => {
    const r = await raw(
      d,
      'PUT',
      '/api/config',
      { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${d.token}`, Origin: 'http://evil.example' },
      { values: { 'transfer.streams': 5 } },
    );
    expect(r.status).toBe(200);
    const info = await d.api('GET', '/api/config');
    expect(JSON.stringify(info.body)).toContain('"transfer.streams"');
  });

  it('parses Host headers strictly', () => {
    expect(parseHostHeader('LocalHost:8080')).toEqual({ name: 'localhost', port: 8080 });
    expect(parseHostHeader('[::1]')).toEqual({ name: '[::1]', port: 80 });
    expect(parseHostHeader('a:b:c')).toBeUndefined();
    expect(parseHostHeader('x y:1')).toEqual({ name: 'x y', port: 1 });
    expect(parseHostHeader(undefined)).toBeUndefined();
  });
});

describe('daemon request guard on a wildcard address', () => {
  it("accepts this machine's own addresses and refuses other names", async () => {
    const d = await startDaemon(tmpDir('warp-daemon-guard-any-'), ['--no-listen', '--host', '0.0.0.0']);
    try {
      const port = new URL(d.url).port;
      const os = await import('node:os');
      const bearer = { Authorization: `Bearer ${d.token}` };
      const addrs = Object.values(os.networkInterfaces())
        .flat()
        .filter((i) => i && i.family === 'IPv4')
        .map((i) => i!.address);
      for (const a of addrs)
        expect((await raw(d, 'GET', '/api/info', { ...bearer, Host: `${a}:${port}` })).status, a).toBe(200);
      expect((await raw(d, 'GET', '/api/info', { ...bearer, Host: `${os.hostname()}:${port}` })).status).toBe(200);
      expect((await raw(d, 'GET', '/api/info', { ...bearer, Host: `evil.example:${port}` })).code).toBe(
        'FORBIDDEN_HOST',
      );
      expect((await raw(d, 'GET', '/api/info', { ...bearer, Host: `10.255.255.254:${port}` })).code).toBe(
        'FORBIDDEN_HOST',
      );
    } finally {
      await d.stop();
    }
  });
});
