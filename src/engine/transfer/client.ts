/**
 * The dialling side: `fetch` (pull a tree from a listener), `plan` and `probe`, and the dial, session and
 * relay-cut helpers `send` (send.ts: offer a tree; the listener pulls it from us) shares with them. Each call starts a dial-only node, checks the peer's
 * identity (trusted, or named in the address), says hello, and stops the node when done.
 */
import { doneEvent } from './transfer-events.ts';
import path from 'node:path';
import type { Connection } from '@libp2p/interface';
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import type { PauseController } from '../core/pause.ts';
import { Manifest } from '../model/manifest.ts';
import type { IgnoreRules } from '../ignore/matcher.ts';
import type { MirrorOptions } from './mirror.ts';
import type { PeerAddress, TransportName } from '../net/address.ts';
import { exchangeInfo } from '../net/pair.ts';
import { dialAny, dialTargets } from '../net/peer-book.ts';
import type { Opened } from '../net/channel.ts';
import { WarpNode } from '../net/node.ts';
import type { PeerPath } from '../net/path.ts';
import type { Reachability } from '../net/reachability.ts';
import { withRelays } from '../net/relay-client.ts';
import { MAX_PROBE_BLOCKS, PROBE_BLOCK, PROTOCOLS } from '../net/wire.ts';
import type { TransferEventListener } from './transfer-events.ts';
import type { PlanResult } from './plan.ts';
import { helloClient, localCaps, wireCompression, type Negotiated } from './protocol.ts';
import type { WireMode } from './wire-policy.ts';
import { receiveTree, type ReceiveResult } from './receive.ts';
import { SessionStore, sessionId, type SessionRecord } from './sessions.ts';
import { RemoteSource } from './source.ts';
import { windowWithinCap } from './pull-lanes.ts';
import { buildTreeParallel } from './tree.ts';
import type { TransferEnv } from '../model/transfer-env.ts';

/**
 * Tells a paired peer what this machine is now and learns the same of it, beside the work the dial is for
 * (nothing waits for it; a peer that does not answer changes nothing).
 */
function refreshPeerInfo(env: TransferEnv, node: WarpNode, conn: Connection): void {
  const peer = conn.remotePeer.toString();
  if (!env.self || !env.trust.has(peer)) return;
  const me = env.self();
  void node
    .open(conn, PROTOCOLS.pair)
    .then((ch) => exchangeInfo(ch, me))
    .then((info) => env.trust.learn(peer, { addresses: info.addrs, name: info.name }, 'contact'))
    .catch(() => {});
}

/** The peer's AutoNAT verdict, asked of a paired peer (`info`); undefined when it does not say (older, unpaired). */
async function askReachability(
  env: TransferEnv,
  link: Omit<PeerLink, 'ctl' | 'neg'>,
): Promise<Reachability | undefined> {
  if (!env.self || !env.trust.has(link.peer)) return undefined;
  try {
    return (await exchangeInfo(await link.node.open(link.conn, PROTOCOLS.pair), env.self())).reach;
  } catch {
    return undefined;
  }
}

export interface PeerLink {
  node: WarpNode;
  conn: Connection;
  ctl: Opened<typeof PROTOCOLS.control>;
  neg: Negotiated;
  peer: string;
  address: PeerAddress;
  transport: TransportName;
  handshakeMs: number;
  /** Direct, LAN or relayed (net/path.ts). */
  path: PeerPath;
  close(): Promise<void>;
}

/**
 * Dials and checks the peer (trusted, or named in the address); no control stream yet. A paired peer's id or
 * name dials its known addresses in turn (net/peer-book.ts); its answer to `info` refreshes them.
 */
