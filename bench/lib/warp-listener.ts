/** A `warp listen` process on 127.0.0.1 for the benchmarks, and stopping child processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface ListenerOptions {
  bin: string;
  home: string;
  root: string;
  allow: string;
  /** Extra `warp` arguments before `listen` (e.g. `-q`). */
  globalArgs?: string[];
  /** Extra `listen` arguments (edge emulation, ...). */
  args?: string[];
  /** Node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Execute `bin` itself (its shebang's Node flags apply, as for a user's `warp`) instead of `node bin`. */
  direct?: boolean;
}

/** Starts the listener on a free port and resolves with its `<peer-id>@127.0.0.1:<port>` address. */
export async function startListener(o: ListenerOptions): Promise<{ proc: ChildProcess; addr: string }> {
  fs.mkdirSync(o.root, { recursive: true });
  const [cmd, pre] = o.direct ? [o.bin, []] : [process.execPath, [...(o.nodeArgs ?? []), o.bin]];
  const proc = spawn(
    cmd,
    [
      ...pre,
      '--json',
      ...(o.globalArgs ?? []),
      'listen',
      '--root',
      o.root,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--allow',
      o.allow,
      ...(o.args ?? []),
    ],
    {
      env: { ...process.env, WARP_HOME: o.home, ...o.env },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      proc.stdout!.off('data', onData);
      proc.stdout!.resume(); // later event lines are drained, not kept
      resolve(JSON.parse(out.slice(0, nl)) as Record<string, unknown>);
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (c) => reject(new Error(`listener exited ${c}`)));
  });
  return { proc, addr: `${String(first.peerId)}@127.0.0.1:${String(first.port)}` };
}

/** Sends `signal` (unless the process has ended) and waits for its exit. */
export function stopProcess(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    p.once('exit', () => r());
    p.kill(signal);
  });
}
