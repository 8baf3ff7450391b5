/**
 * `warp send <src> <dest>` and `warp fetch <src> <dir>`: to or from a peer when the address is one
 * (`host:port`, `<peer-id>@host:port`, a multiaddr; `:/remote/path` after it), else the local archive
 * shortcuts (`send` archives to a .warp file, `fetch` extracts one). `fetch … --from <peers…>` or a content id
 * as the source is a swarm download (swarm-fetch.ts).
 */
import type { Command } from 'commander';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { looksLikePeerAddress as looksLikeAddress, splitRemotePath } from '../../engine/net/address.ts';
import { warpHome } from '../../engine/core/warp-home.ts';
import { TrustStore } from '../../engine/net/trust.ts';
import { looksLikeShareLink } from '../../engine/share/format.ts';
import type { CliContext } from '../context.ts';
import { runCreate, runExtract, type CreateCliOpts } from './archive.ts';
import { ignoreOptions } from './ignore-options.ts';
import { CONTENT_ID, runSwarmFetch, type SwarmCliOpts } from './swarm-fetch.ts';
import { runShareFetch } from './share.ts';
import { runNetFetch, runNetSend } from './transfer.ts';

/** An address, or `<paired peer's name or id>:/path` (a name that is also a local folder stays local). */
function looksLikePeerAddress(text: string): boolean {
  if (looksLikeAddress(text)) return true;
  const { address, remotePath } = splitRemotePath(text);
  if (remotePath === undefined || address === '' || address.includes('/')) return false;
  try {
    return new TrustStore(warpHome()).find(address) !== undefined;
  } catch {
    return false;
  }
}

const netOptions = (c: Command): Command =>
  c
    .option('--transport <t>', 'quic | tcp | auto (QUIC, falling back to TCP)')
    .option('--streams <n>', 'parallel streams')
    .option('--window <n>', 'chunks in flight')
    .option('--no-compress', 'never compress chunks on the wire');

/** --delete mirrors a tree between peers; an archive or a swarm download has no destination copy to prune. */
async function noMirror(o: { delete?: boolean }, run: () => Promise<void>): Promise<void> {
  if (!o.delete) return run();
  throw new WarpError(
    ErrorCodes.USAGE,
    '--delete works between peers (warp send <path> <peer>, warp fetch <peer>:/path <dir>), not with archives or swarm downloads',
  );
}

export function register(program: Command, ctx: CliContext): void {
  ignoreOptions(
    netOptions(
      program
        .command('send')
        .argument('<src>', 'file or directory')
        .argument('<dest>', 'peer address[:/remote/dir], or an archive to write (.warp)')
        .description('send a path to a peer (it pulls what it lacks), or archive it into a local .warp file')
        .option('-n, --dry-run', 'list what would be sent (after ignore rules) and stop')
        .option(
          '--delete',
          'mirror: the peer removes what its copy holds and this tree lacks (kept in its .warp-versions/)',
        )
        .option('--no-versions', 'with --delete: remove for good instead of keeping removed files in .warp-versions/')
        .option('--password-file <file>', 'encrypt with a password from this file (archive)')
        .option('--key-file <file>', 'encrypt with a 32-byte key file (archive)')
        .option('--level <level>', 'compression: fast | balanced | max (archive)')
        .option('-f, --force', 'replace an existing archive'),
    ),
  ).action(
    (
      src: string,
      dest: string,
      o: Omit<CreateCliOpts, 'output'> & {
        transport?: string;
        streams?: string;
        window?: string;
        compress?: boolean;
        delete?: boolean;
        versions?: boolean;
      },
    ) =>
      looksLikePeerAddress(dest)
        ? runNetSend(ctx, src, dest, o)
        : noMirror(o, () => runCreate(ctx, [src], { ...o, output: dest })),
  );

  netOptions(
    program
      .command('fetch')
      .argument(
        '<src>',
        'peer-address:/remote/path, a share link (http://host:port/s/<id>#<key>), or an archive to read (.warp)',
      )
      .argument('<dir>', 'target directory')
      .description('fetch a path from a peer (only missing chunks move), or extract a local .warp file')
      .option('--password-file <file>', 'password file for an encrypted archive')
      .option('--key-file <file>', 'key file for an encrypted archive')
      .option('--overwrite', 'replace existing files (archive)')
      .option('--skip', 'keep existing files (archive)')
      .option('--delete', 'mirror: remove what the local copy holds and the peer lacks (kept in .warp-versions/)')
      .option('--no-versions', 'with --delete: remove for good instead of keeping removed files in .warp-versions/')
      .option('--from <peers...>', 'swarm: more peers holding the same tree (or the peers for a content id)')
      .option(
        '--policy <p>',
        'swarm: performance | balanced | eco | cost-conscious | quiet (default from config sched.policy)',
      )
      .option(
        '--peer-rule <rule...>',
        "swarm: per-peer window or budget, e.g. '<peer-id> window=required@09:00-17:00' (see docs/SWARM.md)",
      )
      .option('--parallel <n>', 'swarm: most chunks in flight per peer')
      .option('--no-preposition', 'swarm: never pre-position chunks on peers after the download'),
  ).action(
    (
      src: string,
      dir: string,
      o: {
        passwordFile?: string;
        keyFile?: string;
        overwrite?: boolean;
        skip?: boolean;
        transport?: string;
        streams?: string;
        window?: string;
        compress?: boolean;
        delete?: boolean;
        versions?: boolean;
      } & SwarmCliOpts,
    ) =>
      looksLikeShareLink(src)
        ? noMirror(o, () => runShareFetch(ctx, src, dir, o))
        : CONTENT_ID.test(src) || (o.from && o.from.length > 0 && looksLikePeerAddress(src))
          ? noMirror(o, () => runSwarmFetch(ctx, src, dir, o))
          : looksLikePeerAddress(src)
            ? runNetFetch(ctx, src, dir, o)
            : noMirror(o, () => runExtract(ctx, src, [], { ...o, directory: dir })),
  );
}
