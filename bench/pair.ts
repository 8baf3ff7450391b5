/**
 * `npm run bench:pair [-- --rounds=5]`: time from code entry to paired on loopback, with real `warp` processes.
 * Each round starts `warp pair` (the inviter, a fresh code) and times `warp pair <code>` on a second home, by wall
 * clock from process start to exit (what a user waits for), and the joiner's own figure from the code parsed to
 * the peer stored (`pairedInMs`, without Node's start-up). Two ways, rounds interleaved:
 *  - the full code (the inviter's addresses in the code): dial, prove, store;
 *  - the short code only: the joiner finds the inviter by LAN discovery (multicast on 127.0.0.1) first.
 * The load average is printed: other engineers' jobs share this 2-core machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../bin/warp.js');
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 5);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-pair-'));
const LAN = { WARP_TRANSFER_DISCOVERY_INTERFACE: '127.0.0.1' };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function inviter(home: string): Promise<{ code: string; fullCode: string; done: Promise<void> }> {
  const p = spawn(process.execPath, [BIN, '--json', 'pair', '--port', '0', '--host', '127.0.0.1', '--timeout', '60'], {
    env: { ...process.env, WARP_HOME: home, ...LAN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  const first = await new Promise<Record<string, string>>((resolve, reject) => {
    let buf = '';
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as Record<string, string>);
    });
    p.once('exit', (c) => reject(new Error(`warp pair exited ${c}`)));
  });
  return { code: first.code, fullCode: first.fullCode, done };
}

function join(home: string, code: string): { wallMs: number; pairedInMs: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, '--json', 'pair', code], {
    encoding: 'utf8',
    env: { ...process.env, WARP_HOME: home, ...LAN },
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`warp pair <code> failed (${r.status}): ${r.stderr}`);
  const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { pairedInMs: number };
  return { wallMs, pairedInMs: last.pairedInMs };
}

const results: Record<string, Array<{ wallMs: number; pairedInMs: number }>> = { full: [], short: [] };
console.log(
  `load average at start: ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (let i = 0; i < rounds; i++) {
  for (const kind of ['full', 'short'] as const) {
    const a = path.join(tmp, `${kind}-${i}-A`);
    const b = path.join(tmp, `${kind}-${i}-B`);
    const inv = await inviter(a);
    results[kind].push(join(b, kind === 'full' ? inv.fullCode : inv.code));
    await inv.done;
  }
}
console.log(
  `load average at end: ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (const [kind, rs] of Object.entries(results)) {
  console.log(
    `${kind} code: wall ${median(rs.map((r) => r.wallMs)).toFixed(0)} ms (${rs.map((r) => r.wallMs.toFixed(0)).join(', ')}), ` +
      `code to paired ${median(rs.map((r) => r.pairedInMs)).toFixed(0)} ms (${rs.map((r) => r.pairedInMs).join(', ')})`,
  );
}
fs.rmSync(tmp, { recursive: true, force: true });
