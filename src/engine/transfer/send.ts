/**
 * `send`: offer a local tree to a listener, which pulls it from this side over the same connection. The tree
 * is scanned (CDC + BLAKE3 on both cores) and, to a protocol-3 peer, offered in pages as the scan completes
 * them (paged-push.ts), so the receiver pulls the first files while the rest are still being read; mirror and
 * sync pushes, and older peers, get the whole manifest in one `push`. The receiver's events come back on the
 * control stream until its result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import type { PauseController } from '../core/pause.ts';
import { trace } from '../core/trace.ts';
import { DEFAULT_IGNORE, type IgnoreRules } from '../ignore/matcher.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import { protocolError } from '../net/frames.ts';
import { PROTOCOLS } from '../net/wire.ts';
import { acrossRelayCuts, asCancelled, connectPeer, relayCut, running, type PeerLink } from './client.ts';
import type { KeepOldRequest } from './keep-old.ts';
import { PageQueue, PageSender } from './paged-push.ts';
import { wireCompression } from './protocol.ts';
import type { ReceiveResult } from './receive.ts';
import { ChunkServer } from './serve.ts';
import { sessionId } from './sessions.ts';
import { doneEvent, type TransferEventListener } from './transfer-events.ts';
import { buildTreeParallel, scanTreePaged, type LocalTree, type ServedTree } from './tree.ts';

export interface SendOptions {
  address: string;
  localPath: string;
  remotePath: string;
  signal?: AbortSignal;
  /** Pause and resume: the receiving peer stops asking for chunks while paused (protocol 2). */
  pause?: PauseController;
  onEvent?: TransferEventListener;
  /** What to leave out (default: what the `.warpignore` files in the tree say). */
  ignore?: IgnoreRules;
  /** Mirror mode: the peer removes what its copy holds and this tree lacks (kept in its versions folder unless versions is false). */
  mirror?: { versions: boolean };
  /** A sync push: the peer keeps what it replaces as versions, or as conflict copies where it is not what we expect (keep-old.ts). */
  keep?: KeepOldRequest;
}

export interface SendResult extends ReceiveResult {
  session: string;
  peer: string;
  transport: string;
  /** Bytes this side read and sent (after wire compression). */
  sentBytes: number;
  scanSeconds: number;
  cachedFiles: number;
}

export async function sendTree(env: TransferEnv, o: SendOptions): Promise<SendResult> {
  // The receiving peer's events come back only in part: chunks this side served count as moving too.
  return acrossRelayCuts(o, (onEvent, moved) => sendOnce(env, { ...o, onEvent }, moved));
}

async function sendOnce(env: TransferEnv, o: SendOptions, moved: () => void): Promise<SendResult> {
  const abs = path.resolve(o.localPath);
  // What the user named must exist before anything is dialled: a missing source is their error (E_NOT_FOUND,
  // exit 5), whatever the peer's state; the paged scan would only find out after the link is up.
  await fs.promises.lstat(abs).catch((e: unknown) => {
    throw fromSystemError(e, abs, 'read');
  });
  // Dial first: the QUIC handshake runs in the transport's native thread while this one scans.
  const linkP = connectPeer(env, o.address);
  linkP.catch(() => {}); // observed below; a scan error must not leave it unhandled
  // A mirror or sync push needs its whole manifest before the receiver starts (it removes or keeps what the tree
  // lacks or replaces): scanned while the dial proceeds. A plain send streams it in pages once linked (protocol 3).
  const whole = o.mirror || o.keep ? await scanForSend(env, o, abs, linkP) : undefined;
  const link = await linkP;
  trace('send: linked');
  const sid = sessionId('send', env.identity.peerId, link.peer, abs, o.remotePath);
  const { rec, store } = running(env, {
    id: sid,
    kind: 'send',
    address: o.address,
    remotePath: o.remotePath,
    localPath: abs,
    transport: link.transport,
  });
  o.onEvent?.({
    type: 'transfer.start',
    session: sid,
    role: 'send',
    peer: link.peer,
    transport: link.transport,
    path: abs,
  });
  const server = new ChunkServer();
  let sentBytes = 0;
  let unwatch: (() => void) | undefined;
  const serve = (tree: ServedTree): void =>
    server.register(sid, {
      tree,
      peer: link.peer,
      compress: wireCompression(link.neg, env.compressLoopback),
      onServed: (_raw, wire) => {
        sentBytes += wire;
        moved();
      },
    });
  try {
    await link.node.handle(PROTOCOLS.chunks, (ch) => server.serve(ch), { trusted: (id) => id === link.peer });
    const paged = !whole && link.neg.version >= 3;
    const offer = paged
      ? offerPaged(env, o, link, sid, abs, serve)
      : await offerWhole(env, o, link, sid, whole ?? (await scanForSend(env, o, abs, linkP)), serve);
    unwatch = forwardControls(link, o, sid);
    const [r] = await Promise.all([readResult(link, o, sid, offer.took), offer.sent]);
    const { tree, scanSeconds } = offer.scanned();
    trace('send: done frame');
    if (o.mirror && !r.mirror)
      o.onEvent?.({
        type: 'transfer.warning',
        session: sid,
        path: '',
        message: `${link.peer} runs an older Warp that cannot mirror: nothing was deleted there`,
      });
    store.save({ ...rec, status: 'done', bytes: r.bytes });
    o.onEvent?.(doneEvent(sid, r));
    return {
      ...r,
      session: sid,
      peer: link.peer,
      transport: link.transport,
      sentBytes,
      scanSeconds,
      cachedFiles: tree.cachedFiles,
    };
  } catch (e) {
    store.save({ ...rec, status: 'failed', error: (e as Error).message });
    throw asCancelled(relayCut(e, link), o.signal);
  } finally {
    unwatch?.();
    server.unregister(sid);
    await link.close();
  }
}

