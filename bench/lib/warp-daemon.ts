/** A real `warp daemon` for a benchmark (no listener): started in `home`, its URL read from its JSON output. */
import { spawn } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'warp.js');

export async function startWarpDaemon(home: string): Promise<{ url: string; stop: () => void }> {
  const p = spawn(process.execPath, [BIN, '--json', 'daemon', '--port', '0', '--no-listen'], {
    env: { ...process.env, WARP_HOME: home },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) resolve(m[1]);
    });
    p.once('exit', (c) => reject(new Error(`daemon exited ${c}`)));
  });
  return { url, stop: () => p.kill('SIGTERM') };
}
