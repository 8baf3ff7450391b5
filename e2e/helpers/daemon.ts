/**
 * Real `warp daemon` processes for the e2e tests: each with its own WARP_HOME, API and peer listener on
 * 127.0.0.1 with free ports, started through the CLI (bin/warp.js) exactly as a user would, and stopped after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, UI_DIR } from './ui-build.ts';

export interface DaemonInfo {
  url: string;
  loginUrl: string;
  port: number;
  peerId: string;
  peerAddresses: string[];
  peerPort?: number;
  root?: string;
  uiBuilt: boolean;
}

export interface RunningTestDaemon extends DaemonInfo {
  home: string;
  proc: ChildProcess;
  /** stderr so far (for failure messages). */
  log(): string;
  /** Calls the daemon's API with its bearer token. */
  api<T = unknown>(method: string, p: string, body?: unknown): Promise<T>;
  token: string;
  stop(): Promise<void>;
}

export interface StartDaemonOptions {
  name: string;
  /** Peer ids to trust without pairing. */
  allow?: string[];
  env?: Record<string, string>;
  /** Keep an existing home (restart). */
  home?: string;
  /** API port (default: a free one); a restart on the same port lets an open page reconnect. */
  port?: number;
  /** Leave the first-run guide due (by default it is marked done, so it does not cover the page under test). */
  firstRun?: boolean;
  /** The built UI to serve (default out/renderer); bench:ui-frames compares two builds. */
  ui?: string;
}

export async function startTestDaemon(o: StartDaemonOptions): Promise<RunningTestDaemon> {
  const home = o.home ?? fs.mkdtempSync(path.join(os.tmpdir(), `warp-e2e-${o.name}-`));
  const root = path.join(home, 'received');
  fs.mkdirSync(root, { recursive: true });
  const args = [
    path.join(ROOT, 'bin', 'warp.js'),
    '--json',
    'daemon',
    '--port',
    String(o.port ?? 0),
    '--host',
    '127.0.0.1',
    '--peer-port',
    '0',
    '--peer-host',
    '127.0.0.1',
    '--root',
    root,
    '--ui',
    o.ui ?? UI_DIR,
  ];
  if (o.allow?.length) args.push('--allow', ...o.allow);
  const proc = spawn(process.execPath, args, {
    env: {
      ...process.env,
      WARP_HOME: home,
      NO_COLOR: '1',
      ...(o.firstRun ? {} : { WARP_DESKTOP_GUIDE_DONE: 'true' }),
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const started = new Promise<DaemonInfo>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`warp daemon (${o.name}) did not start in 30 s:\n${stderr}`)),
      30_000,
    );
    proc.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const j = JSON.parse(line) as DaemonInfo & { type: string };
          if (j.type === 'daemon') {
            clearTimeout(timer);
            resolve(j);
          }
        } catch {
          /* a partial line: wait for more */
        }
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`warp daemon (${o.name}) exited with ${code}:\n${stderr}`));
    });
  });
  let info: DaemonInfo;
  try {
    info = await started;
  } catch (err) {
    // A daemon that never came up leaves nothing behind: no process, no home the test did not give.
    proc.kill('SIGKILL');
    if (!o.home) fs.rmSync(home, { recursive: true, force: true });
    throw err;
  }
  const token = fs.readFileSync(path.join(home, 'daemon.token'), 'utf8').trim();
  const d: RunningTestDaemon = {
    ...info,
    home,
    proc,
    token,
    log: () => stderr,
    async api<T>(method: string, p: string, body?: unknown): Promise<T> {
      const res = await fetch(info.url + p, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${p} -> ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return d;
}

/** Waits until `check` returns a truthy value (polling), or fails with `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`,
  );
}
