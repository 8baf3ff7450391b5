/**
 * Daemons with `[net] relays`: the peer listener reserves a slot and advertises its relayed address (in its own
 * addresses and in the pairing code); the Peers data says how the newest connection to a peer went.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir, writeTree } from '../helpers/tmp.ts';
import { startRelay, type Relay } from '../net/relay-peers.ts';
import { startDaemon, until, type Daemon, type Json } from './daemon-proc.ts';

describe('daemons with a relay in [net] relays', () => {
  let dir: string;
  let relay: Relay;
  let a: Daemon;
  let b: Daemon;
  beforeAll(async () => {
    dir = tmpDir('warp-daemon-relay-');
    relay = await startRelay(path.join(dir, 'R'));
    for (const n of ['A', 'B']) {
      fs.mkdirSync(path.join(dir, n), { recursive: true });
      fs.writeFileSync(path.join(dir, n, 'config.toml'), `[net]\nrelays = ['${relay.addr}']\n`);
    }
    [a, b] = await Promise.all([
      startDaemon(path.join(dir, 'A'), ['--root', path.join(dir, 'A-root')]),
      startDaemon(path.join(dir, 'B'), ['--root', path.join(dir, 'B-root')]),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await relay?.kill();
  });

  it('advertise relayed addresses, carry them in the code, and report the path of a transfer', async () => {
    const self = (await a.api('GET', '/api/peers/self')).body;
    expect((self.addresses as string[]).some((x) => x.includes(`/p2p/${relay.peerId}/p2p-circuit`))).toBe(true);

    const start = await a.api('POST', '/api/peers/pair/start', { timeoutSeconds: 120 });
    expect(start.status).toBe(200);
    expect((start.body.addresses as string[]).some((x) => x.includes('/p2p-circuit'))).toBe(true);
    const j = await b.api('POST', '/api/peers/pair/join', { code: start.body.fullCode });
    expect(j.status, JSON.stringify(j.body)).toBe(200);

    writeTree(path.join(dir, 'src', 'x'), { 'f.txt': 'through a daemon\n' });
    const s = await b.api('POST', '/api/transfers', {
      kind: 'send',
      peer: self.peerId,
      localPath: path.join(dir, 'src', 'x'),
      remotePath: '/in',
    });
    expect(s.status, JSON.stringify(s.body)).toBe(202);
    const done = await until(async () => {
      const x = (await b.api('GET', `/api/transfers/${s.body.id}`)).body;
      return ['done', 'failed'].includes(x.status as string) ? x : undefined;
    }, 'send');
    expect(done.status, JSON.stringify(done)).toBe('done');
    const peers = (await b.api('GET', '/api/peers')).body as unknown as Json[];
    const pa = peers.find((p) => p.id === self.peerId)!;
    // Both on 127.0.0.1: the direct address answers first, so the path is the LAN one, not the relay.
    expect((pa.path as Json).kind).toBe('lan');
    expect(typeof (pa.path as Json).remote).toBe('string');
  });
});
