/**
 * The libp2p node: QUIC (quinn + rustls, Ed25519 peer ids pinned in the TLS handshake) first, TCP + TLS 1.3 +
 * yamux as the fallback, optional mDNS. Every inbound stream passes the trust gate before a byte of it is
 * read: an unknown peer gets one `error` frame (E_PEER_NOT_PAIRED) and its connection is closed. Outbound,
 * a dial without an expected peer id only proceeds when the answering peer is already trusted.
 */
import { quic } from '@chainsafe/libp2p-quic';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import { mdns } from '@libp2p/mdns';
import { tcp } from '@libp2p/tcp';
import { tls } from '@libp2p/tls';
import { createLibp2p } from 'libp2p';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { toMultiaddr, type PeerAddress, type TransportName } from './address.ts';
import { acceptedChannel, openedChannel, type Accepted, type Opened } from './channel.ts';
import { errorFrame } from './frames.ts';
import { PeerBudget } from './budget.ts';
import { ConnectionGate } from './gate.ts';
import type { Identity } from './identity.ts';
import { tuneQuicReads } from './quic-tuning.ts';
import { RelayLink, type RelayPolicy } from './relay-client.ts';
import { notePath, pathOf, type PeerPath } from './path.ts';
import { natServices } from './nat-services.ts';
import type { ErrorHeader, ProtocolId } from './wire.ts';

export { PROTOCOLS } from './wire.ts';
export { natServices } from './nat-services.ts';

export type TransportChoice = TransportName | 'auto';

export interface NodeOptions {
  identity: Identity;
  /** Listen on host:port (UDP for QUIC and TCP, the same port number). Omit for a dial-only node. */
  listen?: { host: string; port: number };
  transports?: TransportName[];
  mdns?: boolean;
  /** Who may open streams to this node; asked per stream. */
  isTrusted: (peerId: string) => boolean;
  /** Circuit relays to reserve a slot on (multiaddrs with /p2p/<relay-id>; listening nodes), see relay-client.ts. */
  relays?: string[];
  /** What to tell the relays (default: the peers `isTrusted` knows of is not enumerable, so none). */
  relayPolicy?: () => RelayPolicy;
  /** Relayed connections from peers that are not trusted are refused unless this says yes (a pairing window). */
  acceptUnpairedRelayed?: () => boolean;
  onLog?: (msg: string) => void;
  /** NAT traversal ([net] upnp, autonat, hole_punch); each absent: off. UPnP and AutoNAT only on listening nodes. */
  nat?: { upnp?: boolean; autonat?: boolean; holePunch?: boolean };
}

export interface DialResult {
  conn: Connection;
  transport: TransportName;
  handshakeMs: number;
  /** Direct, LAN or relayed (through which relay). */
  path: PeerPath;
}

export type ChannelHandler<P extends ProtocolId> = (ch: Accepted<P>, conn: Connection) => Promise<void> | void;

/**
 * Streams one connection may open per protocol (a fetch or a push uses one control stream and at most 64 chunk
 * lanes); a peer cannot open thousands of streams, each with its own buffers.
 */
const INBOUND_STREAMS: Record<ProtocolId, number> = {
  '/warp/ctl/1.0.0': 16,
  '/warp/chunks/1.0.0': 128,
  '/warp/stream/1.0.0': 8,
  '/warp/pair/1.0.0': 2,
  '/warp/relay/1.0.0': 2,
};
const MAX_STREAMS = 1024;

/**
 * QUIC settings (the package defaults are 10 MB per stream / 15 MB per connection of flow-control credit and
 * 500 kB UDP socket buffers). Larger windows keep 8 parallel streams of MiB-sized chunks moving; a shorter
 * idle timeout notices a dead peer sooner. Measured in bench/transfer.ts (BENCHMARKS.md).
 */
export const QUIC_TUNING = {
  maxIdleTimeout: 8_000,
  keepAliveInterval: 2_000,
  maxStreamData: 32 * 1024 * 1024,
  maxConnectionData: 96 * 1024 * 1024,
  receiveBufferSize: 4 * 1024 * 1024,
  sendBufferSize: 4 * 1024 * 1024,
};

export class WarpNode {
  readonly libp2p: Libp2p;
  readonly peerId: string;
  private readonly isTrusted: (peerId: string) => boolean;
  /** Refusals of unpaired peers' streams, for the listener's log. */
  onRefused?: (peerId: string, protocol: string) => void;
  /** Who may hold a connection (listening nodes only): its refusals and counts. */
  readonly gate?: ConnectionGate;
  /** What peers may make this node hold in memory (listening nodes only). */
  readonly budget?: PeerBudget;
  /** Its slots on circuit relays (listening nodes given relays). */
  relayLink?: RelayLink;

