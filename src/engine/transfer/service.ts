/**
 * The listening side (`warp listen`): answers control streams from trusted peers — serves trees under its
 * root for `fetch`, pulls trees offered by `send` into its root, plans, pings — and serves chunk streams.
 * A broken conversation (malformed frame, bad request) closes that connection with an error frame; the
 * listener keeps serving everyone else.
 */
import { doneEvent } from './transfer-events.ts';
import crypto from 'node:crypto';
import path from 'node:path';
import type { Connection } from '@libp2p/interface';
import { afterBurst } from '../core/idle-gc.ts';
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import { PauseController } from '../core/pause.ts';
import { trace } from '../core/trace.ts';
import { EntryType, Manifest } from '../model/manifest.ts';
import type { ChunkerParams } from '../codec/fastcdc.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import type { FileIndex } from '../store/file-index.ts';
import type { Accepted } from '../net/channel.ts';
import { protocolError, type Frame } from '../net/frames.ts';
import type { WarpNode } from '../net/node.ts';
import { PROTOCOLS, type HeaderOf, type RequestOf } from '../net/wire.ts';
import type { TransferEvent, TransferEventListener } from './transfer-events.ts';
import { planReceive } from './plan.ts';
import { resolveInRoot } from './paths.ts';
import { helloServer, localCaps, wireCompression } from './protocol.ts';
import type { WireMode } from './wire-policy.ts';
import { receiveTree, type ReceiveOptions } from './receive.ts';
import { ChunkServer } from './serve.ts';
import { RemoteSource } from './source.ts';
import { applyChanges, decodeChanges } from './apply-changes.ts';
import { DEFAULT_VERSIONS_POLICY, pruneVersions } from './versions-keep.ts';
import { mirrorOptionsOf } from './mirror.ts';
import { KeepOld } from './keep-old.ts';
import { buildTreeParallel } from './tree.ts';
import { receivePages } from './paged-push.ts';

export interface ServiceOptions {
  node: WarpNode;
  root: string;
  chunking: ChunkerParams;
  index?: FileIndex;
  store?: ChunkStore;
  streams: number;
  window: number;
  compress: boolean;
  compressLoopback?: boolean;
  onEvent?: TransferEventListener;
  /** Log lines for the listener's operator. */
  onLog?: (msg: string) => void;
  /** More control requests by frame type (the swarm's `have`, `find`, `status`, `preposition`: src/engine/swarm/listener.ts). */
  extraRequests?: ExtraRequests;
}

type Control = typeof PROTOCOLS.control;
type ControlRequest = RequestOf<Control>;
/** The control requests answered outside the transfer package (the swarm's, and sync's report). */
export type ExtraRequestType = 'have' | 'find' | 'status' | 'preposition' | 'synced';
export type ExtraRequestHandler<K extends ExtraRequestType> = (
  frame: Frame<HeaderOf<Control, 'requests', K>>,
  ctx: ExtraRequestContext,
) => Promise<void>;
export type ExtraRequests = { [K in ExtraRequestType]?: ExtraRequestHandler<K> };

export interface ExtraRequestContext {
  ch: Accepted<Control>;
  conn: Connection;
  peer: string;
  /** How chunks to this peer are compressed on the wire (protocol.ts wireCompression). */
  compress: WireMode;
  chunks: ChunkServer;
  /** Registers a chunk session for this peer; it ends with the control stream. */
  track(sid: string): void;
}

export class TransferService {
  readonly chunks = new ChunkServer();
  private readonly o: ServiceOptions;

  constructor(o: ServiceOptions) {
    this.o = o;
  }

  async start(): Promise<void> {
    const { node } = this.o;
    node.onRefused = (peer, proto) => this.o.onLog?.(`refused ${peer} (${proto}): not paired`);
    if (node.gate) node.gate.onRefused = (who, why) => this.o.onLog?.(`refused a connection from ${who}: ${why}`);
    await node.handle(PROTOCOLS.control, (ch, conn) => this.control(ch, conn));
    await node.handle(PROTOCOLS.chunks, (ch) => this.chunks.serve(ch));
  }

