/**
 * Where log lines go: stderr, or a file opened for append (created with mode 0600, since logs can name paths
 * and peers). Writes are synchronous so the last lines before a crash are on disk, and they never throw:
 * a file that cannot be opened or written is reported once and stderr takes over.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface LogSink {
  write(line: string): void;
  close(): void;
}

export type WriteLine = (line: string) => void;

export const processStderr: WriteLine = (line) => {
  try {
    process.stderr.write(line);
  } catch {
    // Nowhere left to report to.
  }
};

export function stderrSink(write: WriteLine = processStderr): LogSink {
  return { write, close: () => {} };
}

/**
 * `onFallback` is called once, with the reason, when the file fails; the caller writes the warning (in the
 * logger's format) to `fallback`, which then receives every later line.
 */
export function fileSink(file: string, fallback: WriteLine, onFallback: (reason: string) => void): LogSink {
  let fd: number | undefined;
  let failed = false;
  const fail = (e: unknown): void => {
    failed = true;
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // Already unusable.
      }
      fd = undefined;
    }
    onFallback(e instanceof Error ? e.message : String(e));
  };
  try {
    makeParents(file);
    fd = fs.openSync(file, 'a', 0o600);
  } catch (e) {
    fail(e);
  }
  return {
    write(line) {
      if (!failed && fd !== undefined) {
        try {
          fs.writeSync(fd, line);
          return;
        } catch (e) {
          fail(e);
        }
      }
      fallback(line);
    },
    close() {
      if (fd === undefined) return;
      try {
        fs.closeSync(fd);
      } catch {
        // Closing at shutdown must not throw either.
      }
      fd = undefined;
      failed = true;
    },
  };
}

/**
 * mkdir -p for the log file's folder, one level at a time: Node's `recursive: true` can spin forever on some
 * pseudo file systems (e.g. a path under /proc), and a logger must fail, not hang.
 */
function makeParents(file: string): void {
  const missing: string[] = [];
  let dir = path.dirname(path.resolve(file));
  while (!fs.existsSync(dir)) {
    missing.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of missing.reverse()) fs.mkdirSync(d, { mode: 0o700 });
}
