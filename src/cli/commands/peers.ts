/**
 * `warp peers`: list, add, remove, rename trusted (paired) peers and edit their addresses;
 * `warp name`: this machine's friendly name (what peers see when pairing).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { warpHome } from '../../engine/core/warp-home.ts';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { escapeControl } from '../../engine/core/safe-text.ts';
import { TrustStore, assertPeerId, cleanAddresses, type TrustedPeer } from '../../engine/net/trust.ts';
import { writeConfigValues } from '../../engine/service/config-write.ts';
import { cliConfigPath, loadCliConfig } from '../config-loader.ts';
import type { CliContext } from '../context.ts';
import { browseNearby, deviceName, transferEnv } from './net-env.ts';

export function register(program: Command, ctx: CliContext): void {
  const peers = program
    .command('peers')
    .description('list, add, remove and rename trusted peers; edit their addresses');
  const show = (p: TrustedPeer, what: string): void => {
    if (ctx.opts().json) ctx.out(JSON.stringify({ type: what, ...p }));
    else if (!ctx.opts().quiet)
      ctx.err(`${what} ${escapeControl(p.name ?? p.id)}: ${p.addresses.map(escapeControl).join(' ') || 'no address'}`);
  };
  peers
    .command('list', { isDefault: true })
    .description('list trusted peers: id, name, addresses (best first), how they were added')
    .action(() => {
      const all = new TrustStore(warpHome()).list();
      if (ctx.opts().json) {
        for (const p of all) ctx.out(JSON.stringify({ type: 'peer', ...p }));
        return;
      }
      if (all.length === 0)
        ctx.err('no paired peers yet: run `warp pair` on one machine and `warp pair <code>` on the other');
      for (const p of all)
        ctx.out(
          `${p.id}  ${escapeControl(p.name ?? '-')}  ${escapeControl(p.addresses.join(',') || '-')}  ${p.via}  ${p.addedAt}`,
        );
    });
  registerNearby(peers, ctx);
  peers
    .command('add')
    .argument('<peer-id>')
    .option('--name <name>', 'a name to remember it by')
    .option('--address <addr...>', 'where it listens (host:port or multiaddr; several: best first)')
    .description('trust a peer id without pairing (you checked it yourself)')
    .action((id: string, o: { name?: string; address?: string[] }) => {
      const peerId = assertPeerId(id);
      const addresses = o.address ? cleanAddresses(o.address, peerId, true) : [];
      show(
        new TrustStore(warpHome()).add({
          id: peerId,
          name: o.name,
          renamed: o.name !== undefined || undefined,
          addresses,
          via: 'manual',
        }),
        'trusted',
      );
    });
  peers
    .command('set-address')
    .alias('set-addresses')
    .argument('<peer>', "a paired peer's id or name")
    .argument('<address...>', 'host:port, <peer-id>@host:port or multiaddrs (relayed ones too), best first')
    .description("replace a paired peer's addresses (where this machine dials it)")
    .action((peer: string, addresses: string[]) =>
      show(new TrustStore(warpHome()).setAddresses(peer, addresses), 'updated'),
    );
  peers
    .command('rename')
    .argument('<peer>', "a paired peer's id or name")
    .argument('<name>', 'the name to know it by (its own name no longer replaces it)')
    .description('give a paired peer a name of your own')
    .action((peer: string, name: string) => show(new TrustStore(warpHome()).rename(peer, name), 'renamed'));
  peers
    .command('remove')
    .alias('rm')
    .argument('<peer-id-or-name>')
    .description('stop trusting a peer')
    .action((id: string) => {
      if (!new TrustStore(warpHome()).remove(id))
        throw new WarpError(ErrorCodes.PEER_UNKNOWN, `no trusted peer '${id}' ('warp peers' lists them)`);
      if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'result', removed: id }));
      else if (!ctx.opts().quiet) ctx.err(`removed ${id}`);
    });

  const name = program.command('name').description("this machine's friendly name, as peers see it when pairing");
  const current = (): { name: string; configured: string } => {
    const { config } = loadCliConfig(ctx);
    return { name: deviceName(config.transfer.name), configured: config.transfer.name };
  };
  name
    .command('show', { isDefault: true })
    .description('print the name (transfer.name, else the host name)')
    .action(() => {
      const c = current();
      if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'result', name: c.name, fromConfig: c.configured !== '' }));
      else ctx.out(c.name);
    });
  name
    .command('set')
    .argument('<name>', "at most 64 characters, without ':', '/' or '@' (empty: the host name)")
    .description('set the name (written to config.toml as transfer.name)')
    .action((n: string) => {
      const file = writeConfigValues(cliConfigPath(ctx) ?? path.join(warpHome(), 'config.toml'), {
        'transfer.name': n.trim(),
      });
      const c = current();
      if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'result', name: c.name, file }));
      else if (!ctx.opts().quiet) ctx.err(`this machine is now '${escapeControl(c.name)}' (${file})`);
    });
}

/** `warp peers nearby`: a few seconds of listening on the LAN, no daemon needed. */
function registerNearby(peers: Command, ctx: CliContext): void {
  peers
    .command('nearby')
    .option('--seconds <n>', 'how long to listen for answers', '4')
    .description(
      'list Warp devices on this network (multicast DNS, no daemon needed): name, peer id, paired or not, whether it takes pairing requests or shows a code',
    )
    .action(async (o: { seconds: string }) => {
      const seconds = Number(o.seconds);
      if (!(seconds >= 1 && seconds <= 60))
        throw new WarpError(ErrorCodes.USAGE, `--seconds must be 1-60 (got '${o.seconds}')`);
      const env = await transferEnv(ctx);
      if (!ctx.opts().json && !ctx.opts().quiet) ctx.err(`listening for Warp devices for ${seconds} s…`);
      const found = await browseNearby(env, seconds * 1000);
      if (ctx.opts().json) {
        for (const d of found) ctx.out(JSON.stringify({ type: 'device', ...d }));
        return;
      }
      if (found.length === 0 && !ctx.opts().quiet)
        ctx.err('no Warp device answered (is discovery on there, on the same network?)');
      for (const d of found)
        ctx.out(
          `${escapeControl(d.name)}  ${d.peerId}  ${d.paired ? 'paired' : d.requests ? 'unpaired: warp pair --nearby' : 'unpaired'}${d.pairing ? `  shows a code (${d.pairing}-…)` : ''}  ${escapeControl(d.addresses[0] ?? '-')}`,
        );
    });
}
