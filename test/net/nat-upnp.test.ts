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
import { waitFor } from './relay-peers.ts';
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

function warpIn(ns: string, home: string, args: string[]): { status: number; out: string; err: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, BIN, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, WARP_HOME: home, NO_COLOR: '1' },
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
});
