import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';
import { peerIdOf, spawnWarp, startListener } from './peers.ts';

async function firstLine(p: ReturnType<typeof spawnWarp>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buf = '';
    p.proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
    });
    p.proc.once('exit', (c) => reject(new Error(`exited ${c}`)));
  });
}

describe('pairing with a one-time code', () => {
  it('pairs both ways; paired peers then talk without ids or --allow; a wrong code and a removed peer are refused', async () => {
    const dir = tmpDir('warp-pair-');
    const homeA = path.join(dir, 'A');
    const homeB = path.join(dir, 'B');
    const idA = peerIdOf(homeA);
    const idB = peerIdOf(homeB);

    // A wrong code is refused (and counts as an attempt).
    const p0 = spawnWarp(homeB, ['--json', 'pair', '--port', '0', '--host', '127.0.0.1']);
    const info0 = await firstLine(p0);
    const bad = warp(['pair', `${String(info0.code).slice(0, 3)}-aaaaa-bbbbb`, `127.0.0.1:${info0.port}`], {
      home: homeA,
    });
    expect(bad.status).toBe(9);
    expect(bad.stderr).toMatch(/E_PAIR_CODE_WRONG/);
    // Not a code at all: refused here, nothing dialled.
    const typo = warp(['pair', 'aaaaa-bbbbb', `127.0.0.1:${info0.port}`], { home: homeA });
    expect(typo.status).toBe(9);
    expect(typo.stderr).toMatch(/E_PAIR_CODE_INVALID/);
    p0.proc.kill('SIGTERM');
    await p0.done;

    const p = spawnWarp(homeB, ['--json', 'pair', '--port', '0', '--host', '127.0.0.1', '--name', 'laptop']);
    const info = await firstLine(p);
    expect(String(info.code)).toMatch(/^[a-z2-9]{3}-[a-z2-9]{5}-[a-z2-9]{5}$/);
    // The full code alone: no address typed.
    const ok = warp(['--json', 'pair', String(info.fullCode), '--name', 'server'], { home: homeA });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.json.at(-1)!.paired).toBe(idB);
    const done = await p.done;
    expect(done.status, done.stderr).toBe(0);
    expect(warp(['--json', 'peers'], { home: homeA }).json.map((x) => x.id)).toEqual([idB]);
    expect(warp(['--json', 'peers'], { home: homeB }).json.map((x) => x.id)).toEqual([idA]);
    // B learned where A's listener would be (transfer.host/port) and A's name; `name` shows and sets it.
    const onB = warp(['--json', 'peers'], { home: homeB }).json[0];
    expect((onB.addresses as string[]).length).toBeGreaterThan(0);
    expect(warp(['--json', 'name', 'set', 'alpha'], { home: homeA }).status).toBe(0);
    expect(warp(['name'], { home: homeA }).stdout.trim()).toBe('alpha');
    expect(warp(['name', 'set', 'a/b'], { home: homeA }).status).toBe(2);

    // Paired: a plain host:port works in both directions of trust.
    const root = path.join(dir, 'root');
    writeTree(root, { 'shared/f.txt': 'paired data\n' });
    const l = await startListener(homeB, root);
    const out = path.join(dir, 'out');
    const f = warp(['fetch', `127.0.0.1:${l.port}:/shared`, out], { home: homeA });
    expect(f.status, f.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'shared/f.txt'), 'utf8')).toBe('paired data\n');
    // By name after `peers set-address` (the pairing listener has gone; B now listens elsewhere).
    expect(warp(['peers', 'set-address', 'server', 'nonsense here'], { home: homeA }).status).toBe(2);
    expect(warp(['peers', 'set-address', 'nobody', `127.0.0.1:${l.port}`], { home: homeA }).stderr).toMatch(
      /E_PEER_UNKNOWN/,
    );
    const set = warp(['--json', 'peers', 'set-address', 'server', `127.0.0.1:${l.port}`], { home: homeA });
    expect(set.status, set.stderr).toBe(0);
    expect(set.json[0].addresses).toEqual([`127.0.0.1:${l.port}`]);
    const byName = warp(['fetch', 'server:/shared', path.join(dir, 'out-by-name')], { home: homeA });
    expect(byName.status, byName.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'out-by-name', 'shared/f.txt'), 'utf8')).toBe('paired data\n');

    // Removed on B: refused again.
    expect(warp(['peers', 'remove', idA], { home: homeB }).status).toBe(0);
    const after = warp(['fetch', `127.0.0.1:${l.port}:/shared`, path.join(dir, 'out2')], { home: homeA });
    expect(after.status).toBe(9);
    expect(after.stderr).toMatch(/E_PEER_NOT_PAIRED/);
    await l.stop();
  });
});

describe('probe and plan', () => {
  it('probe reports handshake, RTT, throughput and negotiated parameters; plan counts what the peer already has', async () => {
    const dir = tmpDir('warp-probe-');
    const homeA = path.join(dir, 'A');
    const homeB = path.join(dir, 'B');
    const idA = peerIdOf(homeA);
    const root = path.join(dir, 'root');
    const src = path.join(dir, 'src', 'data');
    writeTree(src, { 'one.bin': Buffer.alloc(2_000_000, 7), 'two.txt': 'two\n'.repeat(100_000) });
    fs.mkdirSync(root);
    const l = await startListener(homeB, root, ['--allow', idA, '--streams', '4']);
    const p = warp(['--json', 'probe', l.addr, '--bytes', '8MiB'], { home: homeA });
    expect(p.status, p.stderr).toBe(0);
    const r = p.json.at(-1)!;
    expect(r.transport).toBe('quic');
    expect(r.probeBytes).toBe(8 * 1024 * 1024);
    expect(r.throughputBytesPerSec as number).toBeGreaterThan(1e6);
    expect((r.negotiated as { streams: number }).streams).toBe(4);
    expect((r.rttMs as { median: number }).median).toBeGreaterThan(0);

    const before = warp(['--json', 'plan', src, `${l.addr}:/in`], { home: homeA });
    expect(before.status, before.stderr).toBe(0);
    expect(before.json.at(-1)!.haveChunks).toBe(0);
    expect(fs.readdirSync(root)).toEqual([]); // planning writes nothing
    expect(warp(['send', src, `${l.addr}:/in`], { home: homeA }).status).toBe(0);
    const after = warp(['--json', 'plan', src, `${l.addr}:/in`], { home: homeA });
    expect(after.json.at(-1)!.needChunks).toBe(0);
    expect(after.json.at(-1)!.unchangedFiles).toBe(2);
    await l.stop();
  });
});
