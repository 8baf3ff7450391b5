/**
 * The daemon's own peer endpoint: a listening node that serves and receives trees for trusted peers inside a
 * root (like `warp listen`) and answers pairing while a code is active. Incoming transfers show up as
 * `transfer.*` events with job `incoming:<session>`.
 */
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import { answerPairing, newPairCode, type PairServerState } from '../net/pair.ts';
import { PROTOCOLS, WarpNode } from '../net/node.ts';
import type { TransportName } from '../net/address.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import type { TransferEvent } from '../transfer/transfer-events.ts';
import { TransferService } from '../transfer/service.ts';
import { swarmRequests, type PowerOverrides } from '../swarm/index.ts';

export interface PeerHostOptions {
  env: TransferEnv;
  host: string;
  port: number;
  root: string;
  /** Peer ids trusted besides the paired ones (`--allow`). */
  allow: ReadonlySet<string>;
  onEvent: (e: TransferEvent) => void;
  onLog: (msg: string) => void;
  onPaired: (peer: string) => void;
  onPairFailed: (message: string) => void;
  /** This machine's power as swarm peers see it (read at each request, so the host may update it in place). */
  power?: PowerOverrides;
  /** Bytes of pre-positioned chunks swarm peers may push into this machine's store (0 or absent: none). */
  acceptPrepositionBytes?: number;
}

export class PeerHost {
  readonly node: WarpNode;
  readonly root: string;
  private pairing?: PairServerState & { timer: NodeJS.Timeout };
  private readonly o: PeerHostOptions;

  private constructor(node: WarpNode, o: PeerHostOptions) {
    this.node = node;
    this.o = o;
    this.root = o.root;
  }

  static async start(o: PeerHostOptions): Promise<PeerHost> {
    const transports: TransportName[] = o.env.transport === 'auto' ? ['quic', 'tcp'] : [o.env.transport];
    let node: WarpNode;
    try {
      node = await WarpNode.create({
        identity: o.env.identity,
        listen: { host: o.host, port: o.port },
        transports,
        isTrusted: (id) => o.allow.has(id) || o.env.trust.has(id),
      });
    } catch (e) {
      throw new WarpError(
        isWarpError(e) ? e.code : ErrorCodes.PEER_UNREACHABLE,
        `the peer listener could not start on ${o.host}:${o.port} (${(e as Error).message}); another 'warp listen' or 'warp daemon' may use that port: pick another (--peer-port, 0 for a free one) or run without it (--no-listen)`,
        { cause: e },
      );
    }
    const host = new PeerHost(node, o);
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
      extraRequests: swarmRequests({
        root: o.root,
        chunking: o.env.chunking,
        index: o.env.index,
        store: o.env.store,
        power: o.power,
        acceptPrepositionBytes: o.acceptPrepositionBytes,
        onLog: o.onLog,
      }),
    });
    await service.start();
    await node.handle(PROTOCOLS.pair, (ch) => host.answerPair(ch), { trusted: () => true });
    return host;
  }

  addresses(): string[] {
    return this.node.addresses();
  }

  /** Starts accepting one pairing with a fresh code (replacing any code still active). */
  startPairing(ttlMs: number): { code: string; expiresAt: number } {
    this.cancelPairing();
    const code = newPairCode();
    const expiresAt = Date.now() + ttlMs;
    const timer = setTimeout(() => {
      if (this.pairing?.code === code && !this.pairing.done) {
        this.pairing = undefined;
        this.o.onPairFailed('nobody paired before the code expired');
      }
    }, ttlMs);
    timer.unref();
    this.pairing = { code, expiresAt, attempts: 0, maxAttempts: 3, done: false, timer };
    return { code, expiresAt };
  }

  cancelPairing(): void {
    if (this.pairing) clearTimeout(this.pairing.timer);
    this.pairing = undefined;
  }

  private async answerPair(ch: Parameters<typeof answerPairing>[0]): Promise<void> {
    const st = this.pairing;
    if (!st)
      throw new WarpError(
        ErrorCodes.PAIRING_FAILED,
        'this machine is not pairing right now; start pairing in its Peers page first',
      );
    try {
      const peer = await answerPairing(ch, this.o.env.identity.peerId, st);
      if (peer) {
        clearTimeout(st.timer);
        this.pairing = undefined;
        this.o.onPaired(peer);
      }
    } catch (e) {
      if (st.attempts >= st.maxAttempts && !st.done) {
        clearTimeout(st.timer);
        this.pairing = undefined;
        this.o.onPairFailed('three wrong codes: pairing stopped');
      }
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.cancelPairing();
    await this.node.stop();
  }
}