  private constructor(libp2p: Libp2p, peerId: string, isTrusted: (p: string) => boolean, gate?: ConnectionGate) {
    this.libp2p = libp2p;
    this.peerId = peerId;
    this.isTrusted = isTrusted;
    this.gate = gate;
    gate?.attach(libp2p);
    if (gate) this.budget = new PeerBudget();
  }

  static async create(o: NodeOptions): Promise<WarpNode> {
    if (process.env.WARP_QUIC_READ_BYTES !== '0') tuneQuicReads(Number(process.env.WARP_QUIC_READ_BYTES) || undefined);
    const transports = o.transports ?? ['quic', 'tcp'];
    const listen: string[] = [];
    if (o.listen) {
      const proto = o.listen.host.includes(':') ? 'ip6' : 'ip4';
      if (transports.includes('quic')) listen.push(`/${proto}/${o.listen.host}/udp/${o.listen.port}/quic-v1`);
      if (transports.includes('tcp')) listen.push(`/${proto}/${o.listen.host}/tcp/${o.listen.port}`);
    }
    const gate = o.listen ? new ConnectionGate(o.isTrusted) : undefined;
    const gater = gate?.gater();
    // A relay that is not Warp's own would connect anyone: the node refuses unpaired relayed peers itself.
    if (gater)
      gater.denyInboundRelayedConnection = (_relay, peer) =>
        !o.isTrusted(peer.toString()) && !o.acceptUnpairedRelayed?.();
    let node: Libp2p;
    try {
      node = await createLibp2p({
        privateKey: o.identity.privateKey,
        addresses: { listen },
        // A TCP socket silent for 2 minutes is gone (yamux pings every 30 s on a live one); QUIC has its idle timeout.
        transports: [
          quic(QUIC_TUNING),
          tcp({ inboundSocketInactivityTimeout: 120_000, outboundSocketInactivityTimeout: 0 }),
          // Dials /p2p-circuit addresses, and listens through the relays a listener reserves on (relay-client.ts).
          circuitRelayTransport({ reservationCompletionTimeout: 10_000 }),
        ],
        connectionEncrypters: [tls()],
        streamMuxers: [
          yamux({
            maxInboundStreams: MAX_STREAMS,
            maxOutboundStreams: MAX_STREAMS,
            streamOptions: { maxStreamWindowSize: 16 * 1024 * 1024 },
          }),
        ],
        peerDiscovery: o.mdns ? [mdns()] : [],
        // The gate caps handshakes per address and unpaired connections; libp2p's own per-host rate limit would
        // refuse a paired peer behind the same address as a flood, so it is set above the gate's caps.
        connectionGater: gater,
        // identify: the relay transport learns from it that a relay speaks the hop protocol.
        services: natServices(o),
        // libp2p pings every connection every 10 s and by default aborts one whose ping takes over 5 s. Through a
        // rate-capped relay a ping waits behind the chunks already in flight (8 MiB at 500 KB/s: 16 s), so a live,
        // busy relayed connection was aborted mid-transfer (issue 14). A dead connection is still found: QUIC's idle
        // timeout, the TCP inactivity timeout, the relay closing the circuit; the pings still measure the RTT.
        connectionMonitor: { abortConnectionOnPingFailure: false },
        connectionManager: {
          maxConnections: 256,
          maxIncomingPendingConnections: 256,
          inboundConnectionThreshold: 10_000,
          inboundUpgradeTimeout: 5_000,
        },
      });
    } catch (e) {
      const msg = (e as Error).message;
      if (/EADDRINUSE|address already in use/i.test(msg)) {
        throw new WarpError(
          ErrorCodes.USAGE,
          `port ${o.listen?.port} is already in use on ${o.listen?.host}; choose another with --port (0 picks a free one)`,
          { cause: e },
        );
      }
      throw new WarpError(ErrorCodes.PEER_UNREACHABLE, `could not start the network node: ${msg}`, { cause: e });
    }
    // The first listen can report a bound port only after start; the TCP listener reuses QUIC's port number
    // when the caller asked for 0, so one number describes the listener.
    const warp = new WarpNode(node, o.identity.peerId, o.isTrusted, gate);
    // The Peers page shows how each trusted peer's newest connection goes (direct, LAN, relayed) and its RTT.
    node.addEventListener('connection:open', (ev) => {
      const peer = ev.detail.remotePeer.toString();
      if (o.isTrusted(peer)) notePath(peer, ev.detail);
    });
    if (o.relays?.length) {
      warp.relayLink = new RelayLink(node, o.relays, o.relayPolicy ?? (() => ({ peers: [] })), o.onLog ?? (() => {}));
      await warp.relayLink.start();
    }
    return warp;
  }

