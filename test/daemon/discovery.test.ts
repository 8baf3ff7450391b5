/**
 * LAN discovery between real daemons, on loopback multicast (transfer.discovery_interface = 127.0.0.1, which needs
 * no change to the machine: multicast to 224.0.0.251 on the loopback address reaches every socket bound to
 * 0.0.0.0:5353 here). They list each other by name, pair with the short code alone, and a paired peer that comes
 * back on another port is found there without anyone typing its address.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { spawnWarp } from '../transfer/peers.ts';
import { readTree, tmpDir, writeTree } from '../helpers/tmp.ts';
import { startDaemon, until, type Daemon, type Json } from './daemon-proc.ts';

const LAN = { WARP_TRANSFER_DISCOVERY_INTERFACE: '127.0.0.1' };

describe('LAN discovery', () => {
  let dir: string;
  let a: Daemon;
  let b: Daemon;
  const home = (n: string): string => path.join(dir, n);
  beforeAll(async () => {
    dir = tmpDir('warp-discovery-');
    for (const [n, name] of [
      ['A', 'disc-alpha'],
      ['B', 'disc-bravo'],
      ['C', 'disc-charlie'],
    ]) {
      fs.mkdirSync(home(n), { recursive: true });
      fs.writeFileSync(path.join(home(n), 'config.toml'), `[transfer]\nname = '${name}'\n`);
    }
    [a, b] = await Promise.all([
      startDaemon(home('A'), ['--root', path.join(dir, 'A-root')], LAN),
      startDaemon(home('B'), ['--root', path.join(dir, 'B-root')], LAN),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  const nearby = async (d: Daemon, peerId: string): Promise<Json> =>
    until(async () => {
      const list = (await d.api('GET', '/api/peers/nearby')).body as Json[];
      return list.find((x) => x.peerId === peerId);
    }, `${peerId} in the nearby list`);

  it('two daemons find each other and list each other by name, unpaired', async () => {
    const bOnA = await nearby(a, b.peerId);
    expect(bOnA).toMatchObject({ name: 'disc-bravo', paired: false });
    expect(bOnA.addresses.some((x: string) => x.includes(`/${b.peerPort}/`))).toBe(true);
    expect(await nearby(b, a.peerId)).toMatchObject({ name: 'disc-alpha', paired: false });
  });

  it('pairs with the short code alone (the joiner finds the inviter on the LAN), then sends both ways', async () => {
    const start = await a.api('POST', '/api/peers/pair/start', { timeoutSeconds: 120 });
    // While A shows the code, its record carries the code's lookup id (only that: never the secret).
    const showing = await until(async () => {
      const x = (await b.api('GET', '/api/peers/nearby')).body.find((d: Json) => d.peerId === a.peerId);
      return x?.pairing ? x : undefined;
    }, 'the pairing lookup id');
    expect(showing.pairing).toBe(start.body.code.slice(0, 3));
    const join = await b.api('POST', '/api/peers/pair/join', { code: start.body.code });
    expect(join.status, JSON.stringify(join.body)).toBe(200);
    expect(join.body).toMatchObject({ id: a.peerId, name: 'disc-alpha' });
    expect((await nearby(b, a.peerId)).paired).toBe(true);
    const src = path.join(dir, 'src');
    writeTree(src, { 'one.txt': 'over the LAN\n' });
    for (const [from, to, root] of [
      [b, 'disc-alpha', 'A-root'],
      [a, 'disc-bravo', 'B-root'],
    ] as const) {
      const s = await from.api('POST', '/api/transfers', { kind: 'send', peer: to, localPath: src, remotePath: '/in' });
      const t = await until(async () => {
        const x = (await from.api('GET', `/api/transfers/${s.body.id}`)).body;
        return ['done', 'failed'].includes(x.status) ? x : undefined;
      }, 'send');
      expect(t.status, JSON.stringify(t.error)).toBe('done');
      expect(readTree(path.join(dir, root, 'in', 'src'))).toEqual(readTree(src));
    }
  });

  it("picks up a paired peer's new address without user action", async () => {
    const oldPort = b.peerPort;
    await b.stop();
    b = await startDaemon(home('B'), ['--root', path.join(dir, 'B-root')], LAN);
    expect(b.peerPort).not.toBe(oldPort);
    const moved = await until(
      async () => {
        const p = (await a.api('GET', '/api/peers')).body.find((x: Json) => x.id === b.peerId);
        return p?.addresses.some((x: string) => x.includes(`/${b.peerPort}/`)) ? p : undefined;
      },
      "B's new address on A",
      60_000,
    );
    expect(moved.addressesFrom).toBe('discovery');
    expect(moved.addresses.some((x: string) => x.includes(`/${oldPort}/`))).toBe(false);
  }, 90_000);

  it('`warp pair <short code>` on the CLI finds a daemon showing it on the LAN', async () => {
    const start = await a.api('POST', '/api/peers/pair/start', { timeoutSeconds: 120 });
    const r = warp(['--json', 'pair', start.body.code], { home: home('C'), env: LAN });
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.at(-1)).toMatchObject({ paired: a.peerId, name: 'disc-alpha' });
    // A forged short code (right lookup id, wrong secret) is refused by A.
    const again = await a.api('POST', '/api/peers/pair/start', { timeoutSeconds: 120 });
    const forged = `${again.body.code.slice(0, 3)}-22222-22222`;
    const bad = warp(['--json', 'pair', forged], { home: home('C'), env: LAN });
    expect(bad.status).toBe(9);
    expect(bad.stderr).toMatch(/E_PAIR_CODE_WRONG/);
    // The used code: refused as used.
    const used = warp(['--json', 'pair', start.body.code, `127.0.0.1:${a.peerPort}`], { home: home('C'), env: LAN });
    expect(used.stderr).toMatch(/E_PAIR_CODE_USED/);
  });

  it('`warp pair --nearby` asks a daemon to pair: the same code on both sides, its no and its yes', async () => {
    const hD = home('D');
    fs.mkdirSync(hD, { recursive: true });
    fs.writeFileSync(path.join(hD, 'config.toml'), `[transfer]\nname = 'disc-delta'\n`);
    const ask = async () => {
      const p = spawnWarp(hD, ['--json', 'pair', '--nearby', 'disc-bravo'], LAN);
      outOf(p);
      const confirm = await until(
        async () =>
          outOf(p)
            .split('\n')
            .find((l) => l.includes('"confirm"')),
        'the confirmation code on the CLI',
      );
      const shown = JSON.parse(confirm) as Json;
      const req = await until(async () => {
        const list = (await b.api('GET', '/api/peers/pair/requests')).body as Json[];
        return list.find((r) => r.direction === 'in' && r.name === 'disc-delta');
      }, 'the request on B');
      return { p, shown, req };
    };
    const no = await ask();
    expect(no.shown.code).toMatch(/^\d{3} \d{3}$/);
    expect(no.req.code).toBe(no.shown.code);
    expect(no.shown.peer).toBe(b.peerId);
    expect((await b.api('GET', '/api/peers')).body.some((x: Json) => x.name === 'disc-delta')).toBe(false);
    expect((await b.api('POST', '/api/peers/pair/answer', { id: no.req.id, accept: false })).status).toBe(200);
    const refused = await no.p.done;
    expect(refused.status).toBe(9);
    expect(refused.stderr).toMatch(/E_PAIR_REJECTED/);
    // Answering an ended request says how it ended.
    const late = await b.api('POST', '/api/peers/pair/answer', { id: no.req.id, accept: true });
    expect(late.body.error.code).toBe('E_PAIR_REJECTED');

    const yes = await ask();
    expect(yes.req.code).toBe(yes.shown.code);
    expect(yes.req.code === no.req.code && yes.req.id === no.req.id).toBe(false);
    const accepted = await b.api('POST', '/api/peers/pair/answer', { id: yes.req.id, accept: true });
    expect(accepted.body).toMatchObject({ state: 'accepted', peer: yes.req.peer });
    const ok = await yes.p.done;
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout.trim().split('\n').at(-1)!)).toMatchObject({ paired: b.peerId, name: 'disc-bravo' });
    expect((await b.api('GET', '/api/peers')).body.find((x: Json) => x.id === yes.req.peer).name).toBe('disc-delta');

    // Without a daemon: `warp peers nearby` listens on its own and lists both daemons, paired or not.
    const near = warp(['--json', 'peers', 'nearby', '--seconds', '3'], { home: hD, env: LAN });
    expect(near.status, near.stderr).toBe(0);
    const byName = new Map(near.json.map((d) => [d.name, d]));
    expect(byName.get('disc-bravo')).toMatchObject({ peerId: b.peerId, paired: true, requests: true });
    expect(byName.get('disc-alpha')).toMatchObject({ peerId: a.peerId, paired: false, requests: true });
    expect(warp(['peers', 'nearby', '--seconds', '0'], { home: hD }).status).toBe(2);

    // A device nobody on the network is called: a clear error, not a hang.
    const none = warp(['--json', 'pair', '--nearby', 'no-such-device'], { home: hD, env: LAN });
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/E_PEER_UNREACHABLE/);
  }, 120_000);
});

const outs = new WeakMap<object, string>();
/** What a spawned command printed on stdout so far. */
function outOf(p: ReturnType<typeof spawnWarp>): string {
  if (!outs.has(p)) {
    outs.set(p, '');
    p.proc.stdout!.on('data', (d: Buffer) => outs.set(p, outs.get(p)! + d.toString()));
  }
  return outs.get(p)!;
}
