/** `warp id`: this installation's peer id (created on first use) and the addresses a listener would use. */
import type { Command } from 'commander';
import { warpHome } from '../../engine/core/warp-home.ts';
import { loadIdentity } from '../../engine/net/identity.ts';
import { loadCliConfig } from '../config-loader.ts';
import type { CliContext } from '../context.ts';
import { listenAddresses } from './net-env.ts';

export function register(program: Command, ctx: CliContext): void {
  program.command('id').description("print this installation's peer id and the addresses a listener would use")
    .option('--port <n>', 'port to show in the addresses (default from config)')
    .action(async (o: { port?: string }) => {
      const { config } = loadCliConfig(ctx);
      const id = await loadIdentity(warpHome());
      const port = o.port ? Number(o.port) : config.transfer.port;
      const addresses = listenAddresses(id.peerId, port, config.transfer.host);
      if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'result', peerId: id.peerId, keyFile: id.file, port, addresses }));
      else {
        ctx.out(id.peerId);
        if (!ctx.opts().quiet) for (const a of addresses) ctx.err(`  ${a}`);
      }
    });
}