  private async control(ch: Accepted<Control>, conn: Connection): Promise<void> {
    const o = this.o;
    const sids: string[] = [];
    const peer = ch.peer;
    try {
      const neg = await helloServer(ch, localCaps(o));
      const compress = wireCompression(neg, o.compressLoopback);
      for (;;) {
        const f = await ch.read();
        if (!f || f.h.t === 'bye' || f.h.t === 'error') break;
        await this.request(
          f,
          { ch, conn, peer, compress, chunks: this.chunks, track: (sid) => sids.push(sid) },
          neg.streams,
          neg.window,
        );
      }
      await ch.close();
    } catch (e) {
      o.onLog?.(`${peer}: ${isWarpError(e) ? `[${e.code}] ` : ''}${(e as Error).message}`);
      await ch.writeError(e);
      if (isWarpError(e, ErrorCodes.PROTOCOL))
        setTimeout(() => {
          conn.close().catch(() => {});
        }, 100).unref();
    } finally {
      for (const s of sids) this.chunks.unregister(s);
      afterBurst();
    }
  }

  /** One control request (its header already checked against the wire schema). */
  private async request(
    f: Frame<ControlRequest>,
    ctx: ExtraRequestContext,
    streams: number,
    window: number,
  ): Promise<void> {
    const o = this.o;
    const { ch, peer } = ctx;
    const h = f.h;
    switch (h.t) {
      case 'ping':
        await ch.write({ t: 'pong', n: h.n, at: Date.now() });
        return;
      case 'open': {
        const abs = resolveInRoot(o.root, h.path, true);
        const tree = await buildTreeParallel(abs, o.chunking, o.index, (p, m) => o.onLog?.(`${p}: ${m}`));
        const sid = crypto.randomBytes(16).toString('hex');
        this.chunks.register(sid, { tree, peer, compress: ctx.compress });
        ctx.track(sid);
        const bytes = tree.manifest.encode();
        o.onLog?.(
          `${peer} fetches ${h.path}: ${tree.manifest.entryCount} entries, ${tree.manifest.totalFileBytes} bytes`,
        );
        await ch.write({ t: 'manifest', sid, root: tree.manifest.merkleRoot.toString('hex') }, bytes);
        return;
      }
      case 'push':
        await this.receivePush(ch, ctx.conn, f.p, h, streams, window);
        return;
      case 'offer':
        await this.receiveOffer(ch, ctx.conn, h, streams, window);
        return;
      case 'page':
      case 'last':
        throw protocolError(`a '${h.t}' frame outside a paged push`);
      case 'apply': {
        const folder = resolveInRoot(o.root, h.dest, true);
        const r = applyChanges(folder, decodeChanges(f.p), (rel) => resolveInRoot(o.root, `${h.dest}/${rel}`, false));
        if (r.versioned) pruneVersions(folder, DEFAULT_VERSIONS_POLICY);
        o.onLog?.(
          `${peer} applies changes in ${h.dest}: ${r.renamed} renamed, ${r.removed} removed${r.skipped.length ? `, ${r.skipped.length} skipped (changed since)` : ''}`,
        );
        await ch.write({ t: 'applied', ...r });
        return;
      }
      case 'plan': {
        const manifest = Manifest.decode(f.p, `plan from ${peer}`);
        const target = resolveInRoot(o.root, h.dest ?? '/', false);
        await ch.write({ t: 'plan', ...planReceive(manifest, target, o.index, o.store) });
        return;
      }
      case 'pause':
      case 'resume':
      case 'cancel':
        return; // late: the push it was meant for has ended
      case 'bye':
      case 'error':
        return; // the caller ends the conversation
      case 'hello':
        throw protocolError('a second hello on the control stream');
      default: {
        const handler = o.extraRequests?.[h.t] as ExtraRequestHandler<ExtraRequestType> | undefined;
        if (!handler) throw protocolError(`unknown request '${h.t}'`);
        await handler(f as Frame<HeaderOf<Control, 'requests', ExtraRequestType>>, ctx);
      }
    }
  }

