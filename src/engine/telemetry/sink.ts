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
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
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
