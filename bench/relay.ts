/**
 * `npm run bench:relay [-- --rounds=3] [--bytes=64MiB] [--no-netns] [--reservations=30]`
 *
 * Direct versus relayed, with real `warp` processes (`warp probe --json`: RTT over 10 pings and throughput of a
 * multi-stream probe), rounds interleaved, medians:
 *  1. loopback: a listener on 127.0.0.1 with a relay slot; probed at its direct address and through the relay;
 *  2. network namespaces (root only; the NAT lab of test/net/netns.ts): a listener on the "internet" (direct)
 *     and one in a home behind a masquerading router (relayed only), probed from the other home, with no added
 *     delay and with `tc netem` delay on the routers' wan links;
 *  3. code entry to paired: `warp pair <full code>` wall time, direct on loopback and through the relay across
 *     the two NATs;
 *  4. relay memory per reservation: the relay's RSS before and after N listeners (in this process) reserve.
 * The load average is printed: other engineers' jobs share this 2-core machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadIdentity } from '../src/engine/net/identity.ts';
import { WarpNode } from '../src/engine/net/node.ts';
import { WAN_IP, createNatLab, natLabUnavailable, type NatLab } from '../test/net/netns.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/warp.js');
const argv = process.argv.slice(2);
const opt = (n: string): string | undefined => argv.find((a) => a.startsWith(`--${n}=`))?.split('=')[1];
const rounds = Number(opt('rounds') ?? 3);
const bytes = opt('bytes') ?? '64MiB';
const reservations = Number(opt('reservations') ?? 30);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-relay-'));
const children: ChildProcess[] = [];
const labs: NatLab[] = [];

function cleanup(): void {
  for (const c of children) c.kill('SIGKILL');
  for (const l of labs) l.destroy();
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const prefix = (ns?: string): string[] => (ns ? ['ip', 'netns', 'exec', ns] : []);

function run(home: string, args: string[], ns?: string, env: Record<string, string> = {}) {
  const cmd = [...prefix(ns), process.execPath, BIN, ...args];
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, WARP_HOME: home, ...env },
  });
  const ms = performance.now() - t0;
  const last = String(r.stdout ?? '')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .at(-1);
  if (r.status !== 0) throw new Error(`warp ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, json: last ? (JSON.parse(last) as Record<string, unknown>) : {} };
}

/** A long-running warp (listen, relay, pair): resolves with its first JSON line. */
async function daemon(
  home: string,
  args: string[],
  ns?: string,
  env: Record<string, string> = {},
): Promise<{ proc: ChildProcess; first: Record<string, unknown> }> {
  const cmd = [...prefix(ns), process.execPath, BIN, '--json', ...args];
  const proc = spawn(cmd[0], cmd.slice(1), {
    env: { ...process.env, WARP_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${args[0]} did not start: ${err}`)), 60_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(t);
        resolve(JSON.parse(out.slice(0, nl)) as Record<string, unknown>);
      }
    });
    proc.once('exit', (c) => reject(new Error(`${args[0]} exited ${c}: ${err}`)));
  });
  return { proc, first };
}

interface Row {
  setup: string;
  path: string;
  rttMs: number;
  mbps: number;
}

function probeRounds(setup: string, targets: Array<{ path: string; home: string; addr: string; ns?: string }>): Row[] {
  const got = new Map<string, { rtt: number[]; rate: number[] }>();
  for (let i = 0; i < rounds; i++) {
    for (const t of targets) {
      const r = run(t.home, ['--json', 'probe', t.addr, '--bytes', bytes], t.ns);
      const g = got.get(t.path) ?? { rtt: [], rate: [] };
      g.rtt.push((r.json.rttMs as { median: number }).median);
      g.rate.push(r.json.throughputBytesPerSec as number);
      got.set(t.path, g);
      if ((r.json.path as { kind: string }).kind !== t.path.split(' ')[0])
        console.warn(`  note: ${t.path} probe went ${(r.json.path as { kind: string }).kind}`);
    }
  }
  return [...got].map(([p, g]) => ({ setup, path: p, rttMs: median(g.rtt), mbps: median(g.rate) / 1e6 }));
}

function pairHomes(a: string, b: string): void {
  fs.mkdirSync(a, { recursive: true });
  const idA = run(a, ['--json', 'id']).json.peerId as string;
  const idB = run(b, ['--json', 'id']).json.peerId as string;
  run(a, ['peers', 'add', idB]);
  run(b, ['peers', 'add', idA]);
}

async function loopback(): Promise<Row[]> {
  const relay = await daemon(path.join(tmp, 'R'), ['relay', '--host', '127.0.0.1', '--port', '0']);
  const relayAddr = (relay.first.addresses as string[]).find((a) => a.includes('quic'))!;
  const [a, b] = [path.join(tmp, 'la'), path.join(tmp, 'lb')];
  pairHomes(a, b);
  fs.mkdirSync(path.join(tmp, 'root'), { recursive: true });
  const l = await daemon(b, [
    'listen',
    '--root',
    path.join(tmp, 'root'),
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--relay',
    relayAddr,
  ]);
  const addrs = l.first.addresses as string[];
  const direct = addrs.find((x) => x.includes('/quic-v1/') && !x.includes('p2p-circuit'))!;
  const relayed = addrs.find((x) => x.includes('/quic-v1/') && x.includes('p2p-circuit'))!;
  const rows = probeRounds('loopback', [
    { path: 'lan (direct, loopback)', home: a, addr: direct },
    { path: 'relayed', home: a, addr: relayed },
  ]);
  l.proc.kill('SIGTERM');
  relay.proc.kill('SIGTERM');
  return rows;
}

async function namespaces(delays: number[]): Promise<{ rows: Row[]; pairMs?: number }> {
  const lab = createNatLab();
  labs.push(lab);
  const relay = await daemon(path.join(tmp, 'nR'), ['relay', '--host', WAN_IP, '--port', '7655'], lab.wan);
  const relayAddr = (relay.first.addresses as string[]).find((a) => a.includes('quic'))!;
  const env = { WARP_NET_RELAYS: relayAddr };
  const [h1, h2, pub] = [path.join(tmp, 'h1'), path.join(tmp, 'h2'), path.join(tmp, 'pub')];
  // Code entry to paired, across the two NATs (the code's relayed address is the only way).
  const inv = await daemon(h2, ['pair', '--host', '0.0.0.0', '--port', '0'], lab.home2, env);
  const joined = run(h1, ['--json', 'pair', String(inv.first.fullCode)], lab.home1, env);
  const pairMs = joined.ms;
  // A listener on the wan itself: the direct path from home1 through its NAT.
  pairHomes(h1, pub);
  fs.mkdirSync(path.join(tmp, 'nroot'), { recursive: true });
  const root = path.join(tmp, 'nroot');
  const lp = await daemon(pub, ['listen', '--root', root, '--host', WAN_IP, '--port', '7700'], lab.wan);
  const lh = await daemon(h2, ['listen', '--root', root, '--host', '0.0.0.0', '--port', '0'], lab.home2, env);
  const pubAddr = (lp.first.addresses as string[]).find((x) => x.includes('/quic-v1/'))!;
  const idB = lh.first.peerId as string;
  const rows: Row[] = [];
  for (const d of delays) {
    if (d > 0 && !lab.delay(d)) {
      console.warn(`  tc netem unavailable: no ${d} ms row`);
      continue;
    }
    rows.push(
      ...probeRounds(`netns, +${d} ms each way per router`, [
        { path: 'direct (through home1 NAT to a public listener)', home: h1, addr: pubAddr, ns: lab.home1 },
        { path: 'relayed (home1 NAT -> relay -> home2 NAT)', home: h1, addr: idB, ns: lab.home1 },
      ]),
    );
  }
  return { rows, pairMs };
}

async function pairLoopback(): Promise<number> {
  const [a, b] = [path.join(tmp, 'pa'), path.join(tmp, 'pb')];
  const inv = await daemon(b, ['pair', '--host', '127.0.0.1', '--port', '0']);
  return run(a, ['--json', 'pair', String(inv.first.fullCode)]).ms;
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function memoryPerReservation(): Promise<{ before: number; after: number; n: number }> {
  const relay = await daemon(path.join(tmp, 'mR'), [
    'relay',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--max-reservations',
    String(reservations + 10),
  ]);
  const relayAddr = (relay.first.addresses as string[]).find((a) => a.includes('quic'))!;
  await new Promise((r) => setTimeout(r, 2000));
  const before = rssKiB(relay.proc.pid!);
  const nodes: WarpNode[] = [];
  for (let i = 0; i < reservations; i++) {
    const identity = await loadIdentity(path.join(tmp, `m${i}`));
    nodes.push(
      await WarpNode.create({
        identity,
        listen: { host: '127.0.0.1', port: 0 },
        transports: ['quic'],
        isTrusted: () => false,
        relays: [relayAddr],
      }),
    );
  }
  await new Promise((r) => setTimeout(r, 3000));
  const after = rssKiB(relay.proc.pid!);
  const held = nodes.filter((n) => n.relayLink?.states()[0]?.reserved).length;
  await Promise.all(nodes.map((n) => n.stop()));
  relay.proc.kill('SIGTERM');
  return { before, after, n: held };
}

async function main(): Promise<void> {
  console.log(
    `bench:relay  rounds=${rounds} probe=${bytes}  load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}  (${new Date().toISOString()})`,
  );
  const rows = await loopback();
  const pairLo = await pairLoopback();
  const why = argv.includes('--no-netns') ? '--no-netns' : natLabUnavailable();
  let pairNat: number | undefined;
  if (why) console.log(`namespaces skipped: ${why}`);
  else {
    const ns = await namespaces([0, 20]);
    rows.push(...ns.rows);
    pairNat = ns.pairMs;
  }
  console.log('\n| setup | path | RTT median (ms) | throughput (MB/s) |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.setup} | ${r.path} | ${r.rttMs.toFixed(2)} | ${r.mbps.toFixed(1)} |`);
  console.log(
    `\ncode entry to paired (warp pair <full code>, wall time): loopback direct ${pairLo.toFixed(0)} ms${pairNat ? `; across two NATs through the relay ${pairNat.toFixed(0)} ms` : ''}`,
  );
  const m = await memoryPerReservation();
  console.log(
    `relay memory: RSS ${(m.before / 1024).toFixed(1)} MiB idle, ${(m.after / 1024).toFixed(1)} MiB with ${m.n} reservations: ${((m.after - m.before) / Math.max(1, m.n)).toFixed(0)} KiB per reservation (connection included)`,
  );
  console.log(
    `load at the end ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
}

await main();
process.exit(0);
