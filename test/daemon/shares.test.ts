/**
 * Share links through the daemon's API (the operations `shares.*` the UI calls), against a real `warp daemon`:
 * create from paths and from an upload, list with state and counts, pause/resume/extend/revoke, and the
 * refusals (missing paths, bad options, unknown ids, reviving a revoked share). The links are fetched with the
 * real `warp fetch`, so what the API hands out is proven to open.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { spawnWarp } from '../transfer/peers.ts';
import { startDaemon, type Daemon } from './daemon-proc.ts';

describe('shares through the daemon API', () => {
  const w = tmpDir('warp-daemon-shares-');
  const home = path.join(w, 'home');
  const src = path.join(w, 'album');
  let d: Daemon;
  beforeAll(async () => {
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, 'a.txt'), 'alpha\n'.repeat(1000));
    fs.writeFileSync(path.join(src, 'b.bin'), Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) & 0xff)));
    d = await startDaemon(home, ['--no-listen']);
  });
  afterAll(async () => {
    await d?.stop();
  });

  const fetchLink = (link: string, dir: string, extra: string[] = []) =>
    spawnWarp(path.join(w, 'client'), ['fetch', link, dir, ...extra]).done;

  it('creates from paths with limits and a password; the link opens with warp fetch; list, pause, extend, revoke', async () => {
    const made = await d.api('POST', '/api/shares', {
      paths: [src],
      expiresSeconds: 3600,
      maxDownloads: 1,
      password: 'pw for the album',
      base: d.url,
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const { share, link } = made.body as { share: { id: string }; link: string };
    expect(link).toMatch(new RegExp(`^${d.url}/s/${share.id}#[A-Za-z0-9_-]{43}$`));
    expect(made.body.share).toMatchObject({
      status: 'active',
      files: 2,
      password: true,
      maxDownloads: 1,
      downloads: 0,
    });
    expect(JSON.stringify(made.body.share)).not.toMatch(/salt/);
    const pw = path.join(w, 'pw');
    fs.writeFileSync(pw, 'pw for the album\n');
    const got = await fetchLink(link, path.join(w, 'o1'), ['--password-file', pw]);
    expect(got.status, got.stderr).toBe(0);
    expect(fs.readFileSync(path.join(w, 'o1', 'album', 'b.bin')).equals(fs.readFileSync(path.join(src, 'b.bin')))).toBe(
      true,
    );
    const listed = (await d.api('GET', '/api/shares')).body as Array<Record<string, unknown>>;
    expect(listed.find((s) => s.id === share.id)).toMatchObject({ status: 'exhausted', downloads: 1 });

    const ext = await d.api('POST', '/api/shares/extend', { id: share.id, maxDownloads: 3, never: true });
    expect(ext.body).toMatchObject({ status: 'active', maxDownloads: 3, expiresAt: null });
    expect((await d.api('POST', `/api/shares/${share.id}/pause`)).body.status).toBe('paused');
    expect((await fetchLink(link, path.join(w, 'o2'), ['--password-file', pw])).status).toBe(8);
    expect((await d.api('POST', `/api/shares/${share.id}/resume`)).body.status).toBe('active');
    expect((await d.api('POST', `/api/shares/${share.id}/revoke`)).body.status).toBe('revoked');
    expect(fs.existsSync(path.join(home, 'shares', share.id, 'data.bin'))).toBe(false);
    const again = await d.api('POST', `/api/shares/${share.id}/resume`);
    expect(again.status).toBe(400);
    expect(again.body.error.message).toMatch(/revoked/);
  });

  it('shares an upload (web mode) and removes the staging copy', async () => {
    const begin = await d.api('POST', '/api/uploads');
    const upload = begin.body.upload as string;
    const put = await fetch(`${d.url}/api/uploads/${upload}/file?path=${encodeURIComponent('dropped/x.txt')}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${d.token}`, 'content-type': 'application/octet-stream' },
      body: 'dropped bytes\n'.repeat(100),
    });
    expect(put.status).toBe(200);
    const made = await d.api('POST', `/api/uploads/${upload}/share`, { base: d.url });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(fs.existsSync(path.join(home, 'uploads', upload))).toBe(false);
    const got = await fetchLink(made.body.link as string, path.join(w, 'u1'));
    expect(got.status, got.stderr).toBe(0);
    expect(fs.readFileSync(path.join(w, 'u1', 'dropped', 'x.txt'), 'utf8')).toBe('dropped bytes\n'.repeat(100));
  });

  it('refuses bad input with a code: missing paths, bad options, unknown ids', async () => {
    const missing = await d.api('POST', '/api/shares', { paths: [path.join(w, 'nope')] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('E_INPUT_NOT_FOUND');
    for (const body of [
      { paths: [] },
      { paths: [src], expiresSeconds: 0 },
      { paths: [src], maxDownloads: -1 },
      { paths: [src], base: 'javascript:alert(1)' },
      { paths: [src], base: 'http://host/path?x' },
    ]) {
      const r = await d.api('POST', '/api/shares', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await d.api('POST', '/api/shares/extend', { id: 'AAAAAAAAAAAAAAAAAAAAAA', never: true })).status).toBe(404);
    expect((await d.api('POST', '/api/shares/extend', { id: 'AAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(400);
    expect((await d.api('POST', '/api/shares/not-an-id/pause')).status).toBe(400);
  });
});