export async function dialPeer(env: TransferEnv, addressText: string): Promise<Omit<PeerLink, 'ctl' | 'neg'>> {
  // The peer's known addresses (relayed ones among them), then the peer through each configured relay.
  const targets = withRelays(dialTargets(env.trust, addressText), env.relays);
  const node = await WarpNode.create({
    identity: env.identity,
    isTrusted: (id) => id === targets[0].address.peerId || env.trust.has(id),
    nat: { holePunch: env.nat?.holePunch },
  });
  try {
    // With a relayed address to fall back on, a direct address that does not answer within 3 s (a private address
    // behind someone's NAT never does) is given up sooner than the usual 4 s QUIC + 10 s TCP.
    const directTimeoutMs = targets.some((t) => t.address.circuit) ? 3000 : undefined;
    const { conn, transport, handshakeMs, path, target } = await dialAny(node, targets, {
      transport: env.transport,
      directTimeoutMs,
    });
    const peer = conn.remotePeer.toString();
    refreshPeerInfo(env, node, conn);
    return { node, conn, peer, address: target.address, transport, handshakeMs, path, close: () => node.stop() };
  } catch (e) {
    await node.stop();
    throw e;
  }
}

export async function connectPeer(env: TransferEnv, addressText: string): Promise<PeerLink> {
  const d = await dialPeer(env, addressText);
  try {
    const ctl = await d.node.open(d.conn, PROTOCOLS.control);
    const neg = await helloClient(ctl, localCaps(env));
    return {
      ...d,
      ctl,
      neg,
      async close() {
        try {
          await ctl.write({ t: 'bye' });
        } catch {
          /* gone */
        }
        await ctl.close();
        await d.node.stop();
      },
    };
  } catch (e) {
    await d.node.stop();
    throw e;
  }
}

export function running(
  env: TransferEnv,
  r: Omit<SessionRecord, 'status' | 'pid' | 'startedAt' | 'updatedAt'>,
): { rec: SessionRecord; store: SessionStore } {
  const store = new SessionStore(env.home);
  const rec: SessionRecord = {
    ...r,
    status: 'running',
    pid: process.pid,
    startedAt: new Date().toISOString(),
    updatedAt: '',
  };
  store.save(rec);
  return { rec, store };
}

export interface FetchOptions {
  address: string;
  remotePath: string;
  localDir: string;
  signal?: AbortSignal;
  /** Pause and resume: no chunks are asked for while paused; the connection and part files stay. */
  pause?: PauseController;
  onEvent?: TransferEventListener;
  /** Mirror mode: remove what the local copy holds and the peer's tree lacks (mirror.ts). */
  mirror?: MirrorOptions;
}

export async function fetchTree(
  env: TransferEnv,
  o: FetchOptions,
): Promise<ReceiveResult & { session: string; peer: string; transport: string }> {
  return acrossRelayCuts(o, (onEvent) => fetchOnce(env, { ...o, onEvent }));
}

/** Dials again this many times at most after a relay cut a connection at its cap (each time only if chunks moved). */
const MAX_REDIALS_AFTER_CUT = 64;

/**
 * A relay with a per-connection byte or time cap cuts every relayed connection at it: a transfer larger than the
 * cap dials again (directly or through a relay, as the first dial) and continues in the same session, from the
 * chunks already verified in its part files, for as long as each attempt moved chunks further than the last.
 * An attempt that got nowhere (a cap too small for even the chunks in flight) ends with the relay's error.
 */
export async function acrossRelayCuts<T>(
  o: { onEvent?: TransferEventListener; signal?: AbortSignal },
  run: (onEvent: TransferEventListener, moved: () => void) => Promise<T>,
): Promise<T> {
  let best = 0;
  for (let attempt = 1; ; attempt++) {
    let reached = 0;
    let arrived = 0;
    const onEvent: TransferEventListener = (e) => {
      if (e.type === 'transfer.progress') reached = Math.max(reached, e.chunks);
      else if (e.type === 'transfer.chunk') arrived++;
      o.onEvent?.(e);
    };
    try {
      return await run(onEvent, () => arrived++);
    } catch (e) {
      const cut = isWarpError(e) && e.details.relayCut === true;
      const moved = arrived > 0 || reached > best;
      if (!cut || !moved || o.signal?.aborted || attempt > MAX_REDIALS_AFTER_CUT) throw e;
      best = Math.max(best, reached);
      o.onEvent?.({
        type: 'transfer.warning',
        session: '',
        path: '',
        message: `the relay cut the connection at its cap (${arrived} chunks moved on it); dialling again to continue (attempt ${attempt + 1})`,
      });
    }
  }
}

