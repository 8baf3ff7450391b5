/** `warp peers`: list, add and remove trusted (paired) peers. */
import type { Command } from 'commander';
import { warpHome } from '../../engine/core/warp-home.ts';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { escapeControl } from '../../engine/core/safe-text.ts';
import { TrustStore, assertPeerId } from '../../engine/net/trust.ts';
import type { CliContext } from '../context.ts';

export function register(program: Command, ctx: CliContext): void {
  const peers = program.command('peers').description('list, add and remove trusted peers');
  const list = (): void => {
    const all = new TrustStore(warpHome()).list();
    if (ctx.opts().json) {
      for (const p of all) ctx.out(JSON.stringify({ type: 'peer', ...p }));
      return;
    }
    if (all.length === 0)
      ctx.err('no paired peers yet: run `warp pair` on one machine and `warp pair <code> <address>` on the other');
    for (const p of all)
      ctx.out(`${p.id}  ${escapeControl(p.name ?? '-')}  ${escapeControl(p.address ?? '-')}  ${p.via}  ${p.addedAt}`);
  };
  peers.command('list', { isDefault: true }).description('list trusted peers').action(list);
  peers
    .command('add')
    .argument('<peer-id>')
    .option('--name <name>', 'a name to remember it by')
    .option('--address <addr>', 'where it listens')
    .description('trust a peer id without pairing (you checked it yourself)')
    .action((id: string, o: { name?: string; address?: string }) => {
      new TrustStore(warpHome()).add({ id: assertPeerId(id), name: o.name, address: o.address, via: 'manual' });
      if (!ctx.opts().quiet) ctx.err(`trusted ${id}`);
    });
  peers
    .command('remove')
    .alias('rm')
    .argument('<peer-id-or-name>')
    .description('stop trusting a peer')
    .action((id: string) => {
      if (!new TrustStore(warpHome()).remove(id))
        throw new WarpError(ErrorCodes.USAGE, `no trusted peer '${id}' ('warp peers' lists them)`);
      if (!ctx.opts().quiet) ctx.err(`removed ${id}`);
    });
}
