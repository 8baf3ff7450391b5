/**
 * `--json` event lines written in blocks: one stdout write per block of lines instead of one per event. A swarm
 * fetch of the Linux tree prints a `transfer.file` line per file (78k); stdout to a pipe is written synchronously
 * on Linux, and line by line those writes were 6-7 % of the fetcher's main thread (drivers/net profile,
 * 2026-12-07). A block goes out when it passes MAX_BYTES, MAX_DELAY_MS after its first line, or on flush(), so a
 * reader following the events live sees each within that delay.
 */
const MAX_BYTES = 64 * 1024;
const MAX_DELAY_MS = 50;

export class JsonLines {
  private readonly out: (block: string) => void;
  private lines: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `out` writes a block of lines (joined by newlines) followed by a newline: CliContext.out. */
  constructor(out: (block: string) => void) {
    this.out = out;
  }

  push(line: string): void {
    this.lines.push(line);
    this.bytes += line.length + 1;
    if (this.bytes >= MAX_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), MAX_DELAY_MS).unref();
  }

  /** Writes what is gathered (before a result line, an error, or the exit). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const block = this.lines.join('\n');
    this.lines = [];
    this.bytes = 0;
    this.out(block);
  }
}
