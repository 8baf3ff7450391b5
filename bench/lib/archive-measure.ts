/**
 * Measuring one archiver command from outside, the same way for Warp and every peer: wall time from our clock,
 * peak RSS from GNU time (`%M`, the largest resident set of the command and its waited-for descendants; for a shell
 * pipeline that is the single largest process, not the sum). Also page-cache control and directory sizes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Op = 'create' | 'extract' | 'verify';

export interface Measurement {
  tool: string;
  op: Op;
  seconds: number;
  /** Input bytes (the data set) per second, decimal MB, so create/extract/verify rates compare directly. */
  mbps: number;
  /** Archive or repository bytes (create only). */
  outputBytes?: number;
  peakRssKiB?: number;
  /** The tool's own dedup ratio (logical bytes / unique bytes), when it reports one. */
  dedupRatio?: number;
  ok: boolean;
  error?: string;
  /** Free-form details (the tool's summary fields), kept for --json. */
  details?: Record<string, unknown>;
}

export interface RunResult {
  seconds: number;
  peakRssKiB?: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Feed this text on stdin (e.g. nothing, so a tool that prompts fails instead of hanging). */
  input?: string;
}

const GNU_TIME = '/usr/bin/time';

/** GNU time is the Debian package `time`; busybox/bash `time` cannot report peak RSS in a parseable way. */
export function hasGnuTime(): boolean {
  const r = spawnSync(GNU_TIME, ['--version'], { encoding: 'utf8' });
  return r.status === 0 && /GNU/.test(`${r.stdout}${r.stderr}`);
}

let gnuTime: boolean | undefined;

/** Runs argv under GNU time (writing its report to a side file, so the command's stderr stays clean). */
export function runTimed(argv: string[], opts: RunOptions = {}): RunResult {
  gnuTime ??= hasGnuTime();
  const report = path.join(os.tmpdir(), `warp-bench-time-${process.pid}.txt`);
  const full = gnuTime ? [GNU_TIME, '-o', report, '-f', '%e %M', ...argv] : argv;
  const t0 = performance.now();
  const r = spawnSync(full[0], full.slice(1), {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const seconds = (performance.now() - t0) / 1000;
  let peakRssKiB: number | undefined;
  if (gnuTime && fs.existsSync(report)) {
    // GNU time prefixes "Command exited with non-zero status N" on failure; the figures are on the last line.
    const last = fs.readFileSync(report, 'utf8').trim().split('\n').pop() ?? '';
    const rss = Number(last.split(' ')[1]);
    if (Number.isFinite(rss)) peakRssKiB = rss;
    fs.rmSync(report, { force: true });
  }
  if (r.error) return { seconds, peakRssKiB, status: null, stdout: '', stderr: String(r.error) };
  return { seconds, peakRssKiB, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Whether `cmd` is on PATH (peers are optional: a missing one is skipped, never an error). */
export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch (_) {
      // not here
    }
  }
  return undefined;
}

export type CacheMode = 'cold' | 'warm';

/**
 * Tries to drop the page cache (needs root and a writable /proc/sys/vm/drop_caches, which containers often deny).
 * Returns whether it worked, judged by the kernel's "Cached" figure falling, not just by the write succeeding.
 */
export function dropCaches(): boolean {
  spawnSync('sync');
  const before = cachedKiB();
  try {
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3\n');
  } catch (_) {
    return false;
  }
  const after = cachedKiB();
  return after < before || after < 256 * 1024;
}

function cachedKiB(): number {
  const m = /^Cached:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** Reads every file once so all tools start from the same warm page cache (used when dropping is not possible). */
export function warmTree(root: string): void {
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  for (const f of walkFiles(root)) {
    const fd = fs.openSync(f, 'r');
    try {
      while (fs.readSync(fd, buf, 0, buf.length, null) > 0) {
        /* read only */
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}

export function* walkFiles(root: string): Generator<string> {
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop() as string;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) yield p;
    }
  }
}

/** Apparent size of a file or tree (what the archive or repository occupies, without filesystem slack). */
export function sizeOf(p: string): number {
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const f of walkFiles(p)) n += fs.statSync(f).size;
  return n;
}

/** File count and bytes of a tree: a cheap check that an extraction is complete. */
export function treeSummary(root: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const f of walkFiles(root)) {
    files++;
    bytes += fs.statSync(f).size;
  }
  return { files, bytes };
}

/** Byte-for-byte comparison of two trees (diff -r), untimed: an extraction that is fast but wrong is worthless. */
export function sameTree(a: string, b: string): { same: boolean; detail: string } {
  const r = spawnSync('diff', ['-r', '-q', '--no-dereference', a, b], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status === 0) return { same: true, detail: '' };
  return { same: false, detail: (r.stdout || r.stderr || String(r.error)).split('\n').slice(0, 5).join('; ') };
}
