/** The AutoNAT verdict read from libp2p's address book entries (net/reachability.ts verdictOf). */
import { describe, expect, it } from 'vitest';
import {
  describeReachability,
  reachabilityOf,
  verdictOf,
  type AddressState,
} from '../../src/engine/net/reachability.ts';

const entry = (a: string, type: string, verified: boolean, expires = 0): AddressState => ({
  multiaddr: { toString: () => a },
  type,
  verified,
  expires,
});
const LOCAL = [
  entry('/ip4/127.0.0.1/udp/7654/quic-v1', 'transport', true),
  entry('/ip4/192.168.1.20/udp/7654/quic-v1', 'transport', true),
];

describe('reachability verdict', () => {
  it('only private addresses and nobody has said anything: unknown', () => {
    const r = verdictOf(LOCAL, true);
    expect(r).toEqual({ status: 'unknown', confirmed: [], observed: [], autonat: true });
    expect(describeReachability(r)).toMatch(/not heard from a peer/);
    expect(describeReachability({ ...r, autonat: false })).toMatch(/AutoNAT is off/);
  });

  it('a public address a peer dialled back (AutoNAT confirmed): reachable publicly at it', () => {
    const pub = '/ip4/11.0.0.11/udp/7654/quic-v1';
    const r = verdictOf([...LOCAL, entry(pub, 'transport', true, Date.now() + 60_000)], true);
    expect(r.status).toBe('public');
    expect(r.confirmed).toEqual([pub]);
    expect(describeReachability(r)).toBe(`reachable publicly at ${pub}`);
  });

  it('peers see it at a public address that is not its own, unconfirmed: behind NAT', () => {
    const seen = '/ip4/11.0.0.12/udp/40123/quic-v1';
    const r = verdictOf([...LOCAL, entry(seen, 'observed', false)], true);
    expect(r).toMatchObject({ status: 'nat', confirmed: [], observed: [seen] });
    expect(describeReachability(r)).toMatch(/^behind NAT \(peers see it at \/ip4\/11\.0\.0\.12/);
  });

  it("AutoNAT's dial-backs to its own public address failed (unverified, judged): behind NAT or a firewall", () => {
    const own = '/ip4/11.0.0.13/udp/7654/quic-v1';
    expect(verdictOf([...LOCAL, entry(own, 'transport', false, Date.now() + 60_000)], true).status).toBe('nat');
    // Not judged yet (expires 0): unknown, not NAT.
    expect(verdictOf([...LOCAL, entry(own, 'transport', false, 0)], true).status).toBe('unknown');
  });

  it('an observed address that is its own, a relay circuit, an announced address: none is evidence', () => {
    const own = '/ip4/11.0.0.14/udp/7654/quic-v1';
    const r = verdictOf(
      [
        ...LOCAL,
        entry(own, 'transport', false, 0),
        entry('/ip4/11.0.0.14/udp/7654/quic-v1', 'observed', false),
        entry('/ip4/11.0.0.1/udp/7655/quic-v1/p2p/12D3KooWRelay/p2p-circuit', 'transport', true),
        entry('/ip4/11.0.0.15/tcp/7654', 'announce', true),
      ],
      true,
    );
    expect(r.status).toBe('unknown');
  });

  it("a peer's verdict from the wire: an unknown status reads as unknown", () => {
    expect(reachabilityOf({ status: 'teleport', confirmed: [], observed: [], autonat: true }).status).toBe('unknown');
    expect(reachabilityOf({ status: 'nat', confirmed: [], observed: ['x'], autonat: true }).status).toBe('nat');
  });
});
