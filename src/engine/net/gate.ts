/**
 * Who may hold a connection to a listening node, decided per connection (libp2p's connection gater), not per
 * stream: an unpaired peer that opens connections and never a stream must not use up what paired peers need.
 *
 *  - Handshakes in progress are capped per remote address (a slow-handshake flood from one address does not
 *    starve others; libp2p's global pending cap is set above it). A QUIC connection arrives with its handshake
 *    done and its peer id known: a paired peer's skips that cap.
 *  - After the TLS handshake the peer id is known: a trusted (paired) peer is admitted up to `perPeer`
 *    connections. An unpaired one is admitted only into a small quota (`unpaired` in all, `unpairedPerAddress`
 *    from one address), where it can pair (if the node accepts pairing) or be told clearly on its first
 *    stream that it is not paired; it is closed after `unpairedLifetimeMs` whatever it does. Beyond the quota
 *    the handshake is refused.
 *  - A connection with no open stream for `idleMs` is closed (QUIC keep-alives and yamux pings would otherwise
 *    hold it forever).
 *
 * One concept, private state, every map bounded by the connections libp2p holds.
 */
import type { Connection, ConnectionGater, Libp2p, MultiaddrConnection, PeerId } from '@libp2p/interface';

export interface GateLimits {
  pendingPerAddress: number;
  perPeer: number;
  unpaired: number;
  unpairedPerAddress: number;
  unpairedLifetimeMs: number;
  idleMs: number;
}

export const GATE_LIMITS: GateLimits = {
  pendingPerAddress: 64,
  perPeer: 16,
  unpaired: 8,
  unpairedPerAddress: 4,
  unpairedLifetimeMs: 20_000,
  idleMs: 60_000,
};

/** What the gate refused, for the listener's log and the tests' figures. */
export interface GateCounts {
  pendingRefused: number;
  unpairedRefused: number;
  perPeerRefused: number;
  unpairedAdmitted: number;
  idleClosed: number;
  unpairedExpired: number;
}

const SWEEP_MS = 2_000;

function hostOf(ma: { toString(): string }): string {
  const parts = ma.toString().split('/');
  return parts[2] ?? '?';
}

export class ConnectionGate {
  private readonly isTrusted: (peerId: string) => boolean;
  private readonly limits: GateLimits;
  private node?: Libp2p;
  private readonly pending = new Map<string, number>();
  private readonly counted = new WeakSet<MultiaddrConnection>();
  /** Unpaired connections admitted and still open, by remote address. */
  private readonly unpairedByHost = new Map<string, number>();
  private unpairedOpen = 0;
  private readonly idleSince = new WeakMap<Connection, number>();
  private sweeper?: NodeJS.Timeout;
  readonly counts: GateCounts = {
    pendingRefused: 0,
    unpairedRefused: 0,
    perPeerRefused: 0,
    unpairedAdmitted: 0,
    idleClosed: 0,
    unpairedExpired: 0,
  };
  /** Told of refused connections, at most once a second (a flood is summed up, not logged line by line). */
  onRefused?: (who: string, why: string) => void;
  private lastReport = 0;
  private unreported = 0;

  constructor(isTrusted: (peerId: string) => boolean, limits: Partial<GateLimits> = {}) {
    this.isTrusted = isTrusted;
    this.limits = { ...GATE_LIMITS, ...limits };
  }

  /** The libp2p connection gater (inbound checks only; dials are this node's own). */
  gater(): ConnectionGater {
    return {
      denyInboundConnection: (maConn) => this.denyPending(maConn),
      denyInboundEncryptedConnection: (peer, maConn) => this.denyPeer(peer, maConn),
    };
  }

