/**
 * `warp relay`: a libp2p circuit-relay-v2 server (the library's own relay; no protocol of ours carries data)
 * for peers that cannot reach each other directly, with the caps a small VPS needs and one rule libp2p lacks:
 * **it carries a connection only between peers paired with each other.**
 *
 * How the relay learns who is paired: a listener that holds a reservation here tells it, over its own
 * authenticated connection, which peer ids it trusts (`/warp/relay/1.0.0` `allow`, net/relay-client.ts; resent
 * when its paired peers change). When a dialler asks the relay to connect it to that listener, libp2p asks our
 * connection gater (`denyOutboundRelayedConnection(dialler, listener)`), which refuses unless the listener named
 * the dialler. The refusal happens before a stop stream is opened to the listener: not one byte of an unpaired
 * peer reaches it through the relay (the dialler sees E_RELAY_REFUSED). Only the reserving listener can set its
 * own list (the stream arrives on its TLS-authenticated connection), and the list dies with the reservation.
 * While the listener shows a pairing code it may open a pairing window (`pairingSeconds`): then any peer is
 * connected to it, with a small per-circuit byte and time cap, so code-only pairing can run through the relay.
 *
 * Caps: reservations at most `maxReservations`; each relayed connection at most `dataLimit` bytes and
 * `durationMs` (libp2p's reservation limits: the relay resets the circuit beyond them; the transfer resumes
 * over a new one); the bytes of all circuits together at most `rate` per second (relay-meter.ts).
 */
import { isIP } from 'node:net';
import { quic } from '@chainsafe/libp2p-quic';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayServer, RELAY_V2_HOP_CODEC } from '@libp2p/circuit-relay-v2';
import { identify } from '@libp2p/identify';
import type { Libp2p, PeerId, Stream } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { tls } from '@libp2p/tls';
import { createLibp2p } from 'libp2p';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { acceptedChannel } from './channel.ts';
import { QUIC_TUNING } from './node.ts';
import { errorFrame } from './frames.ts';
import type { Identity } from './identity.ts';
import { safeAutoNAT } from './nat-services.ts';
import { holdPausedQuicReads } from './quic-pause.ts';
import { RelayMeter, type MeterCounts } from './relay-meter.ts';
import { PROTOCOLS } from './wire.ts';

export interface RelayCaps {
  /** Listeners holding a reservation at once. */
  maxReservations: number;
  /** How long a reservation lasts before the listener must refresh it (libp2p refreshes it by itself). */
  reservationTtlMs: number;
  /** Bytes one relayed connection may carry (both directions together); 0: no cap. */
  dataLimit: number;
  /** How long one relayed connection may stay open; 0: no cap. */
  durationMs: number;
  /** Bytes per second over all relayed connections; 0: no cap. */
  rate: number;
}

export const RELAY_CAPS: RelayCaps = {
  maxReservations: 128,
  reservationTtlMs: 60 * 60_000,
  dataLimit: 0,
  durationMs: 0,
  rate: 0,
};

/** A circuit opened in a pairing window: enough for the pairing frames, nothing like a transfer. */
const PAIRING_CIRCUIT_BYTES = 256 * 1024;
const PAIRING_CIRCUIT_MS = 60_000;
/** libp2p's "no limit" for one of the two limits when only the other is set. */
const NO_DURATION = 2 ** 31 - 1;
const NO_DATA = 2n ** 62n;

/** What the relay knows of one reserving listener: who may be connected to it. */
interface Policy {
  peers: Set<string>;
  pairingUntil: number;
}

export interface RelayCounts extends MeterCounts {
  reservations: number;
  refusedUnpaired: number;
  refusedReservations: number;
  pairingCircuits: number;
}

