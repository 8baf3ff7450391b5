/**
 * The AutoNAT verdict in real network namespaces (netns.ts) on a routable-looking wan (libp2p ignores TEST-NET):
 * a listener on a router's public address is confirmed reachable by the relay's AutoNAT dial-back; a listener in
 * a home behind the router's MASQUERADE is told it is behind NAT, with the address peers see it at.
 *
 * Namespaces need root (CI runs as root). Where they cannot be made, the test fails in CI (CI=true) with the
 * reason and is skipped elsewhere, with the reason printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { startRelay, waitFor } from './relay-peers.ts';
import { createNatLab, natLabUnavailable, type NatLab } from './netns.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');
const WAN = '11.0.0';
const unavailable = natLabUnavailable();
if (unavailable && !process.env.CI)
  console.warn(`reachability-nat.test.ts skipped: network namespaces cannot be created here (${unavailable})`);

const labs: NatLab[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const l of labs) l.destroy();
});

/** `warp --json listen` in a namespace with a relay slot; its verdicts (first line's, then each change) so far. */
function listenIn(lab: NatLab, ns: string, home: string, root: string, relay: string) {
  const proc = spawn(
    'ip',
    [...lab.exec(ns).slice(1), process.execPath, BIN, '--json', 'listen', '--root', root, '--host', '0.0.0.0'],
    {
      env: { ...process.env, WARP_HOME: home, NO_COLOR: '1', WARP_NET_RELAYS: relay },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const verdicts = (): Array<{ status: string; confirmed: string[]; observed: string[]; autonat: boolean }> =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .flatMap((j) => (j.type === 'listening' ? [j.reachability] : j.type === 'reachability' ? [j] : []))
      .map((r) => r as { status: string; confirmed: string[]; observed: string[]; autonat: boolean });
  return { verdicts, stderr: () => err };
}

describe('AutoNAT verdict (network namespaces)', () => {
  it.skipIf(unavailable !== undefined && !process.env.CI)(
    'a listener on a public address is confirmed reachable; one behind MASQUERADE is behind NAT',
    { timeout: 180_000 },
    async () => {
      if (unavailable) throw new Error(`the NAT test must run in CI but network namespaces failed: ${unavailable}`);
      const lab = createNatLab({ wanNet: WAN });
      labs.push(lab);
      const dir = tmpDir('warp-reach-nat-');
      const root = path.join(dir, 'root');
      fs.mkdirSync(root);
      // On a public-looking wan libp2p hides the relay's own address until confirmed: it is announced.
      const relay = await startRelay(path.join(dir, 'R'), ['--announce', `${WAN}.1`], {
        host: `${WAN}.1`,
        port: 7655,
        prefix: lab.exec(lab.wan),
      });
      children.push(relay.proc);
      const pub = listenIn(lab, lab.routers[0], path.join(dir, 'P'), root, relay.addr);
      const home = listenIn(lab, lab.home1, path.join(dir, 'H'), root, relay.addr);
      await waitFor(
        () => pub.verdicts().some((v) => v.status === 'public'),
        90_000,
        () => `the public listener was never confirmed: ${JSON.stringify(pub.verdicts())} ${pub.stderr()}`,
      );
      const confirmed = pub.verdicts().find((v) => v.status === 'public')!;
      expect(confirmed.autonat).toBe(true);
      expect(confirmed.confirmed.some((a) => a.startsWith(`/ip4/${WAN}.11/`))).toBe(true);
      await waitFor(
        () => home.verdicts().some((v) => v.status === 'nat'),
        90_000,
        () => `the home listener never said NAT: ${JSON.stringify(home.verdicts())} ${home.stderr()}`,
      );
      const nat = home.verdicts().find((v) => v.status === 'nat')!;
      // Peers see it at its router's public address, not at its own 10.1.0.2.
      expect(nat.observed.some((a) => a.startsWith(`/ip4/${WAN}.11/`))).toBe(true);
      expect(nat.confirmed).toEqual([]);
    },
  );
});