  /** Starts tracking the node's connections (after libp2p is created). */
  attach(node: Libp2p): void {
    this.node = node;
    node.addEventListener('connection:open', (ev) => this.opened(ev.detail));
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  private denyPending(maConn: MultiaddrConnection): boolean {
    const host = hostOf(maConn.remoteAddr);
    // QUIC has finished its TLS handshake before libp2p sees the connection: a paired peer is known already and
    // is never held back by a flood of handshakes from its address.
    const p2p = maConn.remoteAddr.getComponents().find((c) => c.name === 'p2p')?.value;
    if (p2p !== undefined && this.isTrusted(p2p)) return false;
    const n = this.pending.get(host) ?? 0;
    if (n >= this.limits.pendingPerAddress) {
      this.counts.pendingRefused++;
      this.report(host, `more than ${this.limits.pendingPerAddress} handshakes at once from one address`);
      return true;
    }
    this.pending.set(host, n + 1);
    this.counted.add(maConn);
    maConn.addEventListener('close', () => this.settle(maConn, host), { once: true });
    return false;
  }

  /** The handshake of `maConn` is over (admitted, refused or failed). */
  private settle(maConn: MultiaddrConnection, host: string): void {
    if (!this.counted.delete(maConn)) return;
    const n = (this.pending.get(host) ?? 1) - 1;
    if (n <= 0) this.pending.delete(host);
    else this.pending.set(host, n);
  }

  private denyPeer(peerId: PeerId, maConn: MultiaddrConnection): boolean {
    const host = hostOf(maConn.remoteAddr);
    this.settle(maConn, host);
    const peer = peerId.toString();
    if (this.isTrusted(peer)) {
      const held = this.node?.getConnections(peerId).length ?? 0;
      if (held < this.limits.perPeer) return false;
      this.counts.perPeerRefused++;
      this.report(`${peer} at ${host}`, `more than ${this.limits.perPeer} connections from one peer`);
      return true;
    }
    const fromHost = this.unpairedByHost.get(host) ?? 0;
    if (this.unpairedOpen >= this.limits.unpaired || fromHost >= this.limits.unpairedPerAddress) {
      this.counts.unpairedRefused++;
      this.report(`${peer} at ${host}`, 'not paired (and the few connections unpaired peers may hold are in use)');
      return true;
    }
    this.unpairedOpen++;
    this.unpairedByHost.set(host, fromHost + 1);
    this.counts.unpairedAdmitted++;
    // Counted until this connection closes, whichever way it closes.
    maConn.addEventListener(
      'close',
      () => {
        this.unpairedOpen--;
        const n = (this.unpairedByHost.get(host) ?? 1) - 1;
        if (n <= 0) this.unpairedByHost.delete(host);
        else this.unpairedByHost.set(host, n);
      },
      { once: true },
    );
    return false;
  }

  private report(who: string, why: string): void {
    const now = Date.now();
    if (now - this.lastReport < 1000) {
      this.unreported++;
      return;
    }
    const more = this.unreported > 0 ? ` (and ${this.unreported} more connections refused since the last report)` : '';
    this.lastReport = now;
    this.unreported = 0;
    this.onRefused?.(who, why + more);
  }

  private opened(conn: Connection): void {
    if (conn.direction !== 'inbound' || this.isTrusted(conn.remotePeer.toString())) return;
    // An unpaired peer's connection (pairing, or to be told it is not paired) has a short life.
    setTimeout(() => {
      if (conn.status !== 'open' || this.isTrusted(conn.remotePeer.toString())) return;
      this.counts.unpairedExpired++;
      conn.close().catch(() => conn.abort(new Error('expired')));
    }, this.limits.unpairedLifetimeMs).unref();
  }

  /** Closes connections that have had no stream for `idleMs`. */
  private sweep(): void {
    const now = Date.now();
    for (const conn of this.node?.getConnections() ?? []) {
      if (conn.streams.length > 0) {
        this.idleSince.delete(conn);
        continue;
      }
      const since = this.idleSince.get(conn);
      if (since === undefined) {
        this.idleSince.set(conn, now);
        continue;
      }
      if (now - since >= this.limits.idleMs) {
        this.counts.idleClosed++;
        this.idleSince.delete(conn);
        conn.close().catch(() => conn.abort(new Error('idle')));
      }
    }
  }
}
