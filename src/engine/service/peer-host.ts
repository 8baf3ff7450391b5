/**
 * The daemon's own peer endpoint: a listening node that serves and receives trees for trusted peers inside a
 * root (like `warp listen`) and answers pairing while a code is active. Incoming transfers show up as
 * `transfer.*` events with job `incoming:<session>`.
 */
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import { PairCodeBook, servePairStream, type ActiveCode, type SelfInfo } from '../net/pair.ts';
import type { PairRequestBook } from '../net/pair-request.ts';
import { rankAddresses } from '../net/peer-book.ts';
import { readReachability, type Reachability } from '../net/reachability.ts';
import { PROTOCOLS, WarpNode } from '../net/node.ts';
import type { TransportName } from '../net/address.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import type { TransferEvent } from '../transfer/transfer-events.ts';
import { TransferService } from '../transfer/service.ts';
import { swarmRequests, type PowerOverrides } from '../swarm/index.ts';
import { syncRequests, type IncomingSync } from '../sync/incoming.ts';

export interface PeerHostOptions {
  env: TransferEnv;
  host: string;
  port: number;
  root: string;
  /** Peer ids trusted besides the paired ones (`--allow`). */
  allow: ReadonlySet<string>;
  onEvent: (e: TransferEvent) => void;
  onLog: (msg: string) => void;
  onPaired: (peer: string, info: SelfInfo) => void;
  onPairFailed: (message: string) => void;
  /** A paired peer told where it listens now (on contact). */
  onPeerInfo: (peer: string, info: SelfInfo) => void;
  /** Pairing requests this machine takes (net/pair-request.ts); absent: refused. */
  requests?: PairRequestBook;
  /** This machine's friendly name (read when it is told to a peer). */
  name: () => string;
  /** A machine that syncs a folder with this one reported a sync (sync/incoming.ts). */
  onSyncReport?: (r: IncomingSync) => void;
  /** This machine's power as swarm peers see it (read at each request, so the host may update it in place). */
  power?: PowerOverrides;
  /** Bytes of pre-positioned chunks swarm peers may push into this machine's store (0 or absent: none). */
  acceptPrepositionBytes?: number;
}

export class PeerHost {
  readonly node: WarpNode;
  readonly root: string;
  private readonly book = new PairCodeBook();
  private expiry?: NodeJS.Timeout;
  private readonly o: PeerHostOptions;

  private constructor(node: WarpNode, o: PeerHostOptions) {
    this.node = node;
    this.o = o;
    this.root = o.root;
  }

  static async start(o: PeerHostOptions): Promise<PeerHost> {
    const transports: TransportName[] = o.env.transport === 'auto' ? ['quic', 'tcp'] : [o.env.transport];
    let node: WarpNode;
    // The host exists only after its node; the relay policy and gate ask it about pairing once it does.
    const self: { host?: PeerHost } = {};
    try {
      node = await WarpNode.create({
        identity: o.env.identity,
        listen: { host: o.host, port: o.port },
        transports,
        isTrusted: (id) => o.allow.has(id) || o.env.trust.has(id),
        relays: o.env.relays?.length ? [...o.env.relays] : undefined,
        nat: o.env.nat,
        relayPolicy: () => ({
          peers: [...new Set([...o.allow, ...o.env.trust.list().map((p) => p.id)])],
          pairingSeconds: self.host?.pairingSecondsLeft(),
        }),
        acceptUnpairedRelayed: () => (self.host?.pairingSecondsLeft() ?? 0) > 0,
        onLog: o.onLog,
      });
    } catch (e) {
      throw new WarpError(
        isWarpError(e) ? e.code : ErrorCodes.PEER_UNREACHABLE,
        `the peer listener could not start on ${o.host}:${o.port} (${(e as Error).message}); another 'warp listen' or 'warp daemon' may use that port: pick another (--peer-port, 0 for a free one) or run without it (--no-listen)`,
        { cause: e },
      );
    }
    const host = new PeerHost(node, o);
    self.host = host;
    const service = new TransferService({
      node,
      root: o.root,
      chunking: o.env.chunking,
      index: o.env.index,
      store: o.env.store,
      streams: o.env.streams,
      window: o.env.window,
      compress: o.env.compress,
      compressLoopback: o.env.compressLoopback,
      onEvent: o.onEvent,
      onLog: o.onLog,
      // A swarm source too: answers have/find/status so other machines can fetch from it alongside others.
      extraRequests: {
        ...swarmRequests({
          root: o.root,
          chunking: o.env.chunking,
          index: o.env.index,
          store: o.env.store,
          power: o.power,
          acceptPrepositionBytes: o.acceptPrepositionBytes,
          onLog: o.onLog,
        }),
        ...syncRequests({ home: o.env.home, root: o.root, onReport: o.onSyncReport }),
      },
    });
    await service.start();
    const isTrusted = (id: string): boolean => o.allow.has(id) || o.env.trust.has(id);
    await node.handle(
      PROTOCOLS.pair,
      (ch) =>
        servePairStream(ch, {
          self: o.env.identity.peerId,
          book: host.book,
          me: () => host.selfInfo(),
          isTrusted,
          onPaired: (peer, info) => host.paired(peer, info),
          onInfo: (peer, info) => o.onPeerInfo(peer, info),
          requests: o.requests,
        }).catch((e) => {
          host.maybeSpent();
          throw e;
        }),
      { trusted: () => true },
    );
    return host;
  }

  /** Where peers reach this machine, best first. */
  addresses(): string[] {
    return rankAddresses(this.node.addresses());
  }

  selfInfo(): SelfInfo {
    return { addrs: this.addresses(), name: this.o.name(), reach: this.reachability() };
  }

  /** Whether peers can reach this machine directly (AutoNAT's verdict, net/reachability.ts). */
  reachability(): Reachability {
    return readReachability(this.node.libp2p);
  }

  /** Seconds left in which a pairing code is accepted (0: not pairing); relays open a pairing window this long. */
  pairingSecondsLeft(): number {
    const c = this.book.active();
    return c ? Math.max(0, Math.min(600, Math.ceil((c.expiresAt - Date.now()) / 1000))) : 0;
  }

  /** Starts accepting one pairing with a fresh code (replacing any code still active). */
  startPairing(ttlMs: number): ActiveCode {
    this.cancelPairing();
    const code = this.book.issue(ttlMs);
    this.expiry = setTimeout(() => {
      this.expiry = undefined;
      if (code.state === 'active') {
        code.state = 'expired';
        this.o.onPairFailed('nobody paired before the code expired');
      }
    }, ttlMs);
    this.expiry.unref();
    void this.node.relayLink?.announce();
    return code;
  }

  /** The lookup id of the code this machine shows now (announced on the LAN). */
  pairingLookup(): string | undefined {
    return this.book.active()?.lookup;
  }

  cancelPairing(): void {
    clearTimeout(this.expiry);
    this.expiry = undefined;
    this.book.cancel();
  }

  private paired(peer: string, info: SelfInfo): void {
    clearTimeout(this.expiry);
    this.expiry = undefined;
    this.o.onPaired(peer, info);
  }

  /** After a refused try: a code spent by wrong guesses ends the wait. */
  private maybeSpent(): void {
    if (this.book.active() || !this.expiry) return;
    clearTimeout(this.expiry);
    this.expiry = undefined;
    this.o.onPairFailed('three wrong codes: pairing stopped');
  }

  async stop(): Promise<void> {
    this.cancelPairing();
    await this.node.stop();
  }
}
