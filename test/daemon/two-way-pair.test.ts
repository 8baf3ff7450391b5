/**
 * Two real daemons pair by the code alone (no address typed): both learn where the other listens, so either can
 * send to the other by name; addresses can be edited; a forged, a reused and an expired code are refused with
 * their own codes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTree, tmpDir, writeTree } from '../helpers/tmp.ts';
import { openEvents, startDaemon, until, type Daemon, type Json } from './daemon-proc.ts';

async function send(from: Daemon, peer: string, localPath: string, remotePath: string): Promise<Json> {
  const s = await from.api('POST', '/api/transfers', { kind: 'send', peer, localPath, remotePath });
  expect(s.status, JSON.stringify(s.body)).toBe(202);
  return until(async () => {
    const x = (await from.api('GET', `/api/transfers/${s.body.id}`)).body;
    return ['done', 'failed'].includes(x.status) ? x : undefined;
  }, 'send');
}

describe('two-way pairing by code alone', () => {
  let dir: string;
  let a: Daemon;
  let b: Daemon;
  beforeAll(async () => {
    dir = tmpDir('warp-two-way-');
    fs.mkdirSync(path.join(dir, 'A'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'B'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'A', 'config.toml'), "[transfer]\nname = 'alpha'\n");
    fs.writeFileSync(path.join(dir, 'B', 'config.toml'), "[transfer]\nname = 'bravo'\n");
    [a, b] = await Promise.all([
      startDaemon(path.join(dir, 'A'), ['--root', path.join(dir, 'A-root')]),
      startDaemon(path.join(dir, 'B'), ['--root', path.join(dir, 'B-root')]),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('pairs with the full code only; each side knows the other by name and address and can send to it', async () => {
    const evA = await openEvents(a.url, { token: a.token });
    const start = await a.api('POST', '/api/peers/pair/start', { timeoutSeconds: 120 });
    expect(start.status).toBe(200);
    expect(start.body.name).toBe('alpha');
    expect(start.body.fullCode.startsWith(`${start.body.code}.`)).toBe(true);

    // A forged card (its tag does not match the secret) is refused before anything is dialled.
    const forged = `${start.body.code}.${start.body.fullCode.split('.')[1].slice(0, -3)}zzz`;
    const f = await b.api('POST', '/api/peers/pair/join', { code: forged });
    expect(f.status).toBe(400);
    expect(f.body.error.code).toBe('E_PAIR_CODE_INVALID');
    // A code with the right lookup id and a wrong secret (a guess) is refused by A.
    const guess = `${start.body.code.slice(0, 3)}-aaaaa-bbbbb`;
    const g = await b.api('POST', '/api/peers/pair/join', { code: guess, address: start.body.addresses[0] });
    expect(g.body.error.code).toBe('E_PAIR_CODE_WRONG');

    const join = await b.api('POST', '/api/peers/pair/join', { code: start.body.fullCode });
    expect(join.status, JSON.stringify(join.body)).toBe(200);
    expect(join.body).toMatchObject({ id: a.peerId, name: 'alpha', via: 'pair' });
    expect(join.body.addresses.some((x: string) => x.includes(`/${a.peerPort}/`))).toBe(true);
    const paired = await evA.waitFor((e) => e.type === 'peer.paired');
    expect(paired).toMatchObject({ peer: b.peerId, name: 'bravo' });
    evA.close();
    const onA = (await a.api('GET', '/api/peers')).body;
    expect(onA).toHaveLength(1);
    expect(onA[0]).toMatchObject({ id: b.peerId, name: 'bravo' });
    expect(onA[0].addresses.some((x: string) => x.includes(`/${b.peerPort}/`))).toBe(true);

    // The same code again: used.
    const again = await b.api('POST', '/api/peers/pair/join', { code: start.body.fullCode });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('E_PAIR_CODE_USED');

    // Both ways, by name.
    const src = path.join(dir, 'src');
    writeTree(src, { 'x.txt': 'from B to A\n', 'y/z.bin': Buffer.alloc(50_000, 3) });
    const back = await send(b, 'alpha', src, '/from-b');
    expect(back.status, JSON.stringify(back.error)).toBe('done');
    expect(readTree(path.join(dir, 'A-root', 'from-b', 'src'))).toEqual(readTree(src));
    const fwd = await send(a, 'bravo', src, '/from-a');
    expect(fwd.status, JSON.stringify(fwd.error)).toBe('done');
    expect(readTree(path.join(dir, 'B-root', 'from-a', 'src'))).toEqual(readTree(src));
  });

  it('edits and renames a peer; a wrong address is refused; a stale address heals on contact', async () => {
    const bad = await a.api('POST', '/api/peers/addresses', { peer: 'bravo', addresses: ['not an address'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('E_USAGE');
    const unknown = await a.api('POST', '/api/peers/addresses', { peer: 'nobody', addresses: ['127.0.0.1:1'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('E_PEER_UNKNOWN');
    // A dead address first, the real one after: the dial moves on to the one that answers.
    const set = await a.api('POST', '/api/peers/addresses', {
      peer: 'bravo',
      addresses: [`127.0.0.1:1`, `127.0.0.1:${b.peerPort}`],
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ addresses: ['127.0.0.1:1', `127.0.0.1:${b.peerPort}`], addressesFrom: 'manual' });
    const src = path.join(dir, 'src2');
    writeTree(src, { 'k.txt': 'again\n' });
    const t = await send(a, 'bravo', src, '/second');
    expect(t.status, JSON.stringify(t.error)).toBe('done');
    // The contact refreshed B's addresses on A: the dead one is gone.
    const healed = await until(async () => {
      const p = (await a.api('GET', '/api/peers')).body[0];
      return p.addressesFrom === 'contact' ? p : undefined;
    }, 'address refresh');
    expect(healed.addresses).not.toContain('127.0.0.1:1');

    const r = await a.api('POST', '/api/peers/rename', { peer: 'bravo', name: 'backup box' });
    expect(r.body).toMatchObject({ id: b.peerId, name: 'backup box' });
    expect((await a.api('POST', '/api/peers/rename', { peer: 'backup box', name: 'a/b' })).status).toBe(400);
  });

  it('an expired code is refused as expired', async () => {
    const start = await a.api('POST', '/api/peers/pair/start', { timeoutSeconds: 10 });
    await new Promise((r) => setTimeout(r, 11_000));
    const late = await b.api('POST', '/api/peers/pair/join', { code: start.body.fullCode });
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('E_PAIR_CODE_EXPIRED');
  }, 30_000);
});