export interface RelayServerOptions {
  identity: Identity;
  host: string;
  port: number;
  caps?: Partial<RelayCaps>;
  /** Only these peers may reserve (empty or absent: anyone, up to maxReservations). */
  reservers?: ReadonlySet<string>;
  /**
   * Public addresses (IPs or DNS names) this relay is reached at, announced beside what it binds. A relay on a
   * server binds 0.0.0.0, and libp2p hides a public address until AutoNAT has confirmed it through other peers,
   * which a relay nobody uses yet never gets: without this it prints no address a peer could use.
   */
  announce?: readonly string[];
  onLog?: (msg: string) => void;
}

export class RelayServer {
  readonly libp2p: Libp2p;
  readonly peerId: string;
  readonly caps: RelayCaps;
  private readonly policies: Map<string, Policy>;
  private readonly meter: RelayMeter;
  private readonly refusals: { unpaired: number; reservations: number; pairing: number };

  private constructor(libp2p: Libp2p, parts: RelayParts) {
    this.libp2p = libp2p;
    this.peerId = libp2p.peerId.toString();
    this.caps = parts.caps;
    this.policies = parts.policies;
    this.meter = parts.meter;
    this.refusals = parts.refusals;
  }

  static async start(o: RelayServerOptions): Promise<RelayServer> {
    const caps = { ...RELAY_CAPS, ...o.caps };
    const parts: RelayParts = {
      caps,
      policies: new Map(),
      meter: new RelayMeter(caps.rate),
      refusals: { unpaired: 0, reservations: 0, pairing: 0 },
      log: o.onLog ?? (() => {}),
    };
    const libp2p = await createRelayNode(o, parts);
    const server = new RelayServer(libp2p, parts);
    await libp2p.handle(PROTOCOLS.relay, (stream, conn) => server.answerAllow(stream, conn.remotePeer.toString()), {
      maxInboundStreams: 2,
    });
    return server;
  }

  addresses(): string[] {
    return this.libp2p
      .getMultiaddrs()
      .map((m) => m.toString())
      .filter((a) => !a.includes('/p2p-circuit'));
  }

  counts(): RelayCounts {
    return {
      ...this.meter.counts,
      reservations: this.reservations().size,
      refusedUnpaired: this.refusals.unpaired,
      refusedReservations: this.refusals.reservations,
      pairingCircuits: this.refusals.pairing,
    };
  }

  async stop(): Promise<void> {
    try {
      await this.libp2p.stop();
    } catch {
      /* stopping anyway */
    }
  }

  private reservations(): Map<unknown, unknown> {
    const relay = (this.libp2p.services as { relay: { reservations: Map<unknown, unknown> } }).relay;
    return relay.reservations;
  }

  /** A reserving listener names the peers it trusts. */
  private async answerAllow(stream: Stream, peer: string): Promise<void> {
    const ch = acceptedChannel(stream, peer, PROTOCOLS.relay);
    try {
      const f = await ch.expect('the allow list', 'allow');
      const held = [...this.reservations().keys()].some((k) => String(k) === peer);
      if (!held)
        throw new WarpError(
          ErrorCodes.RELAY_REFUSED,
          `${peer} holds no reservation on this relay: reserve first (listen with /p2p-circuit)`,
        );
      this.prunePolicies();
      const pairingS = f.h.pairingSeconds ?? 0;
      this.policies.set(peer, {
        peers: new Set(f.h.peers),
        pairingUntil: pairingS > 0 ? Date.now() + pairingS * 1000 : 0,
      });
      await ch.write({
        t: 'allowed',
        peers: f.h.peers.length,
        dataLimit: this.caps.dataLimit,
        durationMs: this.caps.durationMs,
        rate: this.caps.rate,
        expiresAt: Date.now() + this.caps.reservationTtlMs,
      });
      await ch.close();
    } catch (e) {
      try {
        await ch.write(errorFrame(e));
        await ch.close();
      } catch {
        /* gone */
      }
      stream.abort(e as Error);
    }
  }

  /** Policies live as long as their listener's reservation. */
  private prunePolicies(): void {
    const held = new Set([...this.reservations().keys()].map(String));
    for (const k of this.policies.keys()) if (!held.has(k)) this.policies.delete(k);
  }
}

