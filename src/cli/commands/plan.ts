/** `warp plan <path> <peer>[:/dir]`: what a send would move (files, bytes, chunks the peer already has) and how long. */
import type { Command } from 'commander';
import { formatBytes, formatDuration, formatRate } from '../../engine/core/bytes.ts';
import { splitRemotePath } from '../../engine/net/address.ts';
import { planSend } from '../../engine/transfer/client.ts';
import type { CliContext } from '../context.ts';
import { transferEnv, type NetCliOpts } from './net-env.ts';
import { ignoreOptions, ignoreRulesFrom, type IgnoreCliOpts } from './ignore-options.ts';

export function register(program: Command, ctx: CliContext): void {
  ignoreOptions(
    program
      .command('plan')
      .argument('<path>', 'what you would send')
      .argument('<peer-address>', 'peer[:/remote/dir]')
      .description(
        'show what `warp send` would move: files, bytes, chunks the peer already has, estimated time from a probe',
      )
      .option('--transport <t>', 'quic | tcp | auto'),
  ).action(async (src: string, dest: string, o: NetCliOpts & IgnoreCliOpts) => {
    const ignore = ignoreRulesFrom(o);
    const env = await transferEnv(ctx, o);
    const { address, remotePath } = splitRemotePath(dest);
    const p = await planSend(env, src, address, remotePath ?? '/', ignore);
    env.index?.close();
    if (ctx.opts().json) {
      ctx.out(JSON.stringify({ type: 'result', ...p }));
      return;
    }
    ctx.out(
      [
        `files       ${p.files} (${p.unchangedFiles} already identical there)`,
        `bytes       ${formatBytes(p.bytes)} (${formatBytes(p.uniqueBytes)} unique)`,
        `chunks      ${p.chunks}: the peer has ${p.haveChunks} (${formatBytes(p.haveBytes)}), needs ${p.needChunks} (${formatBytes(p.needBytes)})`,
        `estimate    ${formatDuration(p.estimatedSeconds)} at ${formatRate(p.throughputBytesPerSec)} over ${p.transport} (probe)`,
      ].join('\n'),
    );
  });
}
