/** Network `send` and `fetch` (the shortcuts route here when an argument is a peer address). */
import { formatBytes, formatRate } from '../../engine/core/bytes.ts';
import { splitRemotePath } from '../../engine/net/address.ts';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { PauseController } from '../../engine/core/pause.ts';
import { fetchTree } from '../../engine/transfer/client.ts';
import { sendTree } from '../../engine/transfer/send.ts';
import type { TransferEvent } from '../../engine/transfer/transfer-events.ts';
import type { MirrorResult } from '../../engine/transfer/mirror.ts';
import { VERSIONS_DIR } from '../../engine/transfer/versions.ts';
import type { CliContext } from '../context.ts';
import { wirePauseControls } from '../pause-control.ts';
import { createProgressRenderer } from '../render/progress.ts';
import { transferEnv, type NetCliOpts } from './net-env.ts';
import { ignoreRulesFrom, printDryRun, type IgnoreCliOpts } from './ignore-options.ts';

function renderer(ctx: CliContext, label: string): { on: (e: TransferEvent) => void; done: () => void } {
  const p = createProgressRenderer(ctx, label);
  // One line per chunk floods a pipe (32k lines per GiB): chunk events come with --verbose only.
  const verbose = ((ctx.opts() as { verbose?: number }).verbose ?? 0) > 0;
  return {
    on: (e) => {
      if (e.type !== 'transfer.chunk' || verbose) p.event(e);
    },
    done: () => p.done(),
  };
}

function result(ctx: CliContext, r: Record<string, unknown>, line: string): void {
  if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'result', ...r }));
  else if (!ctx.opts().quiet) ctx.err(line);
}

interface MirrorCliOpts {
  delete?: boolean;
  versions?: boolean;
}

/** ", removed 3 files (kept in .warp-versions)" for a mirror run, else ''. */
function mirrorLine(m: MirrorResult | undefined): string {
  if (!m) return '';
  const what = `removed ${m.deletedFiles} file${m.deletedFiles === 1 ? '' : 's'}${m.deletedDirs ? ` and ${m.deletedDirs} folder${m.deletedDirs === 1 ? '' : 's'}` : ''}`;
  return `, ${what}${m.versioned ? ` (kept in ${VERSIONS_DIR}/)` : ''}${m.protectedPaths ? `, ${m.protectedPaths} ignored kept` : ''}`;
}

export async function runNetSend(
  ctx: CliContext,
  src: string,
  dest: string,
  o: NetCliOpts & IgnoreCliOpts & MirrorCliOpts & { dryRun?: boolean },
): Promise<void> {
  const { address, remotePath } = splitRemotePath(dest);
  const ignore = ignoreRulesFrom(o);
  if (o.dryRun) {
    printDryRun(ctx, [src], ignore);
    return;
  }
  const env = await transferEnv(ctx, o);
  const ac = new AbortController();
  const onInt = (): void => ac.abort();
  process.once('SIGINT', onInt);
  const pause = new PauseController();
  const unwire = wirePauseControls(ctx, pause);
  const r0 = renderer(ctx, 'sending');
  try {
    const r = await sendTree(env, {
      address,
      localPath: src,
      remotePath: remotePath ?? '/',
      signal: ac.signal,
      pause,
      onEvent: r0.on,
      ignore,
      ...(o.delete ? { mirror: { versions: o.versions !== false } } : {}),
    });
    r0.done();
    result(
      ctx,
      { ...r },
      `sent ${r.files} files (${formatBytes(r.bytes)}) to ${r.peer} over ${r.transport}: ${formatBytes(r.wireBytes)} on the wire, ${r.localChunks} chunks already there, ${r.unchangedFiles} files unchanged${mirrorLine(r.mirror)}, ${r.elapsedSeconds.toFixed(2)} s (${formatRate(r.fetchedBytes / Math.max(r.elapsedSeconds, 1e-9))})`,
    );
  } finally {
    r0.done();
    unwire();
    process.off('SIGINT', onInt);
    env.index?.close();
  }
}

export async function runNetFetch(
  ctx: CliContext,
  src: string,
  dir: string,
  o: NetCliOpts & MirrorCliOpts,
): Promise<void> {
  const { address, remotePath } = splitRemotePath(src);
  if (remotePath === undefined) throw new WarpError(ErrorCodes.USAGE, `say what to fetch: ${src}:/path/on/the/peer`);
  const env = await transferEnv(ctx, o);
  const ac = new AbortController();
  const onInt = (): void => ac.abort();
  process.once('SIGINT', onInt); // stop cleanly: part files stay for a resume, nothing half-written is renamed
  const pause = new PauseController();
  const unwire = wirePauseControls(ctx, pause);
  const r0 = renderer(ctx, 'fetching');
  try {
    const r = await fetchTree(env, {
      address,
      remotePath,
      localDir: dir,
      signal: ac.signal,
      pause,
      onEvent: r0.on,
      ...(o.delete ? { mirror: { versions: o.versions !== false } } : {}),
    });
    r0.done();
    result(
      ctx,
      { ...r },
      `fetched ${r.files} files (${formatBytes(r.bytes)}) from ${r.peer} over ${r.transport}: ${formatBytes(r.wireBytes)} on the wire, ${r.localChunks} chunks local, ${r.unchangedFiles} files unchanged${mirrorLine(r.mirror)}, ${r.elapsedSeconds.toFixed(2)} s (${formatRate(r.fetchedBytes / Math.max(r.elapsedSeconds, 1e-9))})`,
    );
  } finally {
    r0.done();
    unwire();
    process.off('SIGINT', onInt);
    env.index?.close();
  }
}
