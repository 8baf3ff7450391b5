/**
 * `warp share create|list|pause|resume|revoke|extend`: end-to-end encrypted share links (src/engine/share).
 * The share is written into WARP_HOME/shares; a running `warp daemon` serves it (ciphertext only) at the link.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { paramsForAverage } from '../../engine/codec/fastcdc.ts';
import { formatBytes } from '../../engine/core/bytes.ts';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { escapeControl } from '../../engine/core/safe-text.ts';
import { warpHome } from '../../engine/core/warp-home.ts';
import {
  createShare,
  formatShareLink,
  parseDurationSeconds,
  ShareStore,
  shareLinkBase,
  type ShareInfo,
} from '../../engine/share/index.ts';
import { hubBase, publishShare, tellHubs } from '../../engine/share/publish.ts';
import { readPasswordFile } from '../../engine/codec/kdf.ts';
import { loadCliConfig } from '../config-loader.ts';
import type { CliContext } from '../context.ts';

function positiveInt(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new WarpError(ErrorCodes.USAGE, `${what} must be a whole number of at least 1 (got '${v}')`);
  return n;
}

function line(s: ShareInfo): string {
  const exp = s.expiresAt === null ? 'never' : new Date(s.expiresAt).toISOString();
  const dl = `${s.downloads}${s.maxDownloads === null ? '' : `/${s.maxDownloads}`}`;
  return `${s.id}  ${s.status.padEnd(9)}  ${String(s.files).padStart(6)} files ${formatBytes(s.totalBytes).padStart(10)}  downloads ${dl}  served ${formatBytes(s.bytesServed)}  expires ${exp}  last ${s.lastAccess ? new Date(s.lastAccess).toISOString() : '-'}`;
}

/** What is printed of a share: everything but the owner token (it manages the share on hubs). */
function shown(s: ShareInfo): Omit<ShareInfo, 'owner'> {
  const { owner: _owner, ...rest } = s;
  return rest;
}

function report(ctx: CliContext, verb: string, s: ShareInfo): void {
  if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'share', ...shown(s) }));
  else if (!ctx.opts().quiet) ctx.err(`${verb} share ${s.id} (now ${s.status})`);
}

/** Applies a change here, then on every hub the share is on (a hub that does not answer: exit 8, retry). */
async function changeEverywhere(ctx: CliContext, verb: string, s: ShareInfo, revoked = false): Promise<void> {
  report(ctx, verb, s);
  await tellHubs(s, revoked);
}

