/**
 * Renders engine progress: a redrawn bar on a terminal (stderr), JSON event lines with --json (stdout),
 * nothing with --quiet or when stderr is not a terminal (logs stay clean).
 */
import { formatBytes, formatDuration, formatRate } from '../../engine/core/bytes.ts';
import { escapeControl } from '../../engine/core/safe-text.ts';
import type { ProgressSnapshot } from '../../engine/core/progress.ts';
import type { CliContext } from '../context.ts';

export interface ProgressRenderer {
  event(e: { type: string }): void;
  /** Clears the bar line before other output. */
  done(): void;
}

export function createProgressRenderer(
  ctx: CliContext,
  label: string,
  opts: { stdoutIsData?: boolean } = {},
): ProgressRenderer {
  const { json, quiet } = ctx.opts();
  const verbose = ((ctx.opts() as { verbose?: number }).verbose ?? 0) > 0;
  let drawn = false;
  const write = (s: string) => process.stderr.write(s);
  return {
    event(ev) {
      const e = ev as { type: string } & Record<string, unknown>;
      if (json && !opts.stdoutIsData) {
        // One line per restored file floods a pipe at 100k files; those come with --verbose only.
        if (e.type.endsWith('.file') && !verbose) return;
        ctx.out(JSON.stringify(e));
        return;
      }
      if (e.type.endsWith('.warning') && !quiet) {
        if (drawn) {
          write('\r\x1b[2K');
          drawn = false;
        }
        ctx.err(`warp: warning: ${escapeControl(String(e.path))}: ${escapeControl(String(e.message))}`);
        return;
      }
      if (quiet || !ctx.stderrIsTTY || !e.type.endsWith('.progress')) return;
      const s = e as unknown as ProgressSnapshot;
      const frac = s.totalBytes > 0 ? Math.min(1, s.bytes / s.totalBytes) : 1;
      const width = Math.max(10, Math.min(30, (process.stderr.columns ?? 80) - 70));
      const filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const eta = s.etaSeconds >= 0 ? formatDuration(s.etaSeconds) : '--:--';
      write(
        `\r\x1b[2K${label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${formatBytes(s.bytes)}/${formatBytes(s.totalBytes)} ${s.files}/${s.totalFiles} files ${formatRate(s.rate)} ETA ${eta}`,
      );
      drawn = true;
    },
    done() {
      if (drawn) write('\r\x1b[2K');
      drawn = false;
    },
  };
}
