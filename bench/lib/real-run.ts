/**
 * Timing whole commands for `npm run bench:real`: wall clock from spawn to exit on our clock, and from GNU time
 * (`/usr/bin/time -f`) the command's peak RSS and user + system CPU. Asynchronous, so background processes the
 * benchmark owns (listeners, whose event lines it drains) keep running while a command is timed. Background
 * processes are measured from /proc (VmHWM, utime + stime) just before they are stopped.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasGnuTime } from './archive-measure.ts';

export interface Sample {
  seconds: number;
  peakRssKiB?: number;
  cpuSeconds?: number;
  status: number | null;
  /** Lines of stdout that start with `{"type":"result"` (Warp's --json result), the last one parsed. */
  result?: Record<string, unknown>;
  /** The last 4 KiB of stdout + stderr (for errors and peers' --stats). */
  tail: string;
  /** Whole stdout when asked for (small outputs only: rsync --stats). */
  stdout?: string;
}

let gnu: boolean | undefined;
let seq = 0;

export function timeCommand(
  argv: string[],
  o: { cwd?: string; env?: Record<string, string>; keepStdout?: boolean } = {},
): Promise<Sample> {
  gnu ??= hasGnuTime();
  const report = path.join(os.tmpdir(), `warp-bench-real-${process.pid}-${seq++}.txt`);
  const full = gnu ? ['/usr/bin/time', '-o', report, '-f', '%e %M %U %S', ...argv] : argv;
  const t0 = performance.now();
  const p = spawn(full[0], full.slice(1), {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  let out = '';
  let result: Record<string, unknown> | undefined;
  let partial = '';
  p.stdout.on('data', (d: Buffer) => {
    const s = d.toString();
    if (o.keepStdout) out += s;
    tail = (tail + s).slice(-4096);
    const lines = (partial + s).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('{"type":"result"')) result = JSON.parse(l) as Record<string, unknown>;
  });
  p.stderr.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4096);
  });
  return new Promise((resolve) => {
    p.once('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (partial.startsWith('{"type":"result"')) result = JSON.parse(partial) as Record<string, unknown>;
      const s: Sample = { seconds, status: code, result, tail, stdout: o.keepStdout ? out : undefined };
      if (gnu && fs.existsSync(report)) {
        const f = (fs.readFileSync(report, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
        if (Number.isFinite(f[1])) s.peakRssKiB = f[1];
        if (Number.isFinite(f[2]) && Number.isFinite(f[3])) s.cpuSeconds = f[2] + f[3];
        fs.rmSync(report, { force: true });
      }
      resolve(s);
    });
  });
}

/** Peak RSS (VmHWM) and CPU seconds so far of a live process we started; undefined fields where /proc lacks them. */
export function procStats(pid: number | undefined): { peakRssKiB?: number; cpuSeconds?: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const tick = 100; // USER_HZ on Linux
    return { peakRssKiB: hwm ? Number(hwm[1]) : undefined, cpuSeconds: (Number(stat[11]) + Number(stat[12])) / tick };
  } catch {
    return {};
  }
}

export const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
