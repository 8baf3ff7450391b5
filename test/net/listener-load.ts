/** Measuring a real listener process from outside: its resident memory and open file descriptors (Linux /proc). */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface ProcSample {
  rssMB: number;
  fds: number;
}

export function sample(pid: number): ProcSample {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { rssMB: Math.round(rssKB / 1024), fds: fs.readdirSync(`/proc/${pid}/fd`).length };
}

/** Samples `pid` every `everyMs` until stopped; keeps the peak. */
export function watch(pid: number, everyMs = 100): { stop(): ProcSample } {
  const peak: ProcSample = { rssMB: 0, fds: 0 };
  const t = setInterval(() => {
    try {
      const s = sample(pid);
      peak.rssMB = Math.max(peak.rssMB, s.rssMB);
      peak.fds = Math.max(peak.fds, s.fds);
    } catch {
      /* exited */
    }
  }, everyMs);
  return {
    stop: () => {
      clearInterval(t);
      return peak;
    },
  };
}

const HOSTILE = path.resolve(import.meta.dirname, '../helpers/hostile-peer.ts');

/** Runs the hostile peer process (test/helpers/hostile-peer.ts) and returns its JSON summary. */
export function hostile(
  mode: string,
  home: string,
  addr: string,
  n: number,
  holdMs: number,
  timeoutMs = 90_000,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [HOSTILE, mode, home, addr, String(n), String(holdMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`hostile ${mode} timed out: ${err}`));
    }, timeoutMs);
    p.once('exit', () => {
      clearTimeout(t);
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`hostile ${mode}: ${out} ${err}`));
      }
    });
  });
}

/** Polls until `ok()` or the deadline; returns whether it held. */
export async function until(ok: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (ok()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return ok();
}
