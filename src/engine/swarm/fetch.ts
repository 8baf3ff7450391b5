/**
 * `swarmFetch`: one download fed by several peers through the scheduler.
 *
 *  1. Dial every source; the first that has the path (or the content id) supplies the manifest.
 *  2. Ask every source which of the manifest's chunks it holds (`have`): the scheduler's availability, a
 *     chunk session per peer, and each peer's power state (metered, battery).
 *  3. The receiver (transfer/receive.ts) works out what is already local and hands the rest to the pull
 *     (run.ts): the scheduler ticks; the executor runs its dispatches over a few lanes per peer, verifies
 *     every chunk on arrival, and its completions and failures go back to the scheduler at the next tick.
 *  4. Around the ticks: liveness probes (RTT, RFC 6298) and estimators per edge, the edge registry, drift,
 *     triggers and the re-optimisation evaluator driving requestReopt, failover when a peer dies, metered and
 *     low-battery peers held in standby while others can serve, per-peer windows and budgets.
 */
import path from 'node:path';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { trace } from '../core/trace.ts';
import { Manifest } from '../model/manifest.ts';
import { HASH_BYTES } from '../codec/blake3.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import { connectPeer } from '../transfer/client.ts';
import { receiveTree } from '../transfer/receive.ts';
import { sessionId } from '../transfer/sessions.ts';
import { RemoteSource } from '../transfer/source.ts';
import { SwarmEdge } from './edge.ts';
import { readPower } from './peer-power.ts';
import { EdgeRegistry } from './registry.ts';
import { SwarmRun } from './run.ts';
import type { SwarmFetchOptions, SwarmFetchResult } from './swarm-types.ts';

export type { SwarmFetchOptions, SwarmFetchResult } from './swarm-types.ts';

export async function swarmFetch(env: TransferEnv, o: SwarmFetchOptions): Promise<SwarmFetchResult> {
  if (o.sources.length === 0) throw new WarpError(ErrorCodes.USAGE, 'a swarm download needs at least one source peer');
  if (!o.remotePath && !o.contentId)
    throw new WarpError(ErrorCodes.USAGE, 'say what to fetch: a remote path or a content id');
  const emit = o.onEvent ?? (() => {});
  const registry = new EdgeRegistry(env.home);
  const edges = o.sources.map((a, e) => new SwarmEdge(e, a, o.drift));
  const target = path.resolve(o.dest);

  // 1. Dial everyone at once; unreachable peers stay in the picture as offline edges.
  const dialErrors: string[] = [];
  await dialAll(env, edges, registry, dialErrors);
  trace('swarm: dialled');
  try {
    const online = edges.filter((e) => e.link);
    if (online.length === 0)
      throw new WarpError(ErrorCodes.PEER_UNREACHABLE, `no source could be reached: ${dialErrors.join('; ')}`);

    // 2. The manifest.
    const { manifest: m, root, hint, refused } = await fetchManifest(online, o);
    await redial(env, refused);
    const contentId = m.contentId().toString('hex');
    trace('swarm: manifest');

    // 3. Who holds what.
    await askHoldings(online, m, hint, o, dialErrors);
    trace('swarm: holdings known');

    const sid = sessionId('swarm', env.identity.peerId, contentId, target);
    emit({
      type: 'transfer.start',
      session: sid,
      role: 'fetch',
      peer: online.map((e) => e.peer).join(','),
      transport: online[0].link!.transport,
      path: hint ?? `content:${contentId}`,
    });
    const run = new SwarmRun(env.home, o, edges, m, sid, contentId, registry, emit);
    const r = await receiveTree({
      manifest: m,
      announcedRoot: root,
      sources: [],
      target,
      sid,
      index: env.index,
      store: env.store,
      signal: o.signal,
      onEvent: emit,
      puller: run,
    });
    const pre = await run.preposition(target, hint);
    const summary = run.finish(r.elapsedSeconds, pre);
    emit({
      type: 'transfer.done',
      session: sid,
      files: r.files,
      bytes: r.bytes,
      wireBytes: r.wireBytes,
      fetchedChunks: r.fetchedChunks,
      localChunks: r.localChunks,
      elapsedSeconds: r.elapsedSeconds,
      merkleRoot: r.merkleRoot,
    });
    return { ...r, ...summary, session: sid, contentId };
  } finally {
    await closeAll(edges);
  }
}

