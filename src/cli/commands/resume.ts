/** `warp resume [list]` shows interrupted sessions; `warp resume <session>` runs one again (only missing chunks move). */
import type { Command } from 'commander';
import { formatBytes } from '../../engine/core/bytes.ts';
import { escapeControl } from '../../engine/core/safe-text.ts';
import { warpHome } from '../../engine/core/warp-home.ts';
import { SessionStore } from '../../engine/transfer/sessions.ts';
import type { CliContext } from '../context.ts';
import { runNetFetch, runNetSend } from './transfer.ts';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('resume')
    .argument('[session]', "'list' (the default), or a session id (or a unique prefix) to resume")
    .description('list interrupted transfers, or resume one (only missing chunks move)')
    .option('--all', 'list finished sessions too')
    .action((id: string | undefined, o: { all?: boolean }) => (id && id !== 'list' ? run(ctx, id) : list(ctx, o.all)));
}

function list(ctx: CliContext, all?: boolean): void {
  const sessions = new SessionStore(warpHome()).list({ all });
  if (ctx.opts().json) {
    for (const s of sessions) ctx.out(JSON.stringify({ type: 'session', ...s }));
    return;
  }
  if (sessions.length === 0) {
    if (!ctx.opts().quiet) ctx.err('no interrupted sessions');
    return;
  }
  for (const s of sessions) {
    const what =
      s.kind === 'fetch'
        ? `fetch ${s.address}:${s.remotePath} -> ${s.localPath}`
        : `send ${s.localPath} -> ${s.address}:${s.remotePath}`;
    ctx.out(
      `${s.id.slice(0, 12)}  ${s.status.padEnd(11)}  ${escapeControl(what)}${s.bytes ? `  (${formatBytes(s.bytes)})` : ''}${s.error ? `  ${escapeControl(s.error.slice(0, 100))}` : ''}`,
    );
  }
}

async function run(ctx: CliContext, id: string): Promise<void> {
  const s = new SessionStore(warpHome()).get(id);
  if (s.kind === 'fetch')
    await runNetFetch(ctx, `${s.address}:${s.remotePath}`, s.localPath, { transport: s.transport });
  else
    await runNetSend(ctx, s.localPath, s.remotePath === '/' ? s.address : `${s.address}:${s.remotePath}`, {
      transport: s.transport,
    });
}
