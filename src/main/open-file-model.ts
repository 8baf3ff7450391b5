/**
 * Opening `.warp` files handed to the app by the OS (a double-click, "Open with", a drop on the Dock icon): which
 * command-line arguments are archives (Windows and Linux start the app, or a second instance, with the file's
 * path; Linux desktop entries may pass a file:// URI), and the queue that holds them until the window takes them
 * (macOS sends open-file before the app is ready; a fresh window has not loaded yet). index.ts wires Electron's
 * events to this; the page opens each path through its `#/archive?path=` route (src/renderer/route.ts), the same
 * link web mode uses. Pure, unit-tested (test/main/open-file-model.test.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Paths held for the window at most; a burst beyond it (a selection of thousands) keeps the first ones. */
export const MAX_PENDING_OPENS = 32;

export function isArchivePath(p: string): boolean {
  return /\.warp$/i.test(p);
}

/**
 * The archives among a command line: arguments (after the executable) that name a `.warp` file, as absolute
 * paths resolved from `cwd` (the second instance's working folder). Switches, the app folder of a development
 * run (`electron .`) and anything else are skipped; duplicates are kept once.
 */
export function archivesInArgv(argv: readonly string[], cwd: string, platform: NodeJS.Platform): string[] {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const out: string[] = [];
  for (const raw of argv.slice(1)) {
    if (raw.startsWith('-')) continue;
    const local = fromUri(raw, platform);
    if (local === undefined || !isArchivePath(local)) continue;
    const abs = p.resolve(cwd, local);
    if (!out.includes(abs)) out.push(abs);
  }
  return out;
}

/** A file:// URI as a local path; other URIs (http:, warp:) are not files; a plain path is itself. */
function fromUri(arg: string, platform: NodeJS.Platform): string | undefined {
  if (!/^[a-z][a-z0-9+.-]+:/i.test(arg) || /^[a-z]:[\\/]/i.test(arg)) return arg;
  if (!arg.toLowerCase().startsWith('file:')) return undefined;
  try {
    return fileURLToPath(arg, { windows: platform === 'win32' });
  } catch {
    return undefined;
  }
}

/** Archives waiting for the window: added by the OS's events, taken (all at once) by the page. */
export class OpenQueue {
  private pending: string[] = [];

  /** Adds paths not already waiting; returns whether any was added (the page then gets told). */
  push(paths: readonly string[]): boolean {
    let added = false;
    for (const p of paths) {
      if (this.pending.length >= MAX_PENDING_OPENS || this.pending.includes(p)) continue;
      this.pending.push(p);
      added = true;
    }
    return added;
  }

  take(): string[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  get size(): number {
    return this.pending.length;
  }
}
