/**
 * One peer of bench/nat.ts, run inside a namespace: a WarpNode listening on 0.0.0.0 with a relay slot, UPnP,
 * AutoNAT and DCUtR on. It prints JSON lines: its addresses, then its connection list every 500 ms (remote
 * address, direction, limited = relayed) so the orchestrator sees whether DCUtR replaced a relayed connection.
 *
 *   node bench/lib/nat-peer.ts <home> <relay-multiaddr> <other-peer-id> <seconds> [dial-address]
 */
import { loadIdentity } from '../../src/engine/net/identity.ts';
import { WarpNode } from '../../src/engine/net/node.ts';
import { parsePeerAddress } from '../../src/engine/net/address.ts';

const [home, relay, other, seconds, dialAddr] = process.argv.slice(2);
const t0 = Date.now();
const out = (o: Record<string, unknown>): void =>
  void process.stdout.write(JSON.stringify({ t: Date.now() - t0, ...o }) + '\n');

const node = await WarpNode.create({
  identity: await loadIdentity(home),
  listen: { host: '0.0.0.0', port: 0 },
  transports: ['quic', 'tcp'],
  isTrusted: (p) => p === other,
  relays: [relay],
  relayPolicy: () => ({ peers: [other] }),
  nat: { upnp: process.env.NAT_AUTONAT !== '0', autonat: process.env.NAT_AUTONAT !== '0', holePunch: true },
  onLog: (m) => out({ log: m }),
});
out({ started: true, addresses: node.addresses() });
if (process.env.NAT_ANNOUNCE_OBSERVED === '1') announceObserved();
node.libp2p.addEventListener('self:peer:update', () => out({ selfUpdate: node.libp2p.getMultiaddrs().map(String) }));
/**
 * NAT_ANNOUNCE_OBSERVED=1: the experiment of issue 14's hole punching. The NAT-mapped address the relay observed
 * (identify) is marked verified, as if AutoNAT had confirmed it, so that DCUtR's CONNECT offers it to the peer.
 */
function announceObserved(): void {
  type Am = { getObservedAddrs(): unknown[]; confirmObservedAddr(a: unknown, o: { type: 'observed' }): void };
  const am = (node.libp2p as unknown as { components: { addressManager: Am } }).components.addressManager;
  const confirm = (): void => {
    for (const a of am.getObservedAddrs()) am.confirmObservedAddr(a, { type: 'observed' });
  };
  confirm();
  node.libp2p.addEventListener('peer:identify', confirm);
  out({ announced: node.libp2p.getMultiaddrs().map(String) });
}
const conns = (): Array<Record<string, unknown>> =>
  node.libp2p.getConnections().map((c) => ({
    peer: c.remotePeer.toString(),
    addr: c.remoteAddr.toString(),
    dir: c.direction,
    limited: !!c.limits,
  }));
let last = '';
const timer = setInterval(() => {
  const now = JSON.stringify(conns());
  if (now !== last) out({ conns: JSON.parse(now) });
  last = now;
}, 500);
if (dialAddr) {
  // Wait for our own relay slot first, so the answer path exists both ways; with NAT_WAIT_PUBLIC=1 also (up to
  // 30 s) for a public address of our own (a UPnP mapping), as a long-running listener would have one.
  await new Promise((r) => setTimeout(r, 3000));
  const isPublic = (a: string): boolean => /^\/ip4\/(?!10\.|127\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(a);
  for (let i = 0; process.env.NAT_WAIT_PUBLIC === '1' && i < 300; i++) {
    const pub = node.libp2p
      .getMultiaddrs()
      .map(String)
      .filter((a) => isPublic(a) && !a.includes('p2p-circuit'));
    if (pub.length) {
      out({ public: pub });
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const d0 = Date.now();
  try {
    const r = await node.dial(parsePeerAddress(dialAddr), { timeoutMs: 30_000 });
    out({ dialed: r.path, ms: Date.now() - d0 });
  } catch (e) {
    out({ dialError: String(e) });
  }
}
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
clearInterval(timer);
out({ final: conns(), addresses: node.libp2p.getMultiaddrs().map(String) });
await node.stop();
process.exit(0);
