/**
 * Peer addresses as users type them: `host:port`, `<peer-id>@host:port`, or a multiaddr
 * (`/ip4/1.2.3.4/udp/7654/quic-v1/p2p/<id>`). A remote path follows after `:` (`host:port:/data`).
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { assertPeerId } from './trust.ts';

export type TransportName = 'quic' | 'tcp';

export interface PeerAddress {
  host: string;
  port: number;
  /** The peer id the address names, if any: checked in the handshake and trusted for this call. */
  peerId?: string;
  /** A transport the address names (a multiaddr with udp/quic-v1 or tcp). */
  transport?: TransportName;
  /**
   * A relayed address (`<relay multiaddr>/p2p/<relay-id>/p2p-circuit/p2p/<peer-id>`): dialled as written through
   * that circuit-relay-v2 server; `host`/`port` are the relay's then, `relay` its peer id.
   */
  circuit?: { multiaddr: string; relay: string };
  text: string;
}

const usage = (text: string, why: string): WarpError =>
  new WarpError(
    ErrorCodes.USAGE,
    `invalid peer address '${text}': ${why}; use host:port, <peer-id>@host:port or a multiaddr such as /ip4/127.0.0.1/udp/7654/quic-v1/p2p/<peer-id>`,
  );

export function parsePeerAddress(text: string, defaultPort = 7654): PeerAddress {
  const t = text.trim();
  if (t.startsWith('/')) {
    let ma: Multiaddr;
    try {
      ma = multiaddr(t);
    } catch (e) {
      throw usage(text, (e as Error).message);
    }
    return fromMultiaddr(ma, text);
  }
  let rest = t;
  let peerId: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    peerId = assertPeerId(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  let host = rest;
  let port = defaultPort;
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest) ?? /^([^:]+)(?::(\d+))?$/.exec(rest);
  if (!m) throw usage(text, 'expected host:port');
  host = m[1];
  if (m[2] !== undefined) port = Number(m[2]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) throw usage(text, 'the port must be 1-65535');
  return { host, port, peerId, text: t };
}

function fromMultiaddr(ma: Multiaddr, text: string): PeerAddress {
  let host = '';
  let port = -1;
  let transport: TransportName | undefined;
  let peerId: string | undefined;
  let relay: string | undefined;
  for (const c of ma.getComponents()) {
    if (c.name === 'ip4' || c.name === 'ip6' || c.name === 'dns' || c.name === 'dns4' || c.name === 'dns6')
      host = c.value ?? '';
    else if (c.name === 'udp' || c.name === 'tcp') {
      port = Number(c.value);
      if (c.name === 'tcp') transport = 'tcp';
    } else if (c.name === 'quic-v1') transport = 'quic';
    else if (c.name === 'p2p') peerId = c.value;
    else if (c.name === 'p2p-circuit') {
      if (relay !== undefined || peerId === undefined)
        throw usage(text, 'a /p2p-circuit address names one relay, with its /p2p/<relay-id> before /p2p-circuit');
      relay = assertPeerId(peerId, 'relay peer id');
      peerId = undefined;
    }
  }
  if (!host || !(port >= 0 && port <= 65535)) throw usage(text, 'the multiaddr needs an address and a port');
  if (relay !== undefined) {
    if (peerId === undefined) throw usage(text, 'a relayed address ends with /p2p-circuit/p2p/<peer-id>');
    const id = assertPeerId(peerId);
    return { host, port, peerId: id, transport, circuit: { multiaddr: ma.toString(), relay }, text: text.trim() };
  }
  return { host, port, peerId: peerId ? assertPeerId(peerId) : undefined, transport, text: text.trim() };
}

/** Whether a multiaddr text is a relayed (`/p2p-circuit`) address. */
export function isCircuitAddress(text: string): boolean {
  return text.includes('/p2p-circuit');
}

/** Splits `<address>:/remote/path` (the remote path starts at the first ':/'); no path gives undefined. */
export function splitRemotePath(text: string): { address: string; remotePath?: string } {
  if (text.startsWith('/')) {
    const i = text.indexOf(':/');
    return i < 0 ? { address: text } : { address: text.slice(0, i), remotePath: text.slice(i + 1) };
  }
  const i = text.indexOf(':/');
  if (i < 0) return { address: text };
  return { address: text.slice(0, i), remotePath: text.slice(i + 1) };
}

/** True when the text looks like a peer address rather than a local path (for `send`/`fetch` routing). */
export function looksLikePeerAddress(text: string): boolean {
  const { address } = splitRemotePath(text);
  if (/^\/(ip4|ip6|dns|dns4|dns6)\//.test(address)) return true;
  if (/^[1-9A-HJ-NP-Za-km-z]{40,60}@/.test(address)) return true;
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(address);
}

export function toMultiaddr(a: PeerAddress, transport: TransportName): Multiaddr {
  if (a.circuit) return multiaddr(a.circuit.multiaddr);
  const proto = a.host.includes(':') ? 'ip6' : /^\d+\.\d+\.\d+\.\d+$/.test(a.host) ? 'ip4' : 'dns';
  const base = transport === 'quic' ? `/${proto}/${a.host}/udp/${a.port}/quic-v1` : `/${proto}/${a.host}/tcp/${a.port}`;
  return multiaddr(a.peerId ? `${base}/p2p/${a.peerId}` : base);
}
