/** Real `warp relay` processes and paired homes for the relay tests (127.0.0.1 or a namespace), always stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { spawnWarp } from '../transfer/peers.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');
const running = new Set<ChildProcess>();

afterEach(() => {
  for (const p of running) p.kill('SIGKILL');
  running.clear();
});

export interface Relay {
  proc: ChildProcess;
  peerId: string;
  port: number;
  /** Its QUIC multiaddr (with /p2p/<id>). */
  addr: string;
  /** Its JSON lines so far. */
  lines: () => Array<Record<string, unknown>>;
  /** Its stderr so far (libp2p's debug lines when run with DEBUG). */
  stderr: () => string;
  kill: () => Promise<void>;
}

/** Starts `warp relay` (its stdout lines are JSON); `prefix` runs it inside something (`ip netns exec x`). */
export async function startRelay(
  home: string,
  args: string[] = [],
  o: { host?: string; port?: number; prefix?: string[]; env?: Record<string, string> } = {},
): Promise<Relay> {
  const cmd = [
    process.execPath,
    BIN,
    '--json',
    'relay',
    '--host',
    o.host ?? '127.0.0.1',
    '--port',
    String(o.port ?? 0),
    '--status-every',
    '500ms',
    ...args,
  ];
  const full = [...(o.prefix ?? []), ...cmd];
  const proc = spawn(full[0], full.slice(1), {
    env: { ...process.env, WARP_HOME: home, NO_COLOR: '1', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const lines = (): Array<Record<string, unknown>> =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  await waitFor(
    () => lines().length > 0 || proc.exitCode !== null,
    30_000,
    () => `relay did not start: ${err}`,
  );
  if (proc.exitCode !== null) throw new Error(`relay exited ${proc.exitCode}: ${err}`);
  const first = lines()[0];
  const addr = (first.addresses as string[]).find((a) => a.includes('/quic-v1/'))!;
  return {
    proc,
    peerId: first.peerId as string,
    port: first.port as number,
    addr,
    lines,
    stderr: () => err,
    kill: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      }),
  };
}

/** The relay's latest status line (it prints one every 500 ms). */
export function relayStatus(r: Relay): Record<string, number> {
  return (r.lines().findLast((l) => l.type === 'relay.status') ?? {}) as Record<string, number>;
}

export async function waitFor(ok: () => boolean, ms: number, why: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(why());
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Pairs two homes with the existing pairing (`warp pair` on B, the code on A), over a direct address. */
export async function pairHomes(homeA: string, homeB: string, hostB = '127.0.0.1'): Promise<void> {
  const p = spawnWarp(homeB, ['--json', 'pair', '--port', '0', '--host', hostB]);
  let buf = '';
  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    p.proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
    });
    p.proc.once('exit', (c) => reject(new Error(`pair exited ${c}`)));
  });
  const ok = warp(['--json', 'pair', String(info.code), `${hostB}:${info.port}`], { home: homeA });
  expect(ok.status, ok.stderr).toBe(0);
  const done = await p.done;
  expect(done.status, done.stderr).toBe(0);
}
