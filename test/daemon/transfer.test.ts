/**
 * Transfers through a real daemon against a real `warp listen` peer (allowed with --allow): events arrive on
 * /api/events during the transfer, files are identical, pause keeps the session and resume moves only what is
 * missing, an incoming send lands in the daemon's root, and /metrics parses as Prometheus text.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { listFiles, tmpDir, writeTree } from '../helpers/tmp.ts';
import { faultEnv } from '../helpers/fault-env.ts';
// peers.ts stops every listener it started after each test.
import { peerIdOf, startListener } from '../transfer/peers.ts';
import { openEvents, startDaemon, until, type Daemon, type Json, type SseReader } from './daemon-proc.ts';
import { parsePrometheus } from './prometheus.ts';

const CHUNKS = { WARP_TRANSFER_CHUNK_AVG: '64KiB', WARP_TRANSFER_STREAMS: '2' };
const SLOW = { ...CHUNKS, ...faultEnv({ delayMs: 40 }) };

function sameTree(a: string, b: string): void {
  const files = (d: string): string[] => listFiles(d).filter((p) => fs.lstatSync(path.join(d, p)).isFile());
  expect(files(a)).toEqual(files(b));
  for (const f of files(a))
    expect(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), f).toBe(true);
}

describe('transfers through the daemon', () => {
  let dir: string;
  let d: Daemon;
  let ev: SseReader;
  let idC: string;
  beforeAll(async () => {
    dir = tmpDir('warp-daemon-transfer-');
    idC = peerIdOf(path.join(dir, 'C'));
    // The daemon serves its sends slowly (fault injection) so a send can be paused midway.
    d = await startDaemon(path.join(dir, 'A'), ['--root', path.join(dir, 'A-root'), '--allow', idC], SLOW);
    ev = await openEvents(d.url, { token: d.token });
  });
  afterAll(async () => {
    ev?.close();
    await d?.stop();
  });

  const served = (name: string, size: number): string => {
    const root = path.join(dir, `root-${name}`);
    writeTree(path.join(root, 'data'), {
      'a.bin': crypto.randomBytes(size),
      'b/c.bin': crypto.randomBytes(Math.floor(size / 2)),
      'b/d.txt': 'some text to compress\n'.repeat(20_000),
      'e.txt': 'x',
    });
    return root;
  };
  const transfer = (id: string): Promise<Json> => d.api('GET', `/api/transfers/${id}`).then((r) => r.body);

  it('fetches a tree from a peer: SSE delivers transfer events tagged with the transfer id, files are identical', async () => {
    const root = served('fetch', 600_000);
    const l = await startListener(path.join(dir, 'B'), root, ['--allow', d.peerId], CHUNKS);
    const out = path.join(dir, 'fetched');
    const r = await d.api('POST', '/api/transfers', {
      kind: 'fetch',
      peer: l.addr,
      remotePath: '/data',
      localPath: out,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const id = r.body.id as string;
    const done = await ev.waitFor((e) => e.type === 'transfer.done' && e.job === id);
    expect(done.files).toBe(4);
    const types = new Set(ev.events.filter((e) => e.job === id).map((e) => e.type));
    for (const t of ['transfer.start', 'transfer.manifest', 'transfer.done']) expect(types, t).toContain(t);
    expect(types).not.toContain('transfer.chunk'); // folded into progress and per-source totals
    expect(ev.events.some((e) => e.type === 'job.update' && e.job.id === id && e.job.status === 'running')).toBe(true);
    const t = await until(async () => {
      const x = await transfer(id);
      return x.status === 'done' ? x : undefined;
    }, 'transfer done');
    expect(t).toMatchObject({ kind: 'fetch', status: 'done', peers: [l.addr], remotePath: '/data' });
    expect(t.session).toMatch(/^[0-9a-f]{32}$/);
    expect(t.result.bytes).toBe(done.bytes);
    expect(t.sources).toEqual([expect.objectContaining({ peer: l.peerId })]);
    expect(t.sources[0].bytes).toBeGreaterThan(0);
    sameTree(path.join(out, 'data'), path.join(root, 'data'));
    expect((await d.api('GET', '/api/transfers?all=false')).body.map((x: Json) => x.id)).not.toContain(id);
    expect((await d.api('GET', '/api/transfers')).body.map((x: Json) => x.id)).toContain(id);

    // /metrics: strict Prometheus text with the transfer counted.
    const m = await fetch(`${d.url}/metrics`);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = parsePrometheus(await m.text());
    for (const name of [
      'warp_transfer_bytes_total',
      'warp_transfer_chunks_total',
      'warp_transfer_rate_bytes_per_second',
      'warp_transfers_active',
      'warp_sched_tick_seconds',
      'warp_swarm_failovers_total',
      'warp_swarm_drift_ratio',
    ]) {
      expect(metrics.families.has(name), name).toBe(true);
    }
    expect(metrics.families.get('warp_transfer_bytes_total')!.type).toBe('counter');
    expect(metrics.families.get('warp_transfers_active')!.type).toBe('gauge');
    expect(metrics.value('warp_transfer_bytes_total')).toBeGreaterThanOrEqual(t.sources[0].bytes);
    expect(metrics.value('warp_transfer_chunks_total')).toBeGreaterThan(0);
    expect(metrics.value('warp_transfers_total', { result: 'done' })).toBe(1);
  });

  it('sends a tree to a peer, and pause keeps the session so resume moves only the missing chunks', async () => {
    const root = path.join(dir, 'root-send');
    fs.mkdirSync(root);
    const l = await startListener(path.join(dir, 'B-send'), root, ['--allow', d.peerId], CHUNKS);
    const src = path.join(served('src', 3_000_000), 'data');
    const r = await d.api('POST', '/api/transfers', {
      kind: 'fetch',
      peer: l.addr,
      remotePath: '/',
      localPath: path.join(dir, 'unused'),
    });
    expect(r.status).toBe(202); // an empty root fetches nothing, quickly
    await until(async () => {
      const x = await transfer(r.body.id);
      return x.status === 'done' ? x : undefined;
    }, 'empty fetch');

    const s = await d.api('POST', '/api/transfers', { kind: 'send', peer: l.addr, localPath: src, remotePath: '/in' });
    expect(s.status, JSON.stringify(s.body)).toBe(202);
    const id = s.body.id as string;
    const firstManifest = await ev.waitFor((e) => e.type === 'transfer.manifest' && e.job === id);
    await ev.waitFor((e) => e.type === 'transfer.progress' && e.job === id && e.chunks >= 5);
    const paused = await d.api('POST', `/api/transfers/${id}/pause`);
    expect(paused.status).toBe(200);
    await until(async () => {
      const x = await transfer(id);
      return x.status === 'paused' ? x : undefined;
    }, 'paused');
    expect(ev.events.some((e) => e.type === 'transfer.done' && e.job === id)).toBe(false);
    // Pausing twice is fine; resuming a done transfer is a conflict.
    expect((await d.api('POST', `/api/transfers/${id}/pause`)).status).toBe(200);
    expect((await d.api('POST', `/api/transfers/${r.body.id}/resume`)).status).toBe(409);

    const before = ev.events.length;
    const resumed = await d.api('POST', `/api/transfers/${id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.resumes).toBe(1);
    const done = await ev.waitFor((e) => e.type === 'transfer.done' && e.job === id, 60_000);
    const second = ev.events.slice(before).find((e) => e.type === 'transfer.manifest' && e.job === id);
    expect(second, 'the resumed run announces its plan').toBeDefined();
    // Only what was missing moved: the receiver already had part of the tree.
    expect(second!.needChunks).toBeLessThan(firstManifest.needChunks);
    expect(done.fetchedChunks).toBeLessThan(firstManifest.chunks);
    const t = await until(async () => {
      const x = await transfer(id);
      return x.status === 'done' ? x : undefined;
    }, 'send done');
    expect(t.resumes).toBe(1);
    sameTree(path.join(root, 'in', 'data'), src);
  });

  it('a transfer paused before the daemon stopped is listed after a restart and resumes to identical files', async () => {
    const root = path.join(dir, 'root-restart');
    fs.mkdirSync(root);
    const homeR = path.join(dir, 'R');
    const l = await startListener(path.join(dir, 'B-restart'), root, ['--allow', peerIdOf(homeR)], CHUNKS);
    const src = path.join(served('restart', 3_000_000), 'data');
    let r1 = await startDaemon(homeR, ['--no-listen'], SLOW);
    try {
      const ev1 = await openEvents(r1.url, { token: r1.token });
      const id = (
        await r1.api('POST', '/api/transfers', { kind: 'send', peer: l.addr, localPath: src, remotePath: '/in' })
      ).body.id as string;
      const started = await ev1.waitFor((e) => e.type === 'transfer.progress' && e.job === id && e.chunks >= 3);
      ev1.close();
      // Stopping the daemon stops the transfer and keeps its session.
      await r1.stop();
      r1 = await startDaemon(homeR, ['--no-listen'], CHUNKS);
      const list = (await r1.api('GET', '/api/transfers')).body as Json[];
      const restored = list.find((t) => t.session === started.session);
      expect(restored, JSON.stringify(list)).toMatchObject({
        kind: 'send',
        status: 'paused',
        localPath: src,
        remotePath: '/in',
      });
      const resumed = await r1.api('POST', `/api/transfers/${restored!.id}/resume`);
      expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
      const t = await until(async () => {
        const x = (await r1.api('GET', `/api/transfers/${restored!.id}`)).body;
        return ['done', 'failed'].includes(x.status) ? x : undefined;
      }, 'resumed send');
      expect(t.status, JSON.stringify(t.error)).toBe('done');
      expect(t.result.fetchedChunks).toBeLessThan(t.manifest.chunks);
      sameTree(path.join(root, 'in', 'data'), src);
    } finally {
      await r1.stop();
    }
  });

  it('cancels a running transfer', async () => {
    const root = served('cancel', 3_000_000);
    const l = await startListener(path.join(dir, 'B-cancel'), root, ['--allow', d.peerId], SLOW);
    const r = await d.api('POST', '/api/transfers', {
      kind: 'fetch',
      peer: l.addr,
      remotePath: '/data',
      localPath: path.join(dir, 'cancelled'),
    });
    const id = r.body.id as string;
    await ev.waitFor((e) => e.type === 'transfer.progress' && e.job === id && e.chunks >= 2);
    expect((await d.api('POST', `/api/transfers/${id}/cancel`)).status).toBe(200);
    const t = await until(async () => {
      const x = await transfer(id);
      return x.status === 'cancelled' ? x : undefined;
    }, 'cancelled');
    expect(t.finishedAt).toBeTruthy();
    expect((await d.api('GET', `/api/jobs/${id}`)).body.status).toBe('cancelled');
  });

  it('receives a send from another peer in its own root; the events show up as incoming', async () => {
    const src = path.join(served('incoming', 200_000), 'data');
    const res = warp(['--json', 'send', src, `${d.peerId}@127.0.0.1:${d.peerPort}:/inbox`], {
      home: path.join(dir, 'C'),
      env: CHUNKS,
    });
    expect(res.status, res.stderr).toBe(0);
    sameTree(path.join(dir, 'A-root', 'inbox', 'data'), src);
    // The listening side reports the plan and progress (the sender reports the result).
    const inc = await ev.waitFor((e) => e.type === 'transfer.manifest' && String(e.job).startsWith('incoming:'));
    expect(inc.files).toBe(4);
    expect(inc.job).toBe(`incoming:${inc.session}`);
  });
});
