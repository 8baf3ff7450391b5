/**
 * The daemon hosting the sync and swarm engines: a sync job added through the API pushes a changed file to a
 * real `warp listen` peer; a swarm fetch from two real peers streams swarm.* events on /api/events, and
 * swarm.status() keeps the session's snapshot linked to the transfer.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, tmpDir, writeTree } from '../helpers/tmp.ts';
// peers.ts stops every listener it started after each test.
import { startListener } from '../transfer/peers.ts';
import { openEvents, startDaemon, until, type Daemon, type Json, type SseReader } from './daemon-proc.ts';
import { parsePrometheus } from './prometheus.ts';

const CHUNKS = { WARP_TRANSFER_CHUNK_AVG: '64KiB', WARP_TRANSFER_STREAMS: '2' };

describe('sync and swarm through the daemon', () => {
  let dir: string;
  let d: Daemon;
  let ev: SseReader;
  beforeAll(async () => {
    dir = tmpDir('warp-daemon-sync-');
    d = await startDaemon(path.join(dir, 'A'), ['--no-listen'], CHUNKS);
    ev = await openEvents(d.url, { token: d.token });
  });
  afterAll(async () => {
    ev?.close();
    await d?.stop();
  });

  it('adds a sync job; a changed file reaches the peer; pause, resume and remove work', async () => {
    const root = path.join(dir, 'peer-root');
    fs.mkdirSync(root);
    const l = await startListener(path.join(dir, 'B'), root, ['--allow', d.peerId], CHUNKS);
    const folder = path.join(dir, 'docs');
    writeTree(folder, { 'a.txt': 'one\n' });
    expect((await d.api('GET', '/api/info')).body.features.sync).toBe(true);
    const add = await d.api('POST', '/api/sync', {
      localPath: folder,
      peer: l.addr,
      remotePath: '/backup',
      debounceMs: 200,
    });
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    const id = add.body.id as string;
    expect(add.body).toMatchObject({
      localPath: folder,
      remotePath: '/backup',
      paused: false,
      direction: 'out',
      mode: 'two-way',
    });
    const peerFile = path.join(root, 'backup', 'docs', 'a.txt');
    await until(
      async () => (fs.existsSync(peerFile) && fs.readFileSync(peerFile, 'utf8') === 'one\n' ? true : undefined),
      'first sync',
    );
    fs.writeFileSync(path.join(folder, 'a.txt'), 'two\n');
    await until(
      async () => (fs.readFileSync(peerFile, 'utf8') === 'two\n' ? true : undefined),
      'the change to reach the peer',
    );
    const push = await ev.waitFor((e) => e.type === 'sync.push' && e.id === id);
    expect(push.line).toMatch(/^pushed \d+ files?, .* on the wire$/);
    expect((await d.api('GET', '/api/sync')).body.map((j: Json) => j.id)).toEqual([id]);
    // The deletion guard over the API: a mass delete pauses the job with the report; confirm lets it through.
    const peerDir = path.join(root, 'backup', 'docs');
    for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(folder, `m${i}.txt`), `m${i}\n`);
    await until(
      async () => (fs.existsSync(path.join(peerDir, 'm5.txt')) ? true : undefined),
      'the new files to reach the peer',
    );
    for (let i = 0; i < 6; i++) fs.rmSync(path.join(folder, `m${i}.txt`));
    const held = await until(
      async () =>
        (await d.api('GET', '/api/sync')).body[0]?.guard ? (await d.api('GET', '/api/sync')).body[0] : undefined,
      'the deletion guard',
    );
    expect(held).toMatchObject({
      state: 'paused',
      reason: expect.stringContaining('deletion guard'),
      guard: { deletions: 6, deleteThere: 6 },
    });
    expect(fs.existsSync(path.join(peerDir, 'm0.txt'))).toBe(true);
    expect((await d.api('POST', `/api/sync/${id}/confirm`)).status).toBe(200);
    await until(
      async () => (!fs.existsSync(path.join(peerDir, 'm0.txt')) ? true : undefined),
      'the confirmed deletions',
    );
    await until(
      async () => ((await d.api('GET', '/api/sync')).body[0]?.lastPushLine?.includes('deleted 6') ? true : undefined),
      'the push line',
    );
    // A file deleted on the peer is kept in this folder's versions; the API lists and restores it.
    fs.rmSync(path.join(peerDir, 'a.txt'));
    fs.writeFileSync(path.join(folder, 'poke.txt'), 'wake the watcher\n');
    const versions = await until(async () => {
      const v = (await d.api('GET', `/api/sync/${id}/versions`)).body;
      return v.length ? v : undefined;
    }, 'a version of a.txt');
    expect(versions[0]).toMatchObject({ path: 'a.txt', size: 4 });
    const restored = await d.api('POST', '/api/sync/restore', { id, version: versions[0].version });
    expect(restored.body).toEqual({ path: 'a.txt' });
    expect(fs.readFileSync(path.join(folder, 'a.txt'), 'utf8')).toBe('two\n');
    expect((await d.api('POST', '/api/sync/restore', { id, version: '../x~20260101-000000' })).status).toBe(400);
    // The deletion guard and the versions retention are settings of the job (defaults shown filled in).
    expect(add.body).toMatchObject({
      deletionGuard: { share: 0.5, maxFiles: 1000, minFiles: 5 },
      versions: { policy: 'trash-can', count: 5 },
    });
    const set = await d.api('POST', '/api/sync/settings', {
      id,
      deletionGuard: { share: 0.9, maxFiles: 50 },
      versions: { policy: 'simple', count: 3, maxAgeMs: 3_600_000 },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({
      deletionGuard: { share: 0.9, maxFiles: 50, minFiles: 5 },
      versions: { policy: 'simple', count: 3, maxAgeMs: 3_600_000 },
    });
    expect((await d.api('GET', '/api/sync')).body[0].versions.policy).toBe('simple');
    const reset = await d.api('POST', '/api/sync/settings', { id, deletionGuard: null });
    expect(reset.body.deletionGuard).toEqual({ share: 0.5, maxFiles: 1000, minFiles: 5 });
    const badSet = await d.api('POST', '/api/sync/settings', { id, deletionGuard: { share: 2 } });
    expect(badSet.status).toBe(400);
    expect(badSet.body.error.message).toMatch(/share/);
    expect((await d.api('POST', '/api/sync/settings', { id, versions: { policy: 'forever' } })).status).toBe(400);
    expect((await d.api('POST', `/api/sync/${id}/pause`)).body).toMatchObject({ id, paused: true, state: 'paused' });
    expect((await d.api('POST', `/api/sync/${id}/resume`)).body).toMatchObject({ id, paused: false });
    expect((await d.api('DELETE', `/api/sync/${id}`)).body).toEqual({ removed: true });
    expect((await d.api('GET', '/api/sync')).body).toEqual([]);
    const bad = await d.api('POST', '/api/sync', {
      localPath: folder,
      peer: l.addr,
      remotePath: '/x',
      windows: [{ start: '9am', end: '10:00' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/body\.windows\[0\]\.start/);
  });

  it('fetches from two peers at once: swarm events on the stream, swarm.status keeps the snapshot, files identical', async () => {
    const data = path.join(dir, 'swarm-src', 'data');
    writeTree(data, {
      'big.bin': crypto.randomBytes(2_500_000),
      'more/x.bin': crypto.randomBytes(800_000),
      't.txt': 'text\n'.repeat(10_000),
    });
    const rootB = path.join(dir, 'sB');
    const rootC = path.join(dir, 'sC');
    fs.cpSync(path.dirname(data), rootB, { recursive: true });
    fs.cpSync(path.dirname(data), rootC, { recursive: true });
    const lb = await startListener(path.join(dir, 'SB'), rootB, ['--allow', d.peerId], CHUNKS);
    const lc = await startListener(path.join(dir, 'SC'), rootC, ['--allow', d.peerId], CHUNKS);
    const out = path.join(dir, 'swarm-out');
    const r = await d.api('POST', '/api/transfers', {
      kind: 'swarm',
      from: [lb.addr, lc.addr],
      remotePath: '/data',
      localPath: out,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const id = r.body.id as string;
    const start = await ev.waitFor((e) => e.type === 'swarm.start');
    await ev.waitFor((e) => e.type === 'transfer.done' && e.job === id, 60_000);
    const t = await until(async () => {
      const x = (await d.api('GET', `/api/transfers/${id}`)).body;
      return x.status === 'done' || x.status === 'failed' ? x : undefined;
    }, 'swarm done');
    expect(t.status, JSON.stringify(t.error)).toBe('done');
    expect(t.kind).toBe('swarm');
    await ev.waitFor((e) => e.type === 'swarm.done' && e.session === start.session);
    expect(start.edges).toHaveLength(2);
    const status = (await d.api('GET', '/api/swarm')).body;
    expect(status.available).toBe(true);
    const s = status.sessions.find((x: Json) => x.session === start.session);
    expect(s).toMatchObject({ done: true, transfer: id, contentId: start.contentId });
    expect(s.edges).toHaveLength(2);
    expect(s.summary.perEdge.reduce((a: number, x: Json) => a + x.bytes, 0)).toBeGreaterThan(0);
    // The swarm's scheduler ticks reach /metrics.
    const metrics = parsePrometheus(await (await fetch(`${d.url}/metrics`)).text());
    expect(metrics.value('warp_sched_ticks_total')).toBeGreaterThan(0);
    expect(metrics.value('warp_sched_tick_seconds')).toBeGreaterThan(0);
    for (const f of listFiles(data).filter((p) => fs.statSync(path.join(data, p)).isFile())) {
      expect(fs.readFileSync(path.join(out, 'data', f)).equals(fs.readFileSync(path.join(data, f))), f).toBe(true);
    }
  });
  it('another daemon serves as a swarm source next to a warp listen peer', async () => {
    const data = path.join(dir, 'swarm2-src', 'data');
    writeTree(data, { 'one.bin': crypto.randomBytes(1_500_000), 'two.bin': crypto.randomBytes(700_000) });
    const rootL = path.join(dir, 's2L');
    const rootD = path.join(dir, 's2D');
    fs.cpSync(path.dirname(data), rootL, { recursive: true });
    fs.cpSync(path.dirname(data), rootD, { recursive: true });
    const l = await startListener(path.join(dir, 'S2L'), rootL, ['--allow', d.peerId], CHUNKS);
    const source = await startDaemon(path.join(dir, 'S2D'), ['--root', rootD, '--allow', d.peerId], CHUNKS);
    try {
      const out = path.join(dir, 'swarm2-out');
      const r = await d.api('POST', '/api/transfers', {
        kind: 'swarm',
        from: [l.addr, `${source.peerId}@127.0.0.1:${source.peerPort}`],
        remotePath: '/data',
        localPath: out,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      const t = await until(
        async () => {
          const x = (await d.api('GET', `/api/transfers/${r.body.id}`)).body;
          return x.status === 'done' || x.status === 'failed' ? x : undefined;
        },
        'swarm done',
        60_000,
      );
      expect(t.status, JSON.stringify(t.error)).toBe('done');
      const s = (await d.api('GET', '/api/swarm')).body.sessions.find((x: Json) => x.transfer === r.body.id);
      // Both sources answered `have` (the daemon's listener speaks the swarm requests).
      expect(s.edges.map((e: Json) => e.peer).sort()).toEqual([l.peerId, source.peerId].sort());
      expect(s.edges.every((e: Json) => e.state !== 'offline')).toBe(true);
      for (const f of ['one.bin', 'two.bin'])
        expect(fs.readFileSync(path.join(out, 'data', f)).equals(fs.readFileSync(path.join(data, f))), f).toBe(true);
    } finally {
      await source.stop();
    }
  });
});
