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

/** What this process last saw of a peer's connection, for the Peers page. */
export interface PathSeen extends PeerPath {
  /** Round-trip time libp2p's connection monitor measured, milliseconds (absent until it has). */
  rttMs?: number;
  /** When the connection was made (ISO time) and whether it is still open. */
  at: string;
  open: boolean;
}

const MAX_SEEN = 1024;
const seen = new Map<string, { path: PeerPath; at: string; conn: Pick<Connection, 'status' | 'rtt'>; rtt?: number }>();

/** Remembers the newest connection to each peer (bounded: the oldest entry goes beyond 1024 peers). */
export function notePath(peer: string, conn: Pick<Connection, 'remoteAddr' | 'status' | 'rtt'>): void {
  seen.delete(peer);
  seen.set(peer, { path: pathOf(conn), at: new Date().toISOString(), conn });
  if (seen.size > MAX_SEEN) seen.delete(seen.keys().next().value!);
}

/** The path of the peer's newest connection in this process, with its RTT while it is open. */
export function lastPath(peer: string): PathSeen | undefined {
  const s = seen.get(peer);
  if (!s) return undefined;
  const open = s.conn.status === 'open';
  if (open && s.conn.rtt !== undefined) s.rtt = s.conn.rtt;
  return { ...s.path, at: s.at, open, ...(s.rtt !== undefined ? { rttMs: Math.round(s.rtt * 10) / 10 } : {}) };
}