  /** Listening addresses, each with /p2p/<id>. */
  addresses(): string[] {
    return this.libp2p.getMultiaddrs().map((m) => m.toString());
  }

  /** The port of the first listening address (QUIC's when both run). */
  port(): number {
    for (const a of this.libp2p.getMultiaddrs()) {
      for (const c of a.getComponents()) if (c.name === 'udp' || c.name === 'tcp') return Number(c.value);
    }
    return 0;
  }

  async handle<P extends ProtocolId>(
    protocol: P,
    handler: ChannelHandler<P>,
    opts: { trusted?: (peerId: string) => boolean } = {},
  ): Promise<void> {
    const gate = opts.trusted ?? this.isTrusted;
    await this.libp2p.handle(
      protocol,
      async (stream: Stream, conn: Connection) => {
        const peer = conn.remotePeer.toString();
        if (!gate(peer)) {
          this.onRefused?.(peer, protocol);
          await refuse(acceptedChannel(stream, peer, protocol), conn, peer, this.peerId);
          return;
        }
        const ch = acceptedChannel(stream, peer, protocol, { budget: this.budget });
        try {
          await handler(ch, conn);
        } catch (e) {
          await ch.writeError(e);
        }
      },
      // runOnLimitedConnection: a relay with data or time caps marks its circuits limited; transfers run over them
      // anyway (the relay resets a circuit at its cap; resume picks up on the next one).
      { maxInboundStreams: INBOUND_STREAMS[protocol], maxOutboundStreams: MAX_STREAMS, runOnLimitedConnection: true },
    );
  }

  /**
   * Connects to a peer. `transport` 'auto' tries QUIC and falls back to TCP. Without an expected peer id in
   * the address, the answering peer must already be trusted (paired); with one, libp2p checks it in the
   * TLS handshake and it is trusted for this call.
   */
  async dial(
    addr: PeerAddress,
    opts: { transport?: TransportChoice; timeoutMs?: number; allowUntrusted?: boolean; directTimeoutMs?: number } = {},
  ): Promise<DialResult> {
    if (addr.circuit) return this.dialRelayed(addr, opts);
    const want = addr.transport ?? opts.transport ?? 'auto';
    const order: TransportName[] = want === 'auto' ? ['quic', 'tcp'] : [want];
    const errors: string[] = [];
    for (const t of order) {
      const t0 = performance.now();
      try {
        const conn = await this.libp2p.dial(toMultiaddr(addr, t), {
          signal: AbortSignal.timeout(
            opts.directTimeoutMs ?? opts.timeoutMs ?? (want === 'auto' && t === 'quic' ? 4000 : 10_000),
          ),
        });
        const handshakeMs = performance.now() - t0;
        const remote = conn.remotePeer.toString();
        if (addr.peerId && remote !== addr.peerId) {
          await conn.close().catch(() => {});
          throw new WarpError(
            ErrorCodes.PEER_ID_MISMATCH,
            `the peer at ${addr.host}:${addr.port} is ${remote}, not the expected ${addr.peerId}`,
          );
        }
        if (!addr.peerId && !opts.allowUntrusted && !this.isTrusted(remote)) {
          await conn.close().catch(() => {});
          throw new WarpError(
            ErrorCodes.PEER_NOT_PAIRED,
            `the peer at ${addr.host}:${addr.port} is ${remote}, which is not paired with this installation; run 'warp pair' there and 'warp pair <code> ${addr.host}:${addr.port}' here, or give the id explicitly: ${remote}@${addr.host}:${addr.port}`,
            { details: { peerId: remote } },
          );
        }
        return { conn, transport: t, handshakeMs, path: pathOf(conn) };
      } catch (e) {
        if (e instanceof WarpError) throw e;
        const err = e as Error;
        if (
          err.name === 'UnexpectedPeerError' ||
          /unexpected peer|peer id did not match|InvalidCryptoExchange/i.test(`${err.name} ${err.message}`)
        ) {
          throw new WarpError(
            ErrorCodes.PEER_ID_MISMATCH,
            `the peer at ${addr.host}:${addr.port} is not ${addr.peerId} (its TLS identity differs)`,
            { cause: e },
          );
        }
        errors.push(`${t}: ${describe(err)}`);
      }
    }
    throw new WarpError(
      ErrorCodes.PEER_UNREACHABLE,
      `could not reach ${addr.host}:${addr.port} (${errors.join('; ')}); check that 'warp listen' runs there and that the port is open`,
      { details: { address: addr.text } },
    );
  }

