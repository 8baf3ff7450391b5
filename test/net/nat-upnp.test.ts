/**
 * UPnP through a home router (network namespaces, netns.ts; miniupnpd in home1's router, upnp-router.ts): a
 * listener behind that router maps its port, trusts the mapping (nat-services.ts) and says it is reachable
 * (`reachability` public, the router's public address confirmed); a peer behind another NAT then probes it at
 * that address directly, no relay. Without the mapping the router drops the same dial (the lab's routers forward
 * nothing inward), so the direct path is the mapping's doing.
 *
 * The wan is a routable-looking /24 (the namespaces reach nothing outside): miniupnpd and libp2p both ignore a
 * TEST-NET "public" address. Needs root and miniupnpd: fails in CI (CI=true) with the reason, skipped elsewhere.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { startRelay, waitFor } from './relay-peers.ts';
import { createNatLab, natLabUnavailable, spawnWarpIn, type NatLab, type NsProcess } from './netns.ts';
import { startUpnpRouter, upnpUnavailable } from './upnp-router.ts';

const unavailable = natLabUnavailable() ?? upnpUnavailable();
if (unavailable && !process.env.CI)
  console.warn(`nat-upnp.test.ts skipped: the UPnP namespace lab cannot be built here (${unavailable})`);

const labs: NatLab[] = [];
afterAll(() => {
  for (const l of labs) l.destroy();
});

const WAN = '11.0.0';
const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');

function warpIn(
  ns: string,
  home: string,
  args: string[],
  env: Record<string, string> = {},
): { status: number; out: string; err: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, BIN, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, WARP_HOME: home, NO_COLOR: '1', ...env },
  });
  return { status: r.status ?? -1, out: String(r.stdout ?? ''), err: String(r.stderr ?? '') };
}

const lastJson = (s: string): Record<string, unknown> =>
  JSON.parse(
    s
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .at(-1) ?? '{}',
  ) as Record<string, unknown>;

describe('UPnP in the home router (network namespaces)', () => {
  it.skipIf(unavailable !== undefined && !process.env.CI)(
    'a listener maps its port on the router, says it is public, and a peer behind another NAT reaches it directly',
    { timeout: 180_000 },
    async () => {
      if (unavailable) throw new Error(`the UPnP test must run in CI but its lab failed: ${unavailable}`);
      const lab = createNatLab({ wanNet: WAN });
      labs.push(lab);
      const dir = tmpDir('warp-upnp-');
      let listener: NsProcess | undefined;
      const igd = startUpnpRouter(lab.routers[0], dir);
      try {
        const homeA = path.join(dir, 'A');
        const homeB = path.join(dir, 'B');
        const idB = warpIn(lab.home2, homeB, ['--json', 'id']);
        expect(idB.status, idB.err).toBe(0);
        const peerB = String(lastJson(idB.out).peerId);
        listener = spawnWarpIn(
          lab.home1,
          homeA,
          [
            '--json',
            'listen',
            '--root',
            dir,
            '--host',
            '0.0.0.0',
            '--port',
            '0',
            '--transport',
            'quic',
            '--allow',
            peerB,
          ],
          {},
        );
        const l = listener;
        const mapped = (): string | undefined =>
          l
            .lines()
            .filter((x) => x.type === 'reachability' && x.status === 'public')
            .flatMap((x) => x.confirmed as string[])
            .find((a) => a.startsWith(`/ip4/${WAN}.11/udp/`));
        await waitFor(
          () => mapped() !== undefined,
          90_000,
          () =>
            `the listener never reported a mapped public address: ${JSON.stringify(l.lines())}\n${igd.log().slice(-1500)}`,
        );
        const port = /\/udp\/(\d+)\//.exec(mapped()!)![1];
        const idA = String(l.lines()[0].peerId);
        const p = warpIn(lab.home2, homeB, ['--json', 'probe', `${idA}@${WAN}.11:${port}`, '--bytes', '1MiB']);
        expect(p.status, p.err).toBe(0);
        expect((lastJson(p.out).path as { kind: string }).kind).toBe('direct');
      } finally {
        listener?.proc.kill('SIGKILL');
        igd.stop();
        lab.destroy();
      }
    },
  );

  it.skipIf(unavailable !== undefined && !process.env.CI)(
    'peers paired through a relay: once the listener has a mapped port, the next contact teaches it and the probe goes direct',
    { timeout: 300_000 },
    async () => {
      if (unavailable) throw new Error(`the UPnP test must run in CI but its lab failed: ${unavailable}`);
      const lab = createNatLab({ wanNet: WAN });
      labs.push(lab);
      const dir = tmpDir('warp-upnp-');
      const procs: NsProcess[] = [];
      // B (home2) is behind the UPnP router; A (home1) behind a plain NAT.
      const igd = startUpnpRouter(lab.routers[1], dir);
      const relay = await startRelay(path.join(dir, 'R'), ['--announce', `${WAN}.1`], {
        host: `${WAN}.1`,
        port: 7655,
        prefix: lab.exec(lab.wan),
      });
      try {
        const homeA = path.join(dir, 'A');
        const homeB = path.join(dir, 'B');
        const env = { WARP_NET_RELAYS: relay.addr };
        const inviter = spawnWarpIn(lab.home2, homeB, ['--json', 'pair', '--host', '0.0.0.0', '--port', '0'], env);
        procs.push(inviter);
        await waitFor(
          () => inviter.lines().length > 0,
          60_000,
          () => `no code: ${inviter.stderr()}`,
        );
        const joined = warpIn(lab.home1, homeA, ['--json', 'pair', String(inviter.lines()[0].fullCode)], env);
        expect(joined.status, joined.err).toBe(0);
        const idB = String(lastJson(joined.out).paired);
        expect(await inviter.done).toBe(0);

        const listener = spawnWarpIn(
          lab.home2,
          homeB,
          ['--json', 'listen', '--root', dir, '--host', '0.0.0.0', '--port', '0'],
          env,
        );
        procs.push(listener);
        await waitFor(
          () => listener.lines().some((x) => x.type === 'reachability' && x.status === 'public'),
          90_000,
          () => `the listener never reported a mapped address: ${JSON.stringify(listener.lines())}`,
        );
        // The first contact may go through the relay (A knows B's addresses from the code); its info exchange
        // teaches A the mapped one, so the next probe reaches B directly.
        const first = warpIn(lab.home1, homeA, ['--json', 'probe', idB, '--bytes', '1MiB'], env);
        expect(first.status, first.err).toBe(0);
        const second = warpIn(lab.home1, homeA, ['--json', 'probe', idB, '--bytes', '1MiB'], env);
        expect(second.status, second.err).toBe(0);
        const path2 = lastJson(second.out).path as { kind: string; remote?: string };
        expect(path2.kind, JSON.stringify(path2)).toBe('direct');
        console.log(
          `nat-upnp: first probe ${(lastJson(first.out).path as { kind: string }).kind}, second ${path2.kind} (${path2.remote})`,
        );
      } finally {
        for (const p of procs) p.proc.kill('SIGKILL');
        await relay.kill();
        igd.stop();
        lab.destroy();
      }
    },
  );
});