  private async receivePush(
    ch: Accepted<Control>,
    conn: Connection,
    payload: Uint8Array,
    h: HeaderOf<Control, 'requests', 'push'>,
    streams: number,
    window: number,
  ): Promise<void> {
    const o = this.o;
    const sid = h.sid;
    const dest = h.dest ?? '/';
    trace('listen: push received');
    const manifest = Manifest.decode(payload, `the tree offered by ${ch.peer}`);
    trace('listen: manifest decoded');
    if (h.root !== manifest.merkleRoot.toString('hex'))
      throw new WarpError(ErrorCodes.VERIFY_FAILED, 'the offered manifest does not match the announced Merkle root');
    const target = resolveInRoot(o.root, dest, false);
    const mirror = mirrorOptionsOf(h.mirror);
    const keepOld = h.keep ? new KeepOld(target, h.keep) : undefined;
    o.onLog?.(`${ch.peer} sends ${manifest.entryCount} entries (${manifest.totalFileBytes} bytes) to ${dest}`);
    // The decoded manifest stays in memory for the whole push: it keeps its bytes of this peer's read budget.
    const release = this.hold(ch.peer, payload.length);
    const s = this.pushSession(ch, conn, sid, streams, window);
    try {
      const r = await receiveTree({
        ...s.receiving(manifest, target, s.onEvent),
        announcedRoot: h.root,
        mirror,
        keepOld,
      }).catch((e: unknown) => {
        keepOld?.undo();
        throw s.explain(e);
      });
      // The sender learns the result from the 'done' frame; local listeners (the daemon, the tray) get the
      // same event a fetch gives, so an incoming transfer ends visibly on this side too.
      o.onEvent?.(doneEvent(sid, r));
      await ch.write({ t: 'done', result: r });
      if (r.kept?.versioned)
        for (const top of topFolders(manifest)) {
          try {
            pruneVersions(path.join(target, top), DEFAULT_VERSIONS_POLICY);
          } catch {
            /* housekeeping: the next push prunes again */
          }
        }
      trace('listen: done sent');
    } finally {
      s.end();
      release();
    }
  }

  /**
   * A paged push (protocol 3, paged-push.ts): the manifest arrives in pages while the sender still scans; each
   * page is received completely (the same receiveTree, same session: a rerun resumes its part files) before the
   * next is read, and the last part brings the directories and symlinks.
   */
  private async receiveOffer(
    ch: Accepted<Control>,
    conn: Connection,
    h: HeaderOf<Control, 'requests', 'offer'>,
    streams: number,
    window: number,
  ): Promise<void> {
    const o = this.o;
    const sid = h.sid;
    const dest = h.dest ?? '/';
    trace('listen: offer received');
    const target = resolveInRoot(o.root, dest, false);
    o.onLog?.(`${ch.peer} sends a tree to ${dest} (its manifest in pages)`);
    const s = this.pushSession(ch, conn, sid, streams, window);
    try {
      const r = await receivePages({
        ch,
        signal: s.cancel.signal,
        onEvent: s.onEvent,
        waiting: (on) => s.stall.waiting(on),
        hold: (bytes) => this.hold(ch.peer, bytes),
        receive: (part, onEvent) => receiveTree(s.receiving(part, target, onEvent)),
      }).catch((e: unknown) => {
        throw s.explain(e);
      });
      o.onLog?.(`${ch.peer} sent ${r.files} files (${r.bytes} bytes) to ${dest}`);
      o.onEvent?.(doneEvent(sid, r));
      await ch.write({ t: 'done', result: r });
      trace('listen: done sent');
    } finally {
      s.end();
    }
  }

  /** Keeps `bytes` of a peer's read budget while a decoded manifest is held; returns what gives them back. */
  private hold(peer: string, bytes: number): () => void {
    const budget = this.o.node.budget;
    if (!budget) return () => {};
    if (!budget.reserve(peer, bytes)) {
      throw new WarpError(
        ErrorCodes.PEER_UNREACHABLE,
        `this listener is busy: it already holds as much as it allows for ${peer} (or for all peers); try again when a transfer has finished`,
      );
    }
    return () => budget.release(peer, bytes);
  }

