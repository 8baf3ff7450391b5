/**
 * Which way a connection goes, for `warp probe`, the Peers and Routing pages and the swarm's edge cost:
 *  - `relayed`: through a circuit relay (the remote address has /p2p-circuit; `relay` is the relay's peer id);
 *  - `lan`: directly to a private, link-local or loopback address (the same network or machine);
 *  - `direct`: directly to any other (public) address.
 * Decided from the connection's remote address alone: a relayed connection that DCUtR upgraded is a new, direct
 * connection and shows as such.
 */
import type { Connection } from '@libp2p/interface';

export type PathKind = 'direct' | 'relayed' | 'lan';

export interface PeerPath {
  kind: PathKind;
  /** The relay's peer id (relayed only). */
  relay?: string;
  /** The remote address the connection uses. */
  remote: string;
}

export function pathOfAddress(remote: string): PeerPath {
  const parts = remote.split('/');
  const circuit = parts.indexOf('p2p-circuit');
  if (circuit >= 0) {
    const relay = parts[circuit - 2] === 'p2p' ? parts[circuit - 1] : undefined;
    return { kind: 'relayed', relay, remote };
  }
  const host = parts[2] ?? '';
  return { kind: isLocalHost(host) ? 'lan' : 'direct', remote };
}

export function pathOf(conn: Pick<Connection, 'remoteAddr'>): PeerPath {
  return pathOfAddress(conn.remoteAddr.toString());
}

/** Private (RFC 1918, RFC 6598 shared, ULA), link-local and loopback addresses. */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h.startsWith('fe80:') || /^f[cd][0-9a-f]{2}:/.test(h)) return true;
  const m = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(h);
  if (!m) return false;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return (
    a === 10 ||
    a === 127 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

/** One line for people: "direct", "LAN", "relayed via 12D3…abcd". */
export function describePath(p: PeerPath): string {
  if (p.kind === 'relayed') return `relayed via ${p.relay ?? 'a relay'}`;
  return p.kind === 'lan' ? 'LAN' : 'direct';
}
