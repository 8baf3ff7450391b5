/** The pure parts of the relay work: address parsing, path classification, relay address checks. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/cli/commands/relay.ts';
import { announced } from '../../src/engine/net/relay-server.ts';
import { startRelay } from './relay-peers.ts';
import { parsePeerAddress } from '../../src/engine/net/address.ts';
import { describePath, isLocalHost, pathOfAddress } from '../../src/engine/net/path.ts';
import { parseRelayAddress, withRelays } from '../../src/engine/net/relay-client.ts';
import { RELAYED_EXTRA_MS, SwarmEdge } from '../../src/engine/swarm/edge.ts';
import type { PeerLink } from '../../src/engine/transfer/client.ts';

const RELAY = '12D3KooWM21GLrCdf1zgnfifYrumBZX9A5rVKHKVRZhZrWtsKt3w';
const PEER = '12D3KooWJuan2Sp7PUcJi2PKjjKSjWz3SjASDUiFMeuiQtoTzTJw';
const CIRCUIT = `/ip4/198.51.100.1/udp/7655/quic-v1/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`;

describe('relayed addresses and paths', () => {
  it('a /p2p-circuit multiaddr is a peer address naming the peer and its relay', () => {
    const a = parsePeerAddress(CIRCUIT);
    expect(a.peerId).toBe(PEER);
    expect(a.circuit).toEqual({ multiaddr: CIRCUIT, relay: RELAY });
    expect(a.host).toBe('198.51.100.1');
  });

  it('a circuit without the relay id, or without the peer id, is a usage error', () => {
    expect(() => parsePeerAddress(`/ip4/1.2.3.4/udp/7655/quic-v1/p2p-circuit/p2p/${PEER}`)).toThrow(/E_USAGE|relay/);
    expect(() => parsePeerAddress(`/ip4/1.2.3.4/udp/7655/quic-v1/p2p/${RELAY}/p2p-circuit`)).toThrow(
      /p2p-circuit\/p2p/,
    );
  });

  it('relay addresses must name the relay id; a trailing /p2p-circuit is accepted', () => {
    expect(parseRelayAddress(`/ip4/1.2.3.4/tcp/7655/p2p/${RELAY}/p2p-circuit`).relayId).toBe(RELAY);
    expect(() => parseRelayAddress('/ip4/1.2.3.4/tcp/7655')).toThrow(/ending in \/p2p\/<relay-id>/);
    expect(() => parseRelayAddress('not a multiaddr')).toThrow(/invalid relay address/);
  });

  it('configured relays are tried after the known addresses, once each', () => {
    const first = { text: `${PEER}@10.0.0.2:7654`, address: parsePeerAddress(`${PEER}@10.0.0.2:7654`) };
    const relay = `/ip4/198.51.100.1/udp/7655/quic-v1/p2p/${RELAY}`;
    const t = withRelays([first], [relay, relay, 'garbage']);
    expect(t.map((x) => x.text)).toEqual([first.text, CIRCUIT]);
    expect(withRelays([{ text: '10.0.0.2:7654', address: parsePeerAddress('10.0.0.2:7654') }], [relay])).toHaveLength(
      1,
    );
  });

  it('classifies paths: relayed (with the relay), LAN (private, loopback, link-local, CGNAT), direct', () => {
    expect(pathOfAddress(CIRCUIT)).toMatchObject({ kind: 'relayed', relay: RELAY });
    expect(pathOfAddress('/ip4/192.168.1.4/udp/7654/quic-v1').kind).toBe('lan');
    expect(pathOfAddress('/ip4/127.0.0.1/tcp/7654').kind).toBe('lan');
    expect(pathOfAddress('/ip6/fe80::1/udp/7654/quic-v1').kind).toBe('lan');
    expect(pathOfAddress('/ip4/8.8.8.8/udp/7654/quic-v1').kind).toBe('direct');
    expect(isLocalHost('172.32.0.1')).toBe(false);
    expect(isLocalHost('100.64.3.2')).toBe(true);
    expect(describePath(pathOfAddress(CIRCUIT))).toBe(`relayed via ${RELAY}`);
  });

  it('the swarm cost model sees a relayed edge as further away; the snapshot says which path', () => {
    const direct = new SwarmEdge(0, 'a');
    const relayed = new SwarmEdge(1, 'b');
    direct.link = { path: pathOfAddress('/ip4/10.0.0.2/udp/7654/quic-v1') } as PeerLink;
    relayed.link = { path: pathOfAddress(CIRCUIT) } as PeerLink;
    expect(direct.schedRttS(20)).toBeCloseTo(0.02);
    expect(relayed.schedRttS(20)).toBeCloseTo((20 + RELAYED_EXTRA_MS) / 1000);
    expect(relayed.snapshot(0, 0)).toMatchObject({ path: 'relayed', relay: RELAY });
    expect(direct.snapshot(0, 0).path).toBe('lan');
  });
});

describe('a relay on a public server', () => {
  it('announces the public IPs and names it is given, as QUIC and TCP multiaddrs', () => {
    expect(announced('203.0.113.5', 7655)).toEqual(['/ip4/203.0.113.5/udp/7655/quic-v1', '/ip4/203.0.113.5/tcp/7655']);
    expect(announced('2001:db8::1', 1)).toEqual(['/ip6/2001:db8::1/udp/1/quic-v1', '/ip6/2001:db8::1/tcp/1']);
    expect(announced('relay.example.org', 2)[0]).toBe('/dns/relay.example.org/udp/2/quic-v1');
    expect(() => announced('bad host/x', 1)).toThrow(/neither an IP address nor a host name/);
  });

  it('tells a public address from one only this network can reach', () => {
    expect(isPublicAddress('/ip4/203.0.113.5/udp/1/quic-v1/p2p/x')).toBe(true);
    expect(isPublicAddress('/dns/relay.example.org/tcp/1')).toBe(true);
    for (const a of ['/ip4/127.0.0.1/tcp/1', '/ip4/10.1.2.3/tcp/1', '/ip4/192.168.1.2/tcp/1', '/ip6/::1/tcp/1'])
      expect(isPublicAddress(a)).toBe(false);
  });

  it('`warp relay --announce` prints the announced addresses beside the bound ones', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-relay-announce-'));
    const relay = await startRelay(home, ['--announce', '203.0.113.5', 'relay.example.org']);
    try {
      const first = relay.lines()[0] as { addresses: string[]; port: number };
      expect(first.addresses).toContain(`/ip4/203.0.113.5/udp/${first.port}/quic-v1/p2p/${relay.peerId}`);
      expect(first.addresses).toContain(`/dns/relay.example.org/tcp/${first.port}/p2p/${relay.peerId}`);
      expect(first.addresses.some((a) => a.startsWith('/ip4/127.0.0.1/'))).toBe(true);
    } finally {
      await relay.kill();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