  /** Dials a /p2p-circuit address: the relay connects this node to the peer, if it lets it (relay-server.ts). */
  private async dialRelayed(addr: PeerAddress, opts: { timeoutMs?: number }): Promise<DialResult> {
    const circuit = addr.circuit!;
    const t0 = performance.now();
    try {
      const conn = await this.libp2p.dial(toMultiaddr(addr, 'quic'), {
        signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
      });
      const transport: TransportName = /\/tcp\//.test(circuit.multiaddr.split('/p2p-circuit')[0]) ? 'tcp' : 'quic';
      return { conn, transport, handshakeMs: performance.now() - t0, path: pathOf(conn) };
    } catch (e) {
      const m = describe(e as Error);
      if (/PERMISSION_DENIED/.test(m))
        throw new WarpError(
          ErrorCodes.RELAY_REFUSED,
          `the relay ${circuit.relay} refused to connect this node to ${addr.peerId}: a Warp relay carries connections only between peers paired with each other (pair first; if you did, the peer's listener may not have told the relay yet)`,
          { details: { address: addr.text, relay: circuit.relay } },
        );
      if (/NO_RESERVATION/.test(m))
        throw new WarpError(
          ErrorCodes.PEER_UNREACHABLE,
          `${addr.peerId} holds no slot on the relay ${circuit.relay}: its 'warp listen --relay' is not running or lost the relay`,
          { details: { address: addr.text, relay: circuit.relay } },
        );
      if (/RESOURCE_LIMIT_EXCEEDED|RESERVATION_REFUSED/.test(m))
        throw new WarpError(ErrorCodes.RELAY_REFUSED, `the relay ${circuit.relay} is over its limits: ${m}`, {
          details: { address: addr.text, relay: circuit.relay },
        });
      throw new WarpError(
        ErrorCodes.PEER_UNREACHABLE,
        `could not reach ${addr.peerId} through the relay at ${addr.host}:${addr.port} (${m})`,
        { cause: e, details: { address: addr.text, relay: circuit.relay } },
      );
    }
  }

  async open<P extends ProtocolId>(conn: Connection, protocol: P): Promise<Opened<P>> {
    const peer = conn.remotePeer.toString();
    let stream: Stream;
    try {
      stream = await conn.newStream(protocol, {
        maxOutboundStreams: MAX_STREAMS,
        runOnLimitedConnection: true,
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      const err = e as Error;
      if (err.name === 'UnsupportedProtocolError')
        throw new WarpError(ErrorCodes.PROTOCOL, `${peer} does not speak ${protocol} (an incompatible Warp version?)`, {
          cause: e,
        });
      throw new WarpError(ErrorCodes.PEER_UNREACHABLE, `could not open a stream to ${peer}: ${describe(err)}`, {
        cause: e,
      });
    }
    return openedChannel(stream, peer, protocol);
  }

  async stop(): Promise<void> {
    this.relayLink?.stop();
    this.gate?.stop();
    try {
      await this.libp2p.stop();
    } catch {
      /* stopping anyway */
    }
  }
}

function describe(e: Error): string {
  const inner = (e as { errors?: Error[] }).errors?.map((x) => x.message).join(', ');
  return inner ? `${e.message}: ${inner}` : e.message;
}

/** Refuses an untrusted peer: one error frame, nothing read, then the connection closes. */
async function refuse(
  ch: { write(h: ErrorHeader): Promise<void>; close(): Promise<void> },
  conn: Connection,
  peer: string,
  self: string,
): Promise<void> {
  const e = new WarpError(
    ErrorCodes.PEER_NOT_PAIRED,
    `${self} refused the connection: this peer (${peer}) is not paired with it; pair first ('warp pair'), or start the listener with --allow ${peer}`,
  );
  try {
    await ch.write(errorFrame(e));
    await ch.close();
  } catch {
    /* gone already */
  }
  setTimeout(() => {
    conn.close().catch(() => {});
  }, 200).unref();
}