/** A tree being offered: what is left to send, how `paged` answers are taken, and the scan once it is over. */
interface Offer {
  sent: Promise<void>;
  took?: (n: number) => void;
  scanned(): { tree: ServedTree; scanSeconds: number };
}

/** The whole manifest in one `push` (protocols 1-2, and mirror or sync pushes). */
async function offerWhole(
  env: TransferEnv,
  o: SendOptions,
  link: PeerLink,
  sid: string,
  scanned: { tree: LocalTree; scanSeconds: number },
  serve: (tree: ServedTree) => void,
): Promise<Offer> {
  serve(scanned.tree);
  const m = scanned.tree.manifest;
  const ignore = o.ignore ?? DEFAULT_IGNORE;
  const mirror = o.mirror
    ? { versions: o.mirror.versions, patterns: [...ignore.patterns], warpignore: ignore.warpignore }
    : undefined;
  await link.ctl.write(
    {
      t: 'push',
      dest: o.remotePath,
      sid,
      root: m.merkleRoot.toString('hex'),
      ...(mirror ? { mirror } : {}),
      ...(o.keep ? { keep: o.keep } : {}),
    },
    m.encode(),
  );
  return { sent: Promise.resolve(), scanned: () => scanned };
}

/**
 * The manifest in pages while the tree is still being scanned (paged-push.ts): the receiver pulls the first
 * files while this side reads the rest. Chunks are served from the pages handed out so far.
 */
function offerPaged(
  env: TransferEnv,
  o: SendOptions,
  link: PeerLink,
  sid: string,
  abs: string,
  serve: (tree: ServedTree) => void,
): Offer {
  const t0 = performance.now();
  let scanSeconds = 0;
  trace('send: paged scan start');
  const pages = new PageQueue();
  const { tree, done } = scanTreePaged(abs, env.chunking, { onPage: pages.push }, env.index, warnOf(o), o.ignore);
  serve(tree);
  const rest = done.finally(() => {
    scanSeconds = (performance.now() - t0) / 1000;
    trace('send: paged scan done');
    pages.end();
  });
  rest.catch(() => {}); // observed through the sender below
  const sender = new PageSender(link.ctl, pages);
  const sent = sender.run({ sid, dest: o.remotePath }, rest).catch(async (e: unknown) => {
    // The receiver learns why the pages stopped (a file that could not be read: its code), not a bare stream end.
    await link.ctl.writeError(e).catch(() => {});
    throw e;
  });
  return { sent, took: (n) => sender.took(n), scanned: () => ({ tree, scanSeconds }) };
}

/** The receiver's events until its result (`done`); `paged` answers go to `took` (a paged push only). */
async function readResult(
  link: PeerLink,
  o: SendOptions,
  sid: string,
  took: ((n: number) => void) | undefined,
): Promise<ReceiveResult> {
  const v2 = link.neg.version >= 2;
  for (;;) {
    if (o.signal?.aborted && !v2) throw new WarpError(ErrorCodes.CANCELLED, 'the operation was cancelled');
    const f = await link.ctl.expect('the transfer result', 'event', 'paged', 'done');
    if (f.h.t === 'event') {
      if (f.h.e) o.onEvent?.({ ...f.h.e, session: sid });
    } else if (f.h.t === 'paged') {
      if (!took) throw protocolError('a page answer to a push that sent no pages');
      took(f.h.n);
    } else return f.h.result;
  }
}

const warnOf =
  (o: SendOptions) =>
  (p: string, message: string): void =>
    o.onEvent?.({ type: 'transfer.warning', session: '', path: p, message });

/** The sender's scan, while the dial (already started) proceeds; a failed scan closes the link once it is up. */
async function scanForSend(
  env: TransferEnv,
  o: SendOptions,
  abs: string,
  linkP: ReturnType<typeof connectPeer>,
): Promise<{ tree: LocalTree; scanSeconds: number }> {
  const t0 = performance.now();
  trace('send: scan start');
  try {
    const tree = await buildTreeParallel(abs, env.chunking, env.index, warnOf(o), o.ignore);
    trace('send: scan done');
    return { tree, scanSeconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    linkP
      .then(
        (l) => l.close(),
        () => {},
      )
      .catch(() => {});
    throw e;
  }
}

/**
 * The receiver drives the pull: pause, resume and cancel are asked of it (protocol 2). Its answer to a cancel is
 * an E_CANCELLED error frame; its part files stay for a rerun. Returns what stops forwarding.
 */
function forwardControls(link: Awaited<ReturnType<typeof connectPeer>>, o: SendOptions, sid: string): () => void {
  const v2 = link.neg.version >= 2;
  const tell = (t: 'pause' | 'resume' | 'cancel'): void => {
    link.ctl.write({ t }).catch(() => {});
  };
  const onAbort = (): void => {
    if (!v2) return;
    tell('cancel');
    // A receiver that does not answer within a few seconds is left: closing the stream ends the wait for its result.
    setTimeout(() => link.ctl.abort('cancelled'), 5000).unref();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const offPause = o.pause?.onChange((paused) => {
    if (v2) tell(paused ? 'pause' : 'resume');
    else
      o.onEvent?.({
        type: 'transfer.warning',
        session: sid,
        path: '',
        message: `${link.peer} runs an older Warp (protocol ${link.neg.version}) that cannot pause; the transfer goes on`,
      });
  });
  if (o.pause?.paused && v2) tell('pause');
  return () => {
    offPause?.();
    o.signal?.removeEventListener('abort', onAbort);
  };
}