export function register(program: Command, ctx: CliContext): void {
  const share = program
    .command('share')
    .description('end-to-end encrypted share links anyone can open (served by warp daemon)');
  share
    .command('create')
    .argument('<paths...>', 'files or folders to share')
    .description('encrypt paths under a fresh key and print the link (the key is only in the link)')
    .option('--expires <duration>', 'stop serving after this long, e.g. 30m, 24h, 7d (default: never)')
    .option('--max-downloads <n>', 'stop serving new downloads after this many')
    .option('--password-file <file>', 'also require this password (Argon2id): the link alone opens nothing')
    .option('--url <base>', "the address the link names (default: the daemon's configured address)")
    .option('--publish <hub>', "also publish it to a 'warp hub' (http://host:port); the link then names the hub")
    .action(
      async (
        paths: string[],
        o: { expires?: string; maxDownloads?: string; passwordFile?: string; url?: string; publish?: string },
      ) => {
        const { config } = loadCliConfig(ctx);
        const home = warpHome();
        const password = o.passwordFile ? await readPasswordFile(o.passwordFile) : undefined;
        const created = await createShare({
          password,
          // Archive-sized chunks (1 MiB by default): each is one HTTP request for a browser, so fewer and larger.
          home,
          paths,
          chunking: paramsForAverage(config.archive.chunkAvg),
          expiresInSeconds: o.expires === undefined ? undefined : parseDurationSeconds(o.expires, '--expires'),
          maxDownloads: positiveInt(o.maxDownloads, '--max-downloads'),
          onWarning: (p, m) => {
            if (!ctx.opts().quiet) ctx.err(`warp: warning: ${escapeControl(p)}: ${escapeControl(m)}`);
          },
        });
        const info = o.publish ? await publishShare(new ShareStore(home), created.id, o.publish) : created.info;
        const link = formatShareLink(
          o.publish ? hubBase(o.publish) : (o.url ?? shareLinkBase(config.daemon.host, config.daemon.port)),
          created.id,
          created.key,
        );
        if (ctx.opts().json) {
          ctx.out(JSON.stringify({ type: 'share', link, ...shown(info) }));
          return;
        }
        ctx.out(link);
        if (!ctx.opts().quiet)
          ctx.err(
            `shared ${created.info.files} files (${formatBytes(created.info.totalBytes)}) as ${created.id}; the link is the only copy of the key. 'warp daemon' serves it.`,
          );
      },
    );
  share
    .command('list')
    .description('shares with their state, downloads, bytes served and last access')
    .action(() => {
      const all = new ShareStore(warpHome()).list();
      if (ctx.opts().json) {
        for (const s of all) ctx.out(JSON.stringify({ type: 'share', ...shown(s) }));
        return;
      }
      if (all.length === 0 && !ctx.opts().quiet) ctx.err("no shares yet: 'warp share create <paths…>'");
      for (const s of all) ctx.out(line(s));
    });
  const change = (
    name: string,
    description: string,
    verb: string,
    apply: (store: ShareStore, id: string) => ShareInfo,
  ): void => {
    share
      .command(name)
      .argument('<id>', 'share id (warp share list)')
      .description(description)
      .action((id: string) => changeEverywhere(ctx, verb, apply(new ShareStore(warpHome()), id), name === 'revoke'));
  };
  share
    .command('publish')
    .argument('<id>', 'share id (warp share list)')
    .argument('<hub>', "a 'warp hub' address, http://host:port")
    .description(
      'copy the ciphertext to a hub, so the link works while this machine is off (only you can change it there)',
    )
    .action(async (id: string, hub: string) => {
      const info = await publishShare(new ShareStore(warpHome()), id, hub);
      if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'share', ...shown(info), hub: hubBase(hub) }));
      else if (!ctx.opts().quiet)
        ctx.err(
          `published share ${id} to ${hubBase(hub)}: the link works there with the same key, as ${hubBase(hub)}/s/${id}#<key>`,
        );
    });
  change('pause', 'stop serving a share for now (resume serves it again)', 'paused', (s, id) =>
    s.setState(id, 'paused'),
  );
  change('resume', 'serve a paused share again', 'resumed', (s, id) => s.setState(id, 'active'));
  change('revoke', 'stop serving a share for good and delete its encrypted data', 'revoked', (s, id) => s.revoke(id));
  share
    .command('extend')
    .argument('<id>', 'share id (warp share list)')
    .description('move the expiry: --expires from now, or --never')
    .option('--expires <duration>', 'new expiry, counted from now (e.g. 24h)')
    .option('--never', 'never expire')
    .option('--max-downloads <n>', 'a new download limit')
    .action((id: string, o: { expires?: string; never?: boolean; maxDownloads?: string }) => {
      if (!o.expires && !o.never && !o.maxDownloads)
        throw new WarpError(ErrorCodes.USAGE, 'say how: --expires <duration>, --never or --max-downloads <n>');
      return changeEverywhere(
        ctx,
        'extended',
        new ShareStore(warpHome()).extend(id, {
          never: o.never,
          expiresInSeconds: o.expires === undefined ? undefined : parseDurationSeconds(o.expires, '--expires'),
          maxDownloads: positiveInt(o.maxDownloads, '--max-downloads'),
        }),
      );
    });
}

/** `warp fetch <share-link> <dir>`. */
export async function runShareFetch(
  ctx: CliContext,
  link: string,
  dir: string,
  o: { passwordFile?: string } = {},
): Promise<void> {
  const { fetchShare } = await import('../../engine/share/fetch.ts');
  const { FileIndex } = await import('../../engine/store/file-index.ts');
  const { ChunkStore } = await import('../../engine/store/chunk-store.ts');
  const { config } = loadCliConfig(ctx);
  const home = warpHome();
  // The same local sources as a peer fetch (net-env.ts): chunks this machine holds are read, not fetched.
  const index = new FileIndex(path.join(home, 'store'));
  const store = new ChunkStore(path.join(home, 'store', 'chunks'), { maxBytes: config.transfer.storeMax });
  const { createProgressRenderer } = await import('../render/progress.ts');
  const p = createProgressRenderer(ctx, 'fetching');
  const t0 = performance.now();
  let r;
  try {
    r = await fetchShare({
      link,
      dir,
      password: o.passwordFile ? await readPasswordFile(o.passwordFile) : undefined,
      index,
      store,
      onProgress: (s) =>
        p.event({
          type: 'share.progress',
          ...s,
          rate: s.bytes / Math.max((performance.now() - t0) / 1000, 1e-3),
          etaSeconds: -1,
        } as { type: string }),
    });
  } finally {
    p.done();
    index.close();
  }
  if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'result', ...r }));
  else if (!ctx.opts().quiet)
    ctx.err(
      `fetched ${r.files} files (${formatBytes(r.bytes)}) from the share: ${r.keptFiles} already here, ${r.fetchedChunks} chunks fetched (${formatBytes(r.wireBytes)} on the wire), ${r.resumedChunks} resumed from part files, ${r.localChunks} read from this machine`,
    );
}