  /**
   * What a push needs around its receive, whole or paged: the sender may pause, resume or cancel (protocol 2,
   * frames read out of band), a push whose sender stops answering is abandoned (StallWatch), and the receiver's
   * view is relayed to the sender. `end` undoes it all.
   */
  private pushSession(
    ch: Accepted<Control>,
    conn: Connection,
    sid: string,
    streams: number,
    window: number,
  ): PushSession {
    const o = this.o;
    let lastSent = 0;
    const pause = new PauseController();
    const cancel = new AbortController();
    const stall = new StallWatch(pause, () => cancel.abort());
    const onEvent = (e: TransferEvent): void => {
      stall.saw(e.type);
      o.onEvent?.(e);
      // The sender sees the receiver's view: manifest summary, progress (10 Hz: the UI charts it at >= 4 Hz), pauses, errors.
      if (
        e.type === 'transfer.manifest' ||
        (e.type === 'transfer.progress' && performance.now() - lastSent > 100) ||
        e.type === 'transfer.chunk-rejected' ||
        e.type === 'transfer.paused'
      ) {
        lastSent = performance.now();
        ch.write({ t: 'event', e }).catch(() => {});
      }
    };
    pause.onChange((paused) => {
      o.onLog?.(`${ch.peer}: transfer ${paused ? 'paused' : 'resumed'} by the sender`);
      onEvent({ type: 'transfer.paused', session: sid, paused });
    });
    ch.intercept = (f) => {
      if (f.h.t === 'pause') pause.pause();
      else if (f.h.t === 'resume') pause.resume();
      else if (f.h.t === 'cancel') cancel.abort();
      else return false;
      return true;
    };
    return {
      pause,
      cancel,
      stall,
      onEvent,
      receiving: (manifest, target, events) => ({
        manifest,
        sources: [
          new RemoteSource(o.node, conn, sid, streams, { maxChunk: manifest.chunking.maxSize, signal: cancel.signal }),
        ],
        target,
        sid,
        index: o.index,
        store: o.store,
        window,
        signal: cancel.signal,
        gate: () => pause.wait(cancel.signal),
        onEvent: events,
      }),
      explain: (e) =>
        stall.stalled
          ? new WarpError(
              ErrorCodes.PEER_UNREACHABLE,
              `${ch.peer} sent no chunk for ${Math.round(PUSH_STALL_MS / 1000)} s: the transfer is abandoned (its part files stay for a rerun)`,
              { cause: e },
            )
          : e,
      end: () => {
        ch.intercept = undefined;
        stall.stop();
      },
    };
  }
}

interface PushSession {
  pause: PauseController;
  cancel: AbortController;
  stall: StallWatch;
  onEvent: TransferEventListener;
  /** receiveTree's options for `manifest` (all of a push, or one page) pulled from the sender into `target`. */
  receiving(manifest: Manifest, target: string, onEvent: TransferEventListener): ReceiveOptions;
  /** The error a failed receive ends the push with (a stalled sender says so). */
  explain(e: unknown): unknown;
  end(): void;
}

/** How long a push may go without a chunk (not counting pauses) before the listener gives up on it. */
const PUSH_STALL_MS = Number(process.env.WARP_PUSH_STALL_MS) || 60_000;

/**
 * Ends a push whose sender stops answering: from the manifest summary on (the pull starts), every chunk,
 * rejection or progress event is a sign of life; time paused by the sender does not count.
 */
class StallWatch {
  stalled = false;
  private last = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(pause: PauseController, onStall: () => void) {
    this.timer = setInterval(
      () => {
        if (this.last === 0) return;
        if (pause.paused) {
          this.last = Date.now();
          return;
        }
        if (Date.now() - this.last > PUSH_STALL_MS) {
          this.stalled = true;
          this.stop();
          onStall();
        }
      },
      Math.min(1000, PUSH_STALL_MS / 4),
    );
    this.timer.unref();
  }

  /** While waiting for the sender's next page of a manifest, time does not count until the pull starts again. */
  waiting(on: boolean): void {
    if (on) this.last = 0;
  }

  saw(type: TransferEvent['type']): void {
    if (
      type === 'transfer.manifest' ||
      type === 'transfer.chunk' ||
      type === 'transfer.progress' ||
      type === 'transfer.chunk-rejected'
    )
      this.last = Date.now();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** The top-level folders of a pushed tree (where a sync push keeps its versions). */
function topFolders(m: Manifest): string[] {
  const out: string[] = [];
  for (let i = 0; i < m.entryCount; i++) {
    const e = m.entry(i);
    if (e.type === EntryType.DIR && !e.path.includes('/')) out.push(e.path);
  }
  return out;
}
