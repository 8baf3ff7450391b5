/**
 * A full garbage collection once a long-lived process (a sync job, a listener, the daemon) falls quiet after a
 * burst of work. V8 collects young garbage as it goes, but an idle Node process gets no idle-time notification,
 * so the old generation a scan or a transfer grew stays garbage in memory for as long as nothing allocates:
 * measured on `warp sync run` after the first sync of a 100k-file folder, 706 MB RSS idle, 379 MB after one full
 * collection (heap used 312 -> 142 MB, buffers 85 -> 37 MB).
 *
 * `afterBurst()` is cheap to call often: it (re)arms one timer, so the collection runs once, `quietMs` after the
 * last burst ended, never during work. It needs `gc` exposed (`--expose-gc` in bin/warp.js's shebang); without it
 * (Electron's main process, a bare `node`) this is a no-op, which costs memory, not correctness.
 */
const QUIET_MS = 5_000;
let timer: ReturnType<typeof setTimeout> | undefined;

export function afterBurst(quietMs = QUIET_MS): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = undefined;
    gc();
  }, quietMs);
  // Never keeps a process alive that would otherwise exit.
  timer.unref?.();
}
