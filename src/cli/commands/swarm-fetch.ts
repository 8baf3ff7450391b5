/**
 * `warp fetch <peer>:/path <dir> --from <peers…>` and `warp fetch <content-id> <dir> --from <peers…>`: one
 * download fed by several peers through the scheduler (src/engine/swarm). The progress line shows each
 * peer's rate; --json prints the transfer.* and swarm.* events and a final result.
 */
import { formatBytes, formatRate } from '../../engine/core/bytes.ts';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { splitRemotePath } from '../../engine/net/address.ts';
import { POLICY_NAMES, type PolicyName } from '../../engine/sched/index.ts';
import { swarmFetch } from '../../engine/swarm/fetch.ts';
import { parsePeerRules } from '../../engine/swarm/peer-rules.ts';
import type { SwarmEdgeSnapshot } from '../../engine/swarm/swarm-events.ts';
import type { CliContext } from '../context.ts';
import { JsonLines } from '../render/json-lines.ts';
import { createProgressRenderer } from '../render/progress.ts';
import { transferEnv, type NetCliOpts } from './net-env.ts';

export interface SwarmCliOpts extends NetCliOpts {
  from?: string[];
  policy?: string;
  peerRule?: string[];
  parallel?: string;
  preposition?: boolean;
}

export const CONTENT_ID = /^[0-9a-f]{64}$/i;

export async function runSwarmFetch(ctx: CliContext, src: string, dir: string, o: SwarmCliOpts): Promise<void> {
  const env = await transferEnv(ctx, o);
  let remotePath: string | undefined;
  let contentId: string | undefined;
  const sources: string[] = [];
  if (CONTENT_ID.test(src)) contentId = src.toLowerCase();
  else {
    const s = splitRemotePath(src);
    if (s.remotePath === undefined)
      throw new WarpError(ErrorCodes.USAGE, `say what to fetch: ${src}:/path/on/the/peer, or a content id`);
    remotePath = s.remotePath;
    sources.push(s.address);
  }
  for (const a of o.from ?? []) if (!sources.includes(a)) sources.push(a);
  // A content id without --from: ask the paired peers (those with a known address); the ones that do not
  // hold the tree simply answer that they do not.
  if (sources.length === 0 && contentId) {
    // The peer id: the dial tries each of its known addresses.
    for (const p of env.trust.list()) if (p.addresses.length > 0) sources.push(p.id);
  }
  if (sources.length === 0)
    throw new WarpError(
      ErrorCodes.USAGE,
      'a content id needs peers to fetch from: --from <peer> [<peer>…] (or paired peers with a known address)',
    );
  const policy = (o.policy ?? env.config.sched.policy) as PolicyName;
  if (!POLICY_NAMES.includes(policy))
    throw new WarpError(ErrorCodes.USAGE, `--policy must be one of ${POLICY_NAMES.join(', ')}`);
  const rules = parsePeerRules([...env.config.swarm.peerRules, ...(o.peerRule ?? [])]);
  const parallel = o.parallel === undefined ? env.config.swarm.perPeerParallel : Number(o.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 1024)
    throw new WarpError(ErrorCodes.USAGE, `--parallel must be 1-1024 (got '${o.parallel}')`);

  const ac = new AbortController();
  const onInt = (): void => ac.abort();
  process.once('SIGINT', onInt);
  const p = createProgressRenderer(ctx, 'fetching');
  const json = ctx.opts().json;
  const lines = new JsonLines(ctx.out);
  const verbose = ((ctx.opts() as { verbose?: number }).verbose ?? 0) > 0;
  let peers = '';
  let lastLine = 0;
  let drawn = false;
  try {
    const r = await swarmFetch(env, {
      sources,
      remotePath,
      contentId,
      dest: dir,
      policy,
      constraints: rules.constraints,
      bytesThisMonth: rules.used,
      perPeerParallel: parallel,
      tickHz: env.config.sched.tickHz,
      signal: ac.signal,
      preposition: o.preposition === false ? false : undefined,
      onEvent: (e) => {
        if (e.type === 'transfer.chunk' && !verbose) return;
        if (e.type === 'swarm.edges') peers = peerRates(e.edges);
        if (json) {
          lines.push(JSON.stringify(e));
          return;
        }
        if (e.type === 'transfer.progress') {
          // One line redrawn in place: overall progress, then every peer's current rate.
          if (!ctx.stderrIsTTY || ctx.opts().quiet || performance.now() - lastLine < 100) return;
          lastLine = performance.now();
          const frac = e.totalBytes > 0 ? Math.min(1, e.bytes / e.totalBytes) : 1;
          const line = `fetching ${(frac * 100).toFixed(0).padStart(3)}% ${formatBytes(e.bytes)}/${formatBytes(e.totalBytes)} ${formatRate(e.rate)}${peers ? ` | ${peers}` : ''}`;
          process.stderr.write(`\r\x1b[2K${line.slice(0, Math.max(60, (process.stderr.columns || 160) - 1))}`);
          drawn = true;
        } else {
          // Only warnings print anything here (transfer.progress is drawn above): clear the line for them.
          if (drawn && e.type.endsWith('.warning')) {
            process.stderr.write('\r\x1b[2K');
            drawn = false;
          }
          p.event(e);
        }
      },
    });
    if (drawn) process.stderr.write('\r\x1b[2K');
    drawn = false;
    p.done();
    const per = r.perEdge.map((x) => `${short(x.peer)} ${formatBytes(x.bytes)}`).join(', ');
    const line = `fetched ${r.files} files (${formatBytes(r.bytes)}) from ${r.perEdge.filter((x) => x.bytes > 0).length} peers in ${r.elapsedSeconds.toFixed(2)} s (${formatRate(r.fetchedBytes / Math.max(r.elapsedSeconds, 1e-9))}): ${per}; ${r.failovers} failovers, ${r.reopts} re-optimisations`;
    lines.flush();
    if (json) ctx.out(JSON.stringify({ type: 'result', ...r }));
    else if (!ctx.opts().quiet) ctx.err(line);
  } finally {
    lines.flush(); // the events before an error line
    if (drawn) process.stderr.write('\r\x1b[2K');
    p.done();
    process.off('SIGINT', onInt);
    env.index?.close();
  }
}

const short = (peer: string): string => (peer.length > 12 ? `${peer.slice(0, 4)}…${peer.slice(-4)}` : peer);

function peerRates(edges: SwarmEdgeSnapshot[]): string {
  return edges
    .map((e) => `…${e.peer.slice(-4)} ${e.state === 'offline' ? 'offline' : !e.eligible ? 'idle' : formatRate(e.rate)}`)
    .join(' ');
}
