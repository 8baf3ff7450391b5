/** A real `warp daemon` process on 127.0.0.1 for tests (started through the CLI, stopped after), and an API client. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll } from 'vitest';

/** A parsed JSON body or event: tests read its fields freely and assert on them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');
const started = new Set<ChildProcess>();

// A safety net after each test file's own clean-up: no daemon outlives its file (e.g. when a hook timed out).
afterAll(() => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  started.clear();
});

export interface Daemon {
  proc: ChildProcess;
  url: string;
  loginUrl: string;
  peerId: string;
  peerPort: number;
  token: string;
  info: Record<string, unknown>;
  stderr: () => string;
  /** fetch with the bearer token; JSON body when `json` is given. */
  api: (
    method: string,
    p: string,
    json?: unknown,
    init?: RequestInit,
  ) => Promise<{ status: number; body: Json; headers: Headers }>;
  stop: () => Promise<void>;
}

export async function startDaemon(
  home: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Daemon> {
  const proc = spawn(
    process.execPath,
    [
      BIN,
      '--json',
      'daemon',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--peer-port',
      '0',
      '--peer-host',
      '127.0.0.1',
      ...args,
    ],
    {
      env: { ...process.env, WARP_HOME: home, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  started.add(proc);
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const t = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`daemon did not start: ${err}`));
    }, 30_000);
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
      reject(new Error(`daemon exited (${c}): ${err}`));
    });
  });
  const url = String(first.url);
  const { readFileSync } = await import('node:fs');
  const token = readFileSync(String(first.tokenFile), 'utf8').trim();
  const api: Daemon['api'] = async (method, p, json, init = {}) => {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      ...((init.headers as Record<string, string>) ?? {}),
    };
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(url + p, {
      ...init,
      method,
      headers,
      body: json !== undefined ? JSON.stringify(json) : init.body,
    });
    const text = await r.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, body, headers: r.headers };
  };
  return {
    proc,
    url,
    token,
    info: first,
    loginUrl: String(first.loginUrl),
    peerId: String(first.peerId),
    peerPort: Number(first.peerPort),
    stderr: () => err,
    api,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) {
          resolve();
          return;
        }
        const k = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        proc.once('exit', () => {
          clearTimeout(k);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

export interface SseReader {
  events: Array<Record<string, Json>>;
  /** Resolves with the first event (seen so far or later) that matches. */
  waitFor: (pred: (e: Record<string, Json>) => boolean, timeoutMs?: number) => Promise<Record<string, Json>>;
  close: () => void;
}

/** Reads /api/events with a real streaming HTTP request and parses the SSE framing. */
/** Each event gets its SSE id as `__id` (absent on the hello). */
export async function openEvents(
  url: string,
  auth: { token?: string; cookie?: string; lastEventId?: number },
): Promise<SseReader> {
  const ac = new AbortController();
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (auth.cookie) headers.Cookie = auth.cookie;
  if (auth.lastEventId !== undefined) headers['Last-Event-ID'] = String(auth.lastEventId);
  const r = await fetch(`${url}/api/events${auth.token ? `?token=${encodeURIComponent(auth.token)}` : ''}`, {
    headers,
    signal: ac.signal,
  });
  if (r.status !== 200) throw new Error(`events: HTTP ${r.status}`);
  const events: Array<Record<string, Json>> = [];
  const waiters = new Set<() => void>();
  void (async () => {
    const dec = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
        buf += dec.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const lines = block.split('\n');
          const data = lines
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
          if (data)
            events.push({
              ...(JSON.parse(data) as Record<string, Json>),
              ...(id !== undefined ? { __id: Number(id) } : {}),
            });
        }
        for (const w of waiters) w();
      }
    } catch {
      /* closed */
    }
  })();
  return {
    events,
    close: () => ac.abort(),
    waitFor: (pred, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const hit = events.find(pred);
          if (hit) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(hit);
            return true;
          }
          return false;
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `event not seen in ${timeoutMs} ms; got types ${[...new Set(events.map((e) => e.type))].join(', ')}`,
            ),
          );
        }, timeoutMs);
        if (!check()) waiters.add(check);
      }),
  };
}

/** Polls until `fn` returns a value that is not undefined. */
export async function until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
