/**
 * AutoNAT against a relay with a public address (network namespaces, netns.ts): a listener behind a masquerading
 * router asks the relay to dial it back at its observed address. @libp2p/autonat 3's server used to answer with
 * the listener's own connection to the relay and then close it, so the listener lost its relay slot every few
 * seconds (nat-services.ts safeAutoNAT). Now the relay dials back on a new connection, which the NAT drops, and
 * the listener keeps its one slot.
 *
 * The wan is a routable-looking /24 (the namespaces reach nothing outside): libp2p ignores TEST-NET addresses for
 * AutoNAT, so on the usual lab wan no dial-back would be asked for. Namespaces need root: the test fails in CI
 * (CI=true) with the reason and is skipped elsewhere, with the reason printed.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { startRelay, waitFor } from './relay-peers.ts';
import { createNatLab, natLabUnavailable, spawnWarpIn, type NatLab, type NsProcess } from './netns.ts';

const unavailable = natLabUnavailable();
if (unavailable && !process.env.CI)
  console.warn(`nat-autonat.test.ts skipped: network namespaces cannot be created here (${unavailable})`);

const labs: NatLab[] = [];
afterAll(() => {
  for (const l of labs) l.destroy();
});

const WAN = '11.0.0';
const slotLosses = (p: NsProcess): number =>
  p.lines().filter((l) => l.type === 'relay.state' && l.reserved === false).length;

describe('AutoNAT through a relay with a public address (network namespaces)', () => {
  it.skipIf(unavailable !== undefined && !process.env.CI)(
    "the relay's dial-back neither closes the listener's relay connection nor reports it reachable",
    { timeout: 180_000 },
    async () => {
      if (unavailable) throw new Error(`the NAT test must run in CI but network namespaces failed: ${unavailable}`);
      const lab = createNatLab({ wanNet: WAN });
      labs.push(lab);
      let listener: NsProcess | undefined;
      const dir = tmpDir('warp-natx-');
      const relay = await startRelay(path.join(dir, 'R'), ['--announce', `${WAN}.1`], {
        host: `${WAN}.1`,
        port: 7655,
        prefix: lab.exec(lab.wan),
        env: { DEBUG: 'libp2p:auto-nat*' },
      });
      try {
        listener = spawnWarpIn(
          lab.home1,
          path.join(dir, 'A'),
          ['--json', 'listen', '--root', dir, '--host', '0.0.0.0', '--port', '0'],
          { WARP_NET_RELAYS: relay.addr, WARP_NET_AUTONAT: 'true' },
        );
        const l = listener;
        await waitFor(
          () => l.lines().length > 0,
          60_000,
          () => `listener did not start: ${l.stderr()}`,
        );
        const id = String(l.lines()[0].peerId);
        // The relay was asked to dial the listener back at its NAT-mapped address (AutoNAT starts 2 s in).
        await waitFor(
          () => new RegExp(`dial multiaddrs /ip4/${WAN}\\.11/\\S+ for peer ${id}`).test(relay.stderr()),
          60_000,
          () => `the relay was never asked for a dial-back: ${relay.stderr().slice(-2000)}`,
        );
        // Before the fix the slot went within a second of each request; give it 10 s.
        await new Promise((r) => setTimeout(r, 10_000));
        expect(slotLosses(l), JSON.stringify(l.lines().filter((x) => x.type === 'relay.state'))).toBe(0);
        expect(relay.stderr()).not.toMatch(new RegExp(`successfully dialed ${id}`));
      } finally {
        listener?.proc.kill('SIGKILL');
        await relay.kill();
        lab.destroy();
      }
    },
  );
});