async function dialAll(
  env: TransferEnv,
  edges: SwarmEdge[],
  registry: EdgeRegistry,
  dialErrors: string[],
): Promise<void> {
  await Promise.all(
    edges.map(async (edge) => {
      try {
        edge.link = await connectPeer(env, edge.address);
        edge.peer = edge.link.peer;
        edge.state = 'online';
        edge.lastSeen = performance.now();
        edge.health.setUp(true, performance.now());
        const rec = registry.get(edge.peer);
        if (rec?.bandwidth) edge.bw.seed(rec.bandwidth);
      } catch (e) {
        edge.lastError = (e as Error).message;
        dialErrors.push(`${edge.address}: ${edge.lastError}`);
        edge.health.setUp(false, performance.now());
      }
    }),
  );
}

/**
 * A source that refused the path (it lacks it) ended that control stream with its error; it may still hold
 * chunks (by content) or accept pre-positioned ones, so it gets a new connection for `have`.
 */
async function redial(env: TransferEnv, refused: SwarmEdge[]): Promise<void> {
  await Promise.all(
    refused.map(async (edge) => {
      const old = edge.link!;
      try {
        edge.link = await connectPeer(env, edge.address);
      } catch (e) {
        edge.lastError = `${edge.lastError ?? ''}; dialled again: ${(e as Error).message}`;
        edge.state = 'offline';
      }
      await Promise.race([old.close().catch(() => {}), new Promise<void>((r) => setTimeout(r, 1000).unref())]);
    }),
  );
}

/**
 * A peer that died never acknowledges a graceful close (QUIC would wait for its idle timeout): give each
 * link a second, then stop its node outright.
 */
async function closeAll(edges: SwarmEdge[]): Promise<void> {
  await Promise.all(
    edges.map(async (e) => {
      const link = e.link;
      if (!link) return;
      const graceful = e.state === 'offline' ? Promise.reject(new Error('offline')) : link.close();
      const timeout = new Promise<void>((_, reject) =>
        setTimeout(() => reject(new Error('close timed out')), 1000).unref(),
      );
      try {
        await Promise.race([graceful, timeout]);
      } catch {
        await Promise.race([link.node.stop().catch(() => {}), new Promise<void>((r) => setTimeout(r, 1000).unref())]);
      }
    }),
  );
}

/**
 * The manifest: by content id from the first online source that has that tree (`find`); by path from every
 * source at once (openEverywhere).
 */
async function fetchManifest(
  online: SwarmEdge[],
  o: SwarmFetchOptions,
): Promise<{ manifest: Manifest; root: string; hint: string | undefined; refused: SwarmEdge[] }> {
  if (!o.contentId) return openEverywhere(online, o.remotePath ?? '/');
  for (const edge of online) {
    const ctl = edge.link!.ctl;
    try {
      await ctl.write({ t: 'find', contentId: o.contentId.toLowerCase() });
      const f = await ctl.expect('the tree with that content id', 'found');
      if (f.h.path === null) continue; // not there
      const m = Manifest.decode(f.p, `the manifest from ${edge.peer}`);
      if (m.contentId().toString('hex') !== o.contentId.toLowerCase())
        throw new WarpError(
          ErrorCodes.VERIFY_FAILED,
          `${edge.peer} offered a tree whose content id differs from the one asked for`,
        );
      return { manifest: m, root: m.merkleRoot.toString('hex'), hint: f.h.path, refused: [] };
    } catch (e) {
      if (edge === online.at(-1)) throw e;
    }
  }
  throw new WarpError(ErrorCodes.INPUT_NOT_FOUND, `no source holds a tree with content id ${o.contentId}`);
}

