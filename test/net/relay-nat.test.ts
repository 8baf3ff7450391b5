/**
 * Two homes behind masquerading routers (Linux network namespaces this test builds and always removes, see
 * netns.ts) and a relay on the "internet" between them: neither home can dial the other, yet they pair by the
 * code alone (its relayed address) and send and fetch through the relay, byte-identically.
 *
 * Namespaces need root (CI runs as root). Where they cannot be made, the test fails in CI (CI=true) with the
 * reason and is skipped elsewhere, with the reason printed.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listFiles, tmpDir, writeTree } from '../helpers/tmp.ts';
import { startRelay, waitFor } from './relay-peers.ts';
import { WAN_IP, createNatLab, natLabUnavailable, spawnWarpIn as spawnIn, type NatLab } from './netns.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');
const unavailable = natLabUnavailable();
if (unavailable && !process.env.CI)
  console.warn(`relay-nat.test.ts skipped: network namespaces cannot be created here (${unavailable})`);

const labs: NatLab[] = [];
afterAll(() => {
  for (const l of labs) l.destroy();
});

interface Run {
  status: number;
  stdout: string;
  stderr: string;
  json: Array<Record<string, unknown>>;
}

function warpIn(ns: string, home: string, args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, BIN, ...args], {
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, WARP_HOME: home, NO_COLOR: '1', ...env },
  });
  const stdout = String(r.stdout ?? '');
  return {
    status: r.status ?? -1,
    stdout,
    stderr: String(r.stderr ?? ''),
    json: stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

function sameTree(a: string, b: string): void {
  const files = (d: string): string[] => listFiles(d).filter((p) => fs.lstatSync(path.join(d, p)).isFile());
  expect(files(a)).toEqual(files(b));
  for (const f of files(a))
    expect(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), f).toBe(true);
}

describe('two homes behind NAT, a relay between them (network namespaces)', () => {
  it.skipIf(unavailable !== undefined && !process.env.CI)(
    'pair by code alone through the relay, then send and fetch through it byte-identically',
    { timeout: 300_000 },
    async () => {
      if (unavailable) throw new Error(`the NAT test must run in CI but network namespaces failed: ${unavailable}`);
      const lab = createNatLab();
      labs.push(lab);
      const children: Array<{ proc: ChildProcess }> = [];
      try {
        const dir = tmpDir('warp-nat-');
        const homeA = path.join(dir, 'A');
        const homeB = path.join(dir, 'B');
        const relay = await startRelay(path.join(dir, 'R'), [], {
          host: WAN_IP,
          port: 7655,
          prefix: lab.exec(lab.wan),
        });
        children.push(relay);
        const env = { WARP_NET_RELAYS: relay.addr, WARP_TRANSFER_CHUNK_AVG: '64KiB' };

        // B (home2) shows a code; A (home1) pairs with the code alone: B's direct addresses are private, behind
        // its router, so only the relayed one in the code can work.
        const inviter = spawnIn(lab.home2, homeB, ['--json', 'pair', '--host', '0.0.0.0', '--port', '0'], env);
        children.push(inviter);
        await waitFor(
          () => inviter.lines().length > 0,
          60_000,
          () => `no code: ${inviter.stderr()}`,
        );
        const card = inviter.lines()[0];
        expect((card.addresses as string[]).some((a) => a.includes('/p2p-circuit'))).toBe(true);
        const joined = warpIn(lab.home1, homeA, ['--json', 'pair', String(card.fullCode)], env);
        expect(joined.status, joined.stderr).toBe(0);
        const idB = joined.json.at(-1)!.paired as string;
        expect(await inviter.done).toBe(0);

        // B listens (no open port: reachable only through the relay); A fetches and sends by B's id.
        const root = path.join(dir, 'root');
        writeTree(path.join(root, 'data'), {
          'a.bin': crypto.randomBytes(2_000_000),
          'b/c.txt': 'across two NATs\n'.repeat(20_000),
        });
        const listener = spawnIn(
          lab.home2,
          homeB,
          ['--json', 'listen', '--root', root, '--host', '0.0.0.0', '--port', '0'],
          env,
        );
        children.push(listener);
        await waitFor(
          () => listener.lines().length > 0,
          60_000,
          () => `listener did not start: ${listener.stderr()}`,
        );
        const relayed = (listener.lines()[0].addresses as string[]).filter((a) => a.includes('/p2p-circuit'));
        expect(relayed.length).toBeGreaterThan(0);

        const out = path.join(dir, 'out');
        const f = warpIn(lab.home1, homeA, ['--json', 'fetch', `${idB}:/data`, out], env);
        expect(f.status, f.stderr).toBe(0);
        sameTree(path.join(out, 'data'), path.join(root, 'data'));

        const up = path.join(dir, 'up');
        writeTree(up, { 'x.bin': crypto.randomBytes(700_000), 'y.txt': 'sent from home1\n' });
        const s = warpIn(lab.home1, homeA, ['--json', 'send', up, `${idB}:/in`], env);
        expect(s.status, s.stderr).toBe(0);
        sameTree(path.join(root, 'in', 'up'), up);

        const p = warpIn(lab.home1, homeA, ['--json', 'probe', idB, '--bytes', '2MiB'], env);
        expect(p.status, p.stderr).toBe(0);
        expect((p.json.at(-1)!.path as { kind: string }).kind).toBe('relayed');
      } finally {
        for (const c of children) c.proc.kill('SIGKILL');
        lab.destroy();
      }
      const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
      expect(left).not.toContain(lab.tag);
    },
  );
});
