/** `warp bench local`: codec speeds on this machine. */
import type { Command } from 'commander';
import { measureCodecSpeeds } from '../../engine/codec/speed.ts';
import { parseByteSize } from '../../engine/core/bytes.ts';
import type { CliContext } from '../context.ts';
import { benchCommand } from './bench-group.ts';

export function register(program: Command, ctx: CliContext): void {
  benchCommand(program)
    .command('local')
    .description('measure chunking, hashing, compression and encryption speeds (one thread)')
    .option('--size <size>', 'data per measurement', '64MiB')
    .option('--seconds <s>', 'minimum seconds per measurement', '1')
    .action((o: { size: string; seconds: string }) => {
      if (!ctx.opts().json && !ctx.opts().quiet) ctx.err('measuring (one thread, MB/s = 10^6 bytes per second)…');
      const rows = measureCodecSpeeds({ sizeBytes: parseByteSize(o.size, '--size'), minSeconds: Number(o.seconds) });
      if (ctx.opts().json) {
        ctx.out(JSON.stringify({ type: 'result', rows }));
        return;
      }
      ctx.out(`${'operation'.padEnd(36)} ${'data'.padEnd(7)} ${'MB/s'.padStart(8)}`);
      for (const r of rows)
        ctx.out(
          `${r.name.padEnd(36)} ${r.data.padEnd(7)} ${r.mbPerSecond.toFixed(0).padStart(8)}${r.note ? `  (${r.note})` : ''}`,
        );
    });
}