/**
 * By path, every source opens it at once: each scans its tree in parallel with the others, where asking one
 * for the manifest and then all for `have` cost two scans one after the other (Linux tree, 4 listeners under
 * load: 21 s for the manifest, then every `have` still unanswered when its connection was lost 15 s later). The
 * first source in the given order whose manifest checks out supplies it; a source that answered with the same
 * Merkle root holds every chunk and serves them in the session its `open` made, so it is not asked `have`.
 */
async function openEverywhere(
  online: SwarmEdge[],
  remotePath: string,
): Promise<{ manifest: Manifest; root: string; hint: string | undefined; refused: SwarmEdge[] }> {
  const answers = await Promise.allSettled(
    online.map(async (edge) => {
      await edge.link!.ctl.write({ t: 'open', path: remotePath });
      return edge.link!.ctl.expect('the manifest', 'manifest');
    }),
  );
  let manifest: Manifest | undefined;
  let firstError: unknown;
  const refused: SwarmEdge[] = [];
  for (const [k, a] of answers.entries()) {
    const edge = online[k];
    try {
      if (a.status === 'rejected') {
        if (edge.link!.conn.status === 'open') refused.push(edge);
        throw a.reason;
      }
      if (manifest) continue;
      const m = Manifest.decode(a.value.p, `the manifest from ${edge.peer}`);
      if (m.merkleRoot.toString('hex') !== a.value.h.root)
        throw new WarpError(ErrorCodes.VERIFY_FAILED, 'the manifest does not match the Merkle root the peer announced');
      manifest = m;
    } catch (e) {
      edge.lastError = `no manifest: ${(e as Error).message}`;
      firstError ??= e;
    }
  }
  if (!manifest) throw firstError;
  const root = manifest.merkleRoot.toString('hex');
  for (const [k, a] of answers.entries())
    if (a.status === 'fulfilled' && a.value.h.root === root) online[k].openedSid = a.value.h.sid;
  return { manifest, root, hint: remotePath, refused };
}

/**
 * Who holds what: a source that opened the same tree holds all of it (its power state from one `status`); every
 * other online source is sent the chunk ids (`have`). A source that fails goes offline.
 */
async function askHoldings(
  online: SwarmEdge[],
  m: Manifest,
  hint: string | undefined,
  o: SwarmFetchOptions,
  dialErrors: string[],
): Promise<void> {
  let ids: Buffer | undefined;
  const idsOnce = (): Buffer => {
    if (ids) return ids;
    ids = Buffer.allocUnsafe(m.chunkCount * HASH_BYTES);
    for (let c = 0; c < m.chunkCount; c++) ids.set(m.chunkId(c), c * HASH_BYTES);
    return ids;
  };
  await Promise.all(
    online.map(async (edge) => {
      const link = edge.link!;
      try {
        let sid: string;
        if (edge.openedSid !== undefined) {
          sid = edge.openedSid;
          edge.holds = new Uint8Array(Math.ceil(m.chunkCount / 8)).fill(0xff);
          await link.ctl.write({ t: 'status', n: 0 });
          edge.power = readPower((await link.ctl.expect('a status answer', 'status')).h.power);
        } else {
          await link.ctl.write({ t: 'have', path: hint }, idsOnce());
          const f = await link.ctl.expect('which chunks the peer holds', 'have');
          trace(`swarm: 'have' answered by edge ${edge.e}`);
          sid = f.h.sid;
          edge.holds = new Uint8Array(f.p);
          edge.power = readPower(f.h.power);
          edge.prepositionBudget = Math.max(0, f.h.preposition);
        }
        edge.source = new RemoteSource(
          link.node,
          link.conn,
          sid,
          Math.max(1, Math.min(link.neg.streams, o.lanesPerPeer ?? 2)),
        );
      } catch (e) {
        edge.holds = undefined;
        const why = `no answer to '${edge.openedSid !== undefined ? 'status' : 'have'}': ${(e as Error).message}`;
        edge.lastError = edge.lastError ? `${edge.lastError}; ${why}` : why;
        dialErrors.push(`${edge.address}: ${edge.lastError}`);
        edge.state = 'offline';
      }
    }),
  );
}