async function fetchOnce(
  env: TransferEnv,
  o: FetchOptions,
): Promise<ReceiveResult & { session: string; peer: string; transport: string }> {
  const link = await connectPeer(env, o.address);
  const target = path.resolve(o.localDir);
  const sid = sessionId('fetch', env.identity.peerId, link.peer, o.remotePath, target);
  const { rec, store } = running(env, {
    id: sid,
    kind: 'fetch',
    address: o.address,
    remotePath: o.remotePath,
    localPath: target,
    transport: link.transport,
  });
  o.onEvent?.({
    type: 'transfer.start',
    session: sid,
    role: 'fetch',
    peer: link.peer,
    transport: link.transport,
    path: o.remotePath,
  });
  try {
    await link.ctl.write({ t: 'open', path: o.remotePath });
    const f = await link.ctl.expect('the manifest', 'manifest');
    const manifest = Manifest.decode(f.p, `the manifest from ${link.peer}`);
    const root = f.h.root;
    if (manifest.merkleRoot.toString('hex') !== root)
      throw new WarpError(ErrorCodes.VERIFY_FAILED, 'the manifest does not match the Merkle root the peer announced');
    const source = new RemoteSource(link.node, link.conn, f.h.sid, link.neg.streams, {
      maxChunk: manifest.chunking.maxSize,
      signal: o.signal,
    });
    const pause = o.pause;
    const unwatch = pause?.onChange((paused) => o.onEvent?.({ type: 'transfer.paused', session: sid, paused }));
    const r = await receiveTree({
      manifest,
      announcedRoot: root,
      sources: [source],
      target,
      sid,
      index: env.index,
      store: env.store,
      window: cappedWindow(link, manifest),
      signal: o.signal,
      gate: pause ? () => pause.wait(o.signal) : undefined,
      onEvent: o.onEvent,
      mirror: o.mirror,
    }).finally(() => unwatch?.());
    store.save({ ...rec, status: 'done', bytes: r.bytes });
    o.onEvent?.(doneEvent(sid, r));
    return { ...r, session: sid, peer: link.peer, transport: link.transport };
  } catch (e) {
    store.save({ ...rec, status: 'failed', error: (e as Error).message });
    throw asCancelled(relayCut(e, link), o.signal);
  } finally {
    await link.close();
  }
}

/** The pull window; on a relayed connection with a byte cap, small enough that chunks arrive before the cut. */
function cappedWindow(link: Pick<PeerLink, 'conn' | 'neg'>, m: Manifest): number {
  const left = link.conn.limits?.bytes;
  const avgChunk = m.uniqueRawBytes / Math.max(1, m.chunkCount);
  return windowWithinCap(link.neg.window, left === undefined ? undefined : Number(left), link.neg.streams, avgChunk);
}

/**
 * A relayed connection that breaks while the relay's caps apply (libp2p marks it limited) was most likely cut by
 * the relay at its per-connection byte or time cap: say so, and how to go on.
 */
export function relayCut(e: unknown, link: Pick<PeerLink, 'path' | 'conn'>): unknown {
  if (link.path.kind !== 'relayed' || !link.conn.limits || !isWarpError(e, ErrorCodes.PEER_UNREACHABLE)) return e;
  return new WarpError(
    ErrorCodes.PEER_UNREACHABLE,
    `${(e as Error).message}: the relay ${link.path.relay} caps each relayed connection (in bytes or time) and probably cut this one before any more chunks arrived; 'warp resume' continues the transfer (the parts already here stay), or use a direct path or a relay with a larger cap`,
    { cause: e, details: { ...(e as WarpError).details, relay: link.path.relay, relayCut: true } },
  );
}

/**
 * After the user cancelled, whatever failed on the way out (lanes closed by the cancel read as a lost
 * connection) is the cancel: E_CANCELLED, exit 130, the session kept for a rerun.
 */
export function asCancelled(e: unknown, signal: AbortSignal | undefined): unknown {
  if (!signal?.aborted || isWarpError(e, ErrorCodes.CANCELLED)) return e;
  return new WarpError(ErrorCodes.CANCELLED, 'the operation was cancelled', { cause: e });
}

