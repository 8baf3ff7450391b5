/** Two real daemons pair through the API with a one-time code, then send to each other; config get/set. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTree, tmpDir, writeTree } from '../helpers/tmp.ts';
import { openEvents, startDaemon, until, type Daemon, type Json } from './daemon-proc.ts';

describe('peers and config through the daemon', () => {
  let dir: string;
  let a: Daemon;
  let b: Daemon;
  beforeAll(async () => {
    dir = tmpDir('warp-daemon-peers-');
    [a, b] = await Promise.all([
      startDaemon(path.join(dir, 'A')),
      startDaemon(path.join(dir, 'B'), ['--root', path.join(dir, 'B-root')]),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('pairs two daemons with a code (a wrong code is refused), then a send by peer name works and the peer can be removed', async () => {
    const self = (await b.api('GET', '/api/peers/self')).body;
    expect(self.peerId).toBe(b.peerId);
    // On loopback the daemon's listener runs no AutoNAT: the verdict is there, and unknown.
    expect(self.reachability).toEqual({ status: 'unknown', confirmed: [], observed: [], autonat: false });
    expect(self.addresses.some((x: string) => x.includes(`/${b.peerPort}/`))).toBe(true);
    const evB = await openEvents(b.url, { token: b.token });
    const start = await b.api('POST', '/api/peers/pair/start', { name: 'laptop', timeoutSeconds: 60 });
    expect(start.status).toBe(200);
    expect(start.body.code).toMatch(/^[a-z2-9]{3}-[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(start.body.addresses[0]).toBe(`127.0.0.1:${b.peerPort}`);
    const wrong = await a.api('POST', '/api/peers/pair/join', {
      code: `${start.body.code.slice(0, 3)}-aaaaa-bbbbb`,
      address: start.body.addresses[0],
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('E_PAIR_CODE_WRONG');
    const join = await a.api('POST', '/api/peers/pair/join', {
      code: start.body.code,
      address: start.body.addresses[0],
      name: 'desk',
    });
    expect(join.status, JSON.stringify(join.body)).toBe(200);
    expect(join.body).toMatchObject({ id: b.peerId, name: 'desk', via: 'pair' });
    const paired = await evB.waitFor((e) => e.type === 'peer.paired');
    expect(paired).toMatchObject({ peer: a.peerId, name: 'laptop' });
    expect((await b.api('GET', `/api/jobs/${start.body.job}`)).body.status).toBe('done');
    expect((await b.api('GET', '/api/peers')).body.map((p: Json) => p.id)).toEqual([a.peerId]);
    evB.close();

    // Paired: A sends to B by name, no ids or --allow anywhere.
    const src = path.join(dir, 'src');
    writeTree(src, { 'x.txt': 'paired send\n', 'y/z.bin': Buffer.alloc(100_000, 7) });
    const s = await a.api('POST', '/api/transfers', {
      kind: 'send',
      peer: 'desk',
      localPath: src,
      remotePath: '/from-a',
    });
    expect(s.status, JSON.stringify(s.body)).toBe(202);
    const t = await until(async () => {
      const x = (await a.api('GET', `/api/transfers/${s.body.id}`)).body;
      return ['done', 'failed'].includes(x.status) ? x : undefined;
    }, 'send');
    expect(t.status, JSON.stringify(t.error)).toBe('done');
    expect(readTree(path.join(dir, 'B-root', 'from-a', 'src'))).toEqual(readTree(src));

    expect((await a.api('DELETE', `/api/peers/${b.peerId}`)).body).toEqual({ removed: true });
    expect((await a.api('DELETE', `/api/peers/${b.peerId}`)).body).toEqual({ removed: false });
    expect(
      (await a.api('POST', '/api/transfers', { kind: 'send', peer: 'desk', localPath: src, remotePath: '/x' })).status,
    ).toBe(400);
  });

  it('reads and writes the config (validated, written to config.toml, reported with its source)', async () => {
    const get = (await a.api('GET', '/api/config')).body;
    expect(get.file).toBe(path.join(dir, 'A', 'config.toml'));
    const streams = get.entries.find((e: Json) => e.key === 'transfer.streams');
    expect(streams).toMatchObject({ source: 'default', type: 'integer' });
    const set = await a.api('PUT', '/api/config', {
      values: { 'transfer.streams': 4, 'archive.level': 'max', 'archive.chunk_avg': '2MiB' },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.entries.find((e: Json) => e.key === 'transfer.streams')).toMatchObject({
      value: 4,
      source: 'file',
    });
    expect(set.body.entries.find((e: Json) => e.key === 'archive.chunk_avg')).toMatchObject({
      value: 2 * 1024 * 1024,
      source: 'file',
    });
    const text = fs.readFileSync(get.file, 'utf8');
    expect(text).toMatch(/streams = 4/);
    expect(fs.statSync(get.file).mode & 0o777).toBe(0o600);
    // A cross-key rule (chunk_min <= chunk_avg) is checked and the file is left as it was.
    const bad = await a.api('PUT', '/api/config', { values: { 'archive.chunk_min': '8MiB' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/chunk/);
    expect(fs.readFileSync(get.file, 'utf8')).toBe(text);
  });
});
