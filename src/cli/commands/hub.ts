/**
 * `warp hub`: a small headless host for share links (src/engine/http/hub.ts). Owners publish a share's ciphertext
 * to it (`warp share create --publish <hub>` or `warp share publish <id> <hub>`), so the link works while their
 * machine is off; only the owner (by the owner token derived from the share's key) can publish, pause, extend or
 * revoke there. It prints its address (with --json a first line `{"type":"hub","url":…}`) and runs until stopped.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { parseByteSize } from '../../engine/core/bytes.ts';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { warpHome } from '../../engine/core/warp-home.ts';
import { startHub } from '../../engine/http/hub.ts';
import type { CliContext } from '../context.ts';

const DEFAULT_HUB_PORT = 7660;

export function register(program: Command, ctx: CliContext): void {
  program
    .command('hub')
    .description('host share links for their owners while their machines are off (keeps ciphertext only)')
    .option('--port <n>', `port; 0 picks a free one (default ${DEFAULT_HUB_PORT})`)
    .option('--host <addr>', 'address to bind (default 127.0.0.1; 0.0.0.0 for everyone)')
    .option('--dir <dir>', 'where shares are kept (default $WARP_HOME/hub)')
    .option('--max-share <bytes>', 'largest share taken, e.g. 20GB (default 64GB)')
    .action(async (o: { port?: string; host?: string; dir?: string; maxShare?: string }) => {
      const port = o.port === undefined ? DEFAULT_HUB_PORT : Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new WarpError(ErrorCodes.USAGE, `--port must be 0-65535 (got '${o.port}')`);
      const hub = await startHub({
        dir: path.resolve(o.dir ?? path.join(warpHome(), 'hub')),
        host: o.host ?? '127.0.0.1',
        port,
        maxShareBytes: o.maxShare === undefined ? 64e9 : parseByteSize(o.maxShare),
        log: (m) => ctx.err(`warp hub: ${m}`),
      });
      if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'hub', url: hub.url }));
      else
        ctx.out(`warp hub: serving share links at ${hub.url} (publish with 'warp share create --publish ${hub.url}')`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await hub.close();
    });
}
