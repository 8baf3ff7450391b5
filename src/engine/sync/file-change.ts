/**
 * Notices when another process rewrites a file (the sync state file: `warp sync add|pause|confirm` while a daemon
 * runs). The baseline is taken synchronously when watching starts, so a write that lands right after the call is
 * always seen: `fs.watchFile` takes its first stat asynchronously, and a write that beat that stat became the
 * baseline and was never reported (a CI run under load lost a job added just after start).
 * Polling by stat (inode, size, mtime in ns) rather than inotify: the file is replaced by rename, and it may live
 * on a network home where inotify sees nothing.
 */
import fs from 'node:fs';

function stampOf(file: string): string {
  try {
    const s = fs.statSync(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return 'missing';
  }
}

/** Calls `onChange` (at most once per `intervalMs`) after the file differs from what it was at the call. */
export function watchFileChanges(file: string, onChange: () => void, intervalMs = 1000): () => void {
  let last = stampOf(file);
  const timer = setInterval(() => {
    const now = stampOf(file);
    if (now === last) return;
    last = now;
    onChange();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
