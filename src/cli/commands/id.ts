/** `warp id`: this installation's peer id (created on first use) and the addresses a listener would use. */
import os from 'node:os';
import type { Command } from 'commander';
import { warpHome } from '../../engine/core/warp-home.ts';
import { loadIdentity } from '../../engine/net/identity.ts';
import { loadCliConfig } from '../config-loader.ts';
import type { CliContext } from '../context.ts';

/** Addresses a listener on `port` would be reachable at (non-internal IPv4 interfaces, and loopback). */
function listenAddresses(peerId: string, port: number, host = '0.0.0.0'): string[] {
  const ips =
    host === '0.0.0.0'
      ? [
          '127.0.0.1',
          ...Object.values(os.networkInterfaces())
            .flat()
            .filter((i) => i && i.family === 'IPv4' && !i.internal)
            .map((i) => i!.address),
        ]
      : [host];
  return ips.flatMap((ip) => [`/ip4/${ip}/udp/${port}/quic-v1/p2p/${peerId}`, `/ip4/${ip}/tcp/${port}/p2p/${peerId}`]);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('id')
    .description("print this installation's peer id and the addresses a listener would use")
    .option('--port <n>', 'port to show in the addresses (default from config)')
    .action(async (o: { port?: string }) => {
      const { config } = loadCliConfig(ctx);
      const id = await loadIdentity(warpHome());
      const port = o.port ? Number(o.port) : config.transfer.port;
      const addresses = listenAddresses(id.peerId, port, config.transfer.host);
      if (ctx.opts().json)
        ctx.out(JSON.stringify({ type: 'result', peerId: id.peerId, keyFile: id.file, port, addresses }));
      else {
        ctx.out(id.peerId);
        if (!ctx.opts().quiet) for (const a of addresses) ctx.err(`  ${a}`);
      }
    });
}