export interface ProbeResult {
  peer: string;
  transport: string;
  /** Direct, LAN or relayed (through which relay). */
  path: PeerPath;
  /** The peer's AutoNAT verdict (reachable publicly, behind NAT, unknown), when it told it. */
  reachability?: Reachability;
  handshakeMs: number;
  rttMs: { min: number; median: number; max: number };
  throughputBytesPerSec: number;
  probeBytes: number;
  negotiated: Negotiated;
  /** How chunks are compressed on this connection: 'auto' = while the link is slower than the compressor. */
  wireCompression: WireMode;
  advice: string[];
}

export async function probePeer(
  env: TransferEnv,
  address: string,
  opts: { bytes?: number } = {},
): Promise<ProbeResult> {
  const link = await connectPeer(env, address);
  try {
    const rtts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await link.ctl.write({ t: 'ping', n: i });
      await link.ctl.expect('pong', 'pong');
      rtts.push(performance.now() - t);
    }
    rtts.sort((a, b) => a - b);
    const reachability = await askReachability(env, link);
    const blocks = Math.max(link.neg.streams, Math.round((opts.bytes ?? 64 * 1024 * 1024) / PROBE_BLOCK));
    const lanes = link.neg.streams;
    const chans = await Promise.all(Array.from({ length: lanes }, () => link.node.open(link.conn, PROTOCOLS.chunks)));
    const t0 = performance.now();
    let got = 0;
    await Promise.all(
      chans.map(async (ch, k) => {
        // Frames of at most MAX_PROBE_BLOCKS blocks, one at a time (the server caps both).
        for (let left = Math.floor(blocks / lanes) + (k < blocks % lanes ? 1 : 0); left > 0;) {
          const n = Math.min(left, MAX_PROBE_BLOCKS);
          left -= n;
          ch.expectAnswers(n);
          await ch.write({ t: 'probe', n });
          for (let i = 0; i < n; i++) {
            const f = await ch.expect('probe data', 'chunk');
            got += f.p.length;
          }
        }
        await ch.close();
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const rate = got / secs;
    const advice: string[] = [];
    if (link.transport === 'tcp' && env.transport === 'auto')
      advice.push('QUIC did not connect (UDP blocked?); using the TCP fallback');
    if (link.path.kind === 'relayed')
      advice.push(
        `relayed through ${link.path.relay}: every byte crosses the relay; a direct path (port forwarding, UPnP, same LAN) is faster`,
      );
    if (rtts[Math.floor(rtts.length / 2)] > 50)
      advice.push('high latency: raise transfer.window so more chunks are in flight');
    if (rate < 20e6)
      advice.push('low throughput: check the link; wire compression (on by default) helps for text-like data');
    if (advice.length === 0) advice.push('looks good');
    return {
      peer: link.peer,
      transport: link.transport,
      path: link.path,
      reachability,
      handshakeMs: link.handshakeMs,
      rttMs: { min: rtts[0], median: rtts[Math.floor(rtts.length / 2)], max: rtts[rtts.length - 1] },
      throughputBytesPerSec: rate,
      probeBytes: got,
      negotiated: link.neg,
      wireCompression: wireCompression(link.neg, env.compressLoopback),
      advice,
    };
  } finally {
    await link.close();
  }
}

export async function planSend(
  env: TransferEnv,
  localPath: string,
  address: string,
  remotePath: string,
  ignore?: IgnoreRules,
): Promise<PlanResult & { peer: string; transport: string; throughputBytesPerSec: number; estimatedSeconds: number }> {
  const tree = await buildTreeParallel(path.resolve(localPath), env.chunking, env.index, undefined, ignore);
  const probe = await probePeer(env, address, { bytes: 16 * 1024 * 1024 });
  const link = await connectPeer(env, address);
  try {
    await link.ctl.write({ t: 'plan', dest: remotePath }, tree.manifest.encode());
    const f = await link.ctl.expect('the plan', 'plan');
    const p: PlanResult = f.h;
    return {
      ...p,
      peer: link.peer,
      transport: link.transport,
      throughputBytesPerSec: probe.throughputBytesPerSec,
      estimatedSeconds: p.needBytes / Math.max(1, probe.throughputBytesPerSec),
    };
  } finally {
    await link.close();
  }
}
