/**
 * Adaptive wire compression on a real tree: `warp fetch` of a text-heavy Linux subtree from a `warp listen` on
 * 127.0.0.1, with and without `--rate-limit`, under transfer.compress = off (what auto did on loopback before),
 * on (forced) and auto (the measuring policy, wire-policy.ts). Whole commands timed by wall clock, rounds
 * interleaved, median of ROUNDS; bytes on the wire from the fetch's --json result.
 *
 *   node bench/wire.ts [subtree=Documentation] [rounds=3] [rate=25MB]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startListener, stopProcess } from './lib/warp-listener.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/warp.js');
const TREE = '/work/data/linux-source-6.1';
const [sub = 'Documentation', roundsArg = '3', rate = '25MB'] = process.argv.slice(2);
const ROUNDS = Number(roundsArg);
const MODES = ['off', 'on', 'auto'] as const;
const LINKS = [['--rate-limit', rate], []] as const;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-wire-'));
const root = path.join(dir, 'root');
fs.mkdirSync(root);
fs.cpSync(path.join(TREE, sub), path.join(root, 'data'), { recursive: true });
const home = path.join(dir, 'home');
const id = spawnSync(process.execPath, [BIN, '--json', 'id'], { env: { ...process.env, WARP_HOME: home } });
const peerId = String(JSON.parse(id.stdout.toString().trim().split('\n').at(-1)!).peerId);

interface Row {
  wall: number[];
  cpu: number[];
  bytes: number;
  wire: number[];
}
const rows = new Map<string, Row>();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function round(mode: string, link: readonly string[], r: number): Promise<void> {
  const env = { WARP_TRANSFER_COMPRESS: mode };
  const l = await startListener({ bin: BIN, home: path.join(dir, 'lhome'), root, allow: peerId, args: [...link], env });
  const out = path.join(dir, `out-${mode}-${r}`);
  const t0 = performance.now();
  const f = spawnSync(
    '/usr/bin/time',
    ['-f', '%U %S', process.execPath, BIN, '--json', 'fetch', `${l.addr}:/data`, out],
    { env: { ...process.env, WARP_HOME: home, ...env }, maxBuffer: 1 << 28 },
  );
  const wall = (performance.now() - t0) / 1000;
  await stopProcess(l.proc);
  fs.rmSync(out, { recursive: true, force: true });
  if (f.status !== 0) throw new Error(`fetch failed: ${f.stderr.toString().slice(-2000)}`);
  const res = JSON.parse(f.stdout.toString().trim().split('\n').at(-1)!) as { bytes: number; wireBytes: number };
  const [u, s] = f.stderr.toString().trim().split('\n').at(-1)!.split(' ').map(Number);
  const key = `${link.length ? `rate ${rate}` : 'unlimited'} | ${mode}`;
  const row = rows.get(key) ?? { wall: [], cpu: [], bytes: res.bytes, wire: [] };
  row.wall.push(wall);
  row.cpu.push(u + s);
  row.wire.push(res.wireBytes);
  rows.set(key, row);
}

for (let r = 0; r < ROUNDS; r++) for (const link of LINKS) for (const mode of MODES) await round(mode, link, r);
console.log(
  `fetch of ${TREE}/${sub}, ${ROUNDS} rounds interleaved, load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log('| link | transfer.compress | wall s (median) | fetch user+sys s | MB raw | MB on the wire |');
console.log('|---|---|---|---|---|---|');
for (const [k, v] of rows)
  console.log(
    `| ${k} | ${median(v.wall).toFixed(2)} | ${median(v.cpu).toFixed(2)} | ${(v.bytes / 1e6).toFixed(1)} | ${(median(v.wire) / 1e6).toFixed(1)} |`,
  );
fs.rmSync(dir, { recursive: true, force: true });
