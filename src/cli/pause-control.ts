/**
 * Pausing a network transfer from the command line. Ctrl-Z (SIGTSTP) toggles pause instead of stopping the
 * process (a stopped process would let the connection time out); SIGCONT resumes, so `kill -TSTP <pid>` and
 * `kill -CONT <pid>` work from scripts. No raw-mode keys: putting a terminal in raw mode from a background job
 * stops it (SIGTTOU), and Ctrl-Z already reaches the foreground job as a signal.
 */
import type { PauseController } from '../engine/core/pause.ts';
import type { CliContext } from './context.ts';

export function wirePauseControls(ctx: CliContext, pause: PauseController): () => void {
  const { json, quiet } = ctx.opts();
  const onTstp = (): void => pause.toggle();
  const onCont = (): void => pause.resume();
  process.on('SIGTSTP', onTstp);
  process.on('SIGCONT', onCont);
  const off = pause.onChange((paused) => {
    if (json || quiet) return; // --json: the transfer.paused event line says it
    if (ctx.stderrIsTTY) process.stderr.write('\r\x1b[2K');
    ctx.err(paused ? 'warp: paused (Ctrl-Z again or SIGCONT resumes; Ctrl-C stops, resumable)' : 'warp: resumed');
  });
  return () => {
    process.off('SIGTSTP', onTstp);
    process.off('SIGCONT', onCont);
    off();
  };
}
