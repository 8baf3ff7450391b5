/**
 * Pausing a network transfer from the command line. Ctrl-Z (SIGTSTP) toggles pause instead of stopping the
 * process (a stopped process would let the connection time out); SIGCONT resumes, so `kill -TSTP <pid>` and
 * `kill -CONT <pid>` work from scripts. On a terminal, `p` or the space bar toggles too (stdin in raw mode,
 * where Ctrl-C arrives as a key and cancels as usual).
 */
import type { PauseController } from '../engine/core/pause.ts';
import type { CliContext } from './context.ts';

export function wirePauseControls(ctx: CliContext, pause: PauseController, cancel: () => void): () => void {
  const { json, quiet } = ctx.opts();
  const onTstp = (): void => pause.toggle();
  const onCont = (): void => pause.resume();
  process.on('SIGTSTP', onTstp);
  process.on('SIGCONT', onCont);
  const off = pause.onChange((paused) => {
    if (json || quiet) return; // --json: the transfer.paused event line says it
    process.stderr.write('\r\x1b[2K');
    ctx.err(paused ? 'warp: paused (p, space or Ctrl-Z resumes; Ctrl-C cancels, resumable)' : 'warp: resumed');
  });
  const stdin = process.stdin;
  const keys = Boolean(stdin.isTTY) && !json;
  const onKey = (d: Buffer): void => {
    const k = d.toString('latin1');
    if (k === '\x03') cancel();
    else if (k === 'p' || k === 'P' || k === ' ' || k === '\x1a') pause.toggle();
  };
  if (keys) {
    stdin.setRawMode(true);
    stdin.on('data', onKey);
    stdin.resume();
  }
  return () => {
    process.off('SIGTSTP', onTstp);
    process.off('SIGCONT', onCont);
    off();
    if (keys) {
      stdin.off('data', onKey);
      stdin.setRawMode(false);
      stdin.pause();
    }
  };
}
