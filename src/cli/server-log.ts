/**
 * The log line of a long-running command (`warp listen`, `warp daemon`, `warp relay`): one line on stderr for the
 * person watching (`warp listen: …`, escaped, silenced by --quiet), and, when the config's `[log] file` names a
 * file, the same message as a timestamped record (text or JSON lines, `[log] format`) through the engine's
 * structured logger (engine/telemetry), so a server left running keeps a log a tool can read. Server messages
 * are `info` records; the file keeps them unless `[log] level` is `error`.
 */
import { escapeControl } from '../engine/core/safe-text.ts';
import type { WarpConfig } from '../engine/config/index.ts';
import { createLoggerFromConfig, moreVerbose } from '../engine/telemetry/index.ts';
import type { CliContext } from './context.ts';

export function serverLog(ctx: CliContext, log: WarpConfig['log'], name: string): (m: string) => void {
  const quiet = (ctx.opts() as { quiet?: boolean }).quiet;
  const file =
    log.file !== ''
      ? createLoggerFromConfig({ ...log, level: log.level === 'error' ? 'error' : moreVerbose(log.level, 'info') })
      : undefined;
  const record = file?.child({ component: name });
  return (m) => {
    if (!quiet) ctx.err(`warp ${name}: ${escapeControl(m)}`);
    record?.info(m);
  };
}
