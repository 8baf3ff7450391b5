/** `warp probe <peer>`: handshake time, RTT, a short throughput test, negotiated parameters and advice. */
import type { Command } from 'commander';
import { formatBytes, formatRate, parseByteSize } from '../../engine/core/bytes.ts';
import { describePath } from '../../engine/net/path.ts';
import { describeReachability } from '../../engine/net/reachability.ts';
import { probePeer } from '../../engine/transfer/client.ts';
import type { CliContext } from '../context.ts';
import { transferEnv, type NetCliOpts } from './net-env.ts';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('probe')
    .argument('<peer-address>')
    .description('measure a peer: handshake, round trip, throughput; show negotiated parameters')
    .option('--bytes <size>', 'throughput test size (default 64MiB)')
    .option('--transport <t>', 'quic | tcp | auto')
    .option('--streams <n>', 'parallel streams')
    .action(async (address: string, o: NetCliOpts & { bytes?: string }) => {
      const env = await transferEnv(ctx, o);
      const r = await probePeer(env, address, { bytes: o.bytes ? parseByteSize(o.bytes, '--bytes') : undefined });
      if (ctx.opts().json) {
        ctx.out(JSON.stringify({ type: 'result', ...r }));
        return;
      }
      ctx.out(
        [
          `peer        ${r.peer}`,
          `transport   ${r.transport}`,
          `path        ${describePath(r.path)}${r.path.kind === 'relayed' ? ` (${r.path.remote})` : ''}`,
          `reachable   ${r.reachability ? describeReachability(r.reachability) : 'not told (an unpaired or older peer)'}`,
          `handshake   ${r.handshakeMs.toFixed(1)} ms`,
          `rtt         ${r.rttMs.median.toFixed(2)} ms (min ${r.rttMs.min.toFixed(2)}, max ${r.rttMs.max.toFixed(2)})`,
          `throughput  ${formatRate(r.throughputBytesPerSec)} (${formatBytes(r.probeBytes)} over ${r.negotiated.streams} streams)`,
          `negotiated  protocol v${r.negotiated.version}, ${r.negotiated.peerAgent}, streams ${r.negotiated.streams}, window ${r.negotiated.window}, compression ${r.wireCompression === 'on' ? 'zstd' : r.wireCompression === 'auto' ? 'zstd while the link is slower than the compressor' : 'off'}, max chunk ${formatBytes(r.negotiated.maxChunk)}`,
          ...r.advice.map((a) => `advice      ${a}`),
        ].join('\n'),
      );
    });
}