interface RelayParts {
  caps: RelayCaps;
  policies: Map<string, Policy>;
  meter: RelayMeter;
  refusals: { unpaired: number; reservations: number; pairing: number };
  log: (msg: string) => void;
}

function reservationLimits(caps: RelayCaps): {
  applyDefaultLimit: boolean;
  defaultDataLimit?: bigint;
  defaultDurationLimit?: number;
} {
  if (caps.dataLimit <= 0 && caps.durationMs <= 0) return { applyDefaultLimit: false };
  return {
    applyDefaultLimit: true,
    defaultDataLimit: caps.dataLimit > 0 ? BigInt(caps.dataLimit) : NO_DATA,
    defaultDurationLimit: caps.durationMs > 0 ? caps.durationMs : NO_DURATION,
  };
}

/** Whether the listener `dst` lets `src` be connected to it through this relay: 'paired', 'pairing' or no. */
function admission(policies: Map<string, Policy>, src: string, dst: string): 'paired' | 'pairing' | undefined {
  const p = policies.get(dst);
  if (!p) return undefined;
  if (p.peers.has(src)) return 'paired';
  return p.pairingUntil > Date.now() ? 'pairing' : undefined;
}

async function createRelayNode(o: RelayServerOptions, parts: RelayParts): Promise<Libp2p> {
  const proto = o.host.includes(':') ? 'ip6' : 'ip4';
  const relay = circuitRelayServer({
    reservations: {
      maxReservations: parts.caps.maxReservations,
      reservationTtl: parts.caps.reservationTtlMs,
      ...reservationLimits(parts.caps),
    },
    // A relayed connection carries a whole transfer's lanes (a control stream and up to 64 chunk streams).
    maxInboundHopStreams: 1024,
    maxOutboundStopStreams: 1024,
  });
  // The rate cap and the backpressure pause streams; on QUIC a pause only holds the sender back with this.
  await holdPausedQuicReads();
  try {
    return await createLibp2p({
      privateKey: o.identity.privateKey,
      addresses: {
        listen: [`/${proto}/${o.host}/udp/${o.port}/quic-v1`, `/${proto}/${o.host}/tcp/${o.port}`],
        appendAnnounce: (o.announce ?? []).flatMap((h) => announced(h, o.port)),
      },
      transports: [
        // The peers' QUIC windows; a longer idle timeout (listeners keep their slot through short outages).
        quic({ ...QUIC_TUNING, maxIdleTimeout: 30_000, keepAliveInterval: 5_000 }),
        tcp(),
      ],
      connectionEncrypters: [tls()],
      // Windows as large as the peers' own (net/node.ts): the default 256 KiB per stream caps a relayed lane.
      streamMuxers: [
        yamux({
          maxInboundStreams: 2048,
          maxOutboundStreams: 2048,
          streamOptions: { maxStreamWindowSize: 16 * 1024 * 1024 },
        }),
      ],
      connectionGater: relayGater(parts, o.reservers),
      connectionManager: { maxConnections: 1024, maxIncomingPendingConnections: 128 },
      // autoNAT: listeners ask the relay whether they are reachable directly (it dials them back on a new
      // connection: nat-services.ts).
      services: { identify: identify(), autonat: safeAutoNAT(), relay: meteredRelay(relay, parts) },
    });
  } catch (e) {
    const msg = (e as Error).message;
    if (/EADDRINUSE|address already in use/i.test(msg))
      throw new WarpError(
        ErrorCodes.USAGE,
        `port ${o.port} is already in use on ${o.host}; choose another with --port`,
        {
          cause: e,
        },
      );
    throw new WarpError(ErrorCodes.PEER_UNREACHABLE, `could not start the relay: ${msg}`, { cause: e });
  }
}

