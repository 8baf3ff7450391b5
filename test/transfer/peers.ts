/** Real `warp listen` processes on 127.0.0.1 for tests, always stopped afterwards. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach } from 'vitest';
import { warp } from '../helpers/cli.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');
const running = new Set<ChildProcess>();

afterEach(() => {
  for (const p of running) p.kill('SIGKILL');
  running.clear();
});

export function peerIdOf(home: string): string {
  const r = warp(['--json', 'id'], { home });
  if (r.status !== 0) throw new Error(`warp id failed: ${r.stderr}`);
  return r.json.at(-1)!.peerId as string;
}

export interface Listener {
  proc: ChildProcess;
  port: number;
  peerId: string;
  /** `<peer-id>@127.0.0.1:<port>` */
  addr: string;
  stderr: () => string;
  stdout: () => string;
  stop: () => Promise<void>;
}

export async function startListener(
  home: string,
  root: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Listener> {
  const proc = spawn(
    process.execPath,
    [BIN, '--json', 'listen', '--root', root, '--port', '0', '--host', '127.0.0.1', ...args],
    {
      env: { ...process.env, WARP_HOME: home, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(proc);
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`listener did not start: ${err}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(t);
        resolve(JSON.parse(out.slice(0, nl)) as Record<string, unknown>);
      }
    });
    proc.once('exit', (c) => {
      clearTimeout(t);
      reject(new Error(`listener exited (${c}): ${err}`));
    });
  });
  const port = first.port as number;
  const peerId = first.peerId as string;
  return {
    proc,
    port,
    peerId,
    addr: `${peerId}@127.0.0.1:${port}`,
    stderr: () => err,
    stdout: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) {
          resolve();
          return;
        }
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** Runs warp asynchronously (so a test can kill it midway). */
export function spawnWarp(
  home: string,
  args: string[],
  env: Record<string, string> = {},
): {
  proc: ChildProcess;
  done: Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }>;
} {
  const proc = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, WARP_HOME: home, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => {
      proc.once('exit', (status, signal) => resolve({ status, signal, stdout, stderr }));
    },
  );
  return { proc, done };
}