function relayGater(parts: RelayParts, reservers?: ReadonlySet<string>) {
  return {
    denyInboundRelayReservation: (peer: PeerId): boolean => {
      if (!reservers || reservers.size === 0 || reservers.has(peer.toString())) return false;
      parts.refusals.reservations++;
      parts.log(`refused a reservation from ${peer.toString()} (not in --allow-reserve)`);
      return true;
    },
    denyOutboundRelayedConnection: (src: PeerId, dst: PeerId): boolean => {
      const a = admission(parts.policies, src.toString(), dst.toString());
      if (a) return false;
      parts.refusals.unpaired++;
      parts.log(`refused to connect ${src.toString()} to ${dst.toString()}: not paired with it`);
      return true;
    },
  };
}

type ServiceFactory = ReturnType<typeof circuitRelayServer>;

/**
 * The library's relay service with its two joined streams metered (rate cap, backpressure, counts). The
 * server's `stopHop` returns the listener's stream of a new circuit; the dialler's is the newest open hop
 * stream on its connection. Written against @libp2p/circuit-relay-v2 4.2.x (pinned exactly in package.json);
 * test/net/relay.test.ts fails if a later version changes this.
 */
function meteredRelay(factory: ServiceFactory, parts: RelayParts): ServiceFactory {
  return (components) => {
    const service = factory(components);
    const inner = service as unknown as {
      stopHop(
        a: { connection: { remotePeer: PeerId }; request: { peer?: { id: Uint8Array } } },
        o: unknown,
      ): Promise<Stream | undefined>;
    };
    const stopHop = inner.stopHop.bind(inner);
    const joined = new WeakSet<Stream>();
    inner.stopHop = async (a, opts) => {
      const dst = await stopHop(a, opts);
      if (!dst) return dst;
      const srcId = a.request.peer?.id;
      const srcConns = components.connectionManager
        .getConnections()
        .filter(
          (c) => c.status === 'open' && srcId !== undefined && sameBytes(c.remotePeer.toMultihash().bytes, srcId),
        );
      const src = srcConns
        .flatMap((c) => c.streams)
        .filter((s) => s.protocol === RELAY_V2_HOP_CODEC && s.status === 'open' && !joined.has(s))
        .pop();
      if (src) {
        joined.add(src);
        parts.meter.join(src, dst);
      }
      const srcPeer = srcConns[0]?.remotePeer.toString();
      capPairingCircuit(parts, dst, a.connection.remotePeer.toString(), srcPeer, src);
      return dst;
    };
    return service;
  };
}

/** A circuit admitted by a pairing window (not by pairing) gets a small byte and time cap. */
function capPairingCircuit(
  parts: RelayParts,
  dst: Stream,
  dstPeer: string,
  srcPeer: string | undefined,
  src: Stream | undefined,
): void {
  if (srcPeer !== undefined && admission(parts.policies, srcPeer, dstPeer) !== 'pairing') return;
  parts.refusals.pairing++;
  let bytes = 0;
  const cut = (): void => {
    dst.abort(new Error('pairing circuit cap'));
    src?.abort(new Error('pairing circuit cap'));
  };
  const count = (ev: { data: { byteLength: number } }): void => {
    bytes += ev.data.byteLength;
    if (bytes > PAIRING_CIRCUIT_BYTES) cut();
  };
  dst.addEventListener('message', count);
  src?.addEventListener('message', count);
  setTimeout(cut, PAIRING_CIRCUIT_MS).unref();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The QUIC and TCP multiaddrs of a public IP or DNS name at `port`. */
export function announced(host: string, port: number): string[] {
  const kind = isIP(host) === 6 ? 'ip6' : isIP(host) === 4 ? 'ip4' : 'dns';
  if (kind === 'dns' && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(host))
    throw new WarpError(ErrorCodes.USAGE, `--announce: '${host}' is neither an IP address nor a host name`);
  return [`/${kind}/${host}/udp/${port}/quic-v1`, `/${kind}/${host}/tcp/${port}`];
}
