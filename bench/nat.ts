/**
 * `node bench/nat.ts [--seconds=25] [--wan=198.51.100,11.0.0]` (root: network namespaces, test/net/netns.ts).
 *
 * NAT_AUTONAT=0 turns AutoNAT off in both peers. NAT_ANNOUNCE_OBSERVED=1 marks the address the relay observed as
 * verified (bench/lib/nat-peer.ts), so DCUtR offers it. `--pcap` records UDP on both routers' wan side (tcpdump) and
 * prints the packets that are not relay traffic: what the hole-punch dials sent and where they ended.
 *
 * The NAT-traversal experiment of issue 14: two homes behind masquerading routers, a `warp relay` on the wan.
 * Both peers listen on real ports (0.0.0.0) with a relay slot, UPnP, AutoNAT and DCUtR on (bench/lib/nat-peer.ts);
 * A dials B's /p2p-circuit address. Printed per wan: each side's connection list over time (does DCUtR replace the
 * relayed connection by a direct one through the two NATs?), its advertised addresses (did AutoNAT confirm an
 * observed address?), and the libp2p dcutr/autonat/upnp debug lines that say why.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadIdentity } from '../src/engine/net/identity.ts';
import { createNatLab, natLabUnavailable, type NatLab } from '../test/net/netns.ts';
import { startUpnpRouter, upnpUnavailable } from '../test/net/upnp-router.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/warp.js');
const PEER = path.resolve(import.meta.dirname, 'lib/nat-peer.ts');
const arg = (k: string, d: string): string =>
  process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const seconds = Number(arg('seconds', '25'));
const wans = arg('wan', '198.51.100,11.0.0').split(',');
const pcap = process.argv.includes('--pcap');
/** `--upnp=1` (or 2): that home's router runs miniupnpd (UPnP IGD + NAT-PMP), bench/lib/upnp-router.ts. */
const upnpHome = Number(arg('upnp', '0'));

interface Proc {
  lines: () => Array<Record<string, unknown>>;
  debug: () => string[];
  done: Promise<void>;
  kill: () => void;
}

function run(cmd: string[], env: Record<string, string>): Proc {
  const p = spawn(cmd[0], cmd.slice(1), { env: { ...process.env, NO_COLOR: '1', ...env } });
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return {
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    debug: () => err.split('\n').filter((l) => /dcutr|autonat|upnp|nat|error/i.test(l)),
    done: new Promise((r) => p.once('exit', () => r())),
    kill: () => p.kill('SIGKILL'),
  };
}

async function until(f: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const DEBUG = 'libp2p:dcutr*,libp2p:quic*,libp2p:auto*,libp2p:upnp*,libp2p:circuit-relay:transport*';

async function experiment(wanNet: string): Promise<void> {
  const lab: NatLab = createNatLab({ wanNet });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-natx-'));
  const procs: Proc[] = [];
  try {
    const ns = (n: string): string[] => ['ip', 'netns', 'exec', n];
    const relay = run(
      [...ns(lab.wan), process.execPath, BIN, '--json', 'relay', '--host', `${wanNet}.1`, '--port', '7655'],
      {
        WARP_HOME: path.join(tmp, 'R'),
      },
    );
    procs.push(relay);
    await until(() => relay.lines().length > 0, 30_000, 'relay start');
    // On a public-looking wan libp2p prints no address until AutoNAT confirms one: the relay's is known anyway.
    const first = relay.lines()[0];
    const relayAddr =
      (first.addresses as string[]).find((a) => a.includes('quic')) ??
      `/ip4/${wanNet}.1/udp/7655/quic-v1/p2p/${String(first.peerId)}`;
    console.log(`relay printed ${(first.addresses as string[]).length} addresses; using ${relayAddr}`);
    if (pcap) procs.push(...lab.routers.map((r) => capture(r, tmp)));
    const igd = upnpHome ? startUpnpRouter(lab.routers[upnpHome - 1], tmp) : undefined;
    if (igd)
      procs.push({ lines: () => [], debug: () => igd.log().split('\n'), done: Promise.resolve(), kill: igd.stop });
    const [idA, idB] = await Promise.all(['A', 'B'].map((h) => loadIdentity(path.join(tmp, h))));
    const env = { DEBUG };
    const b = run(
      [...ns(lab.home2), process.execPath, PEER, path.join(tmp, 'B'), relayAddr, idA.peerId, String(seconds + 8)],
      { ...env, WARP_HOME: path.join(tmp, 'B') },
    );
    procs.push(b);
    await until(() => b.lines().some((l) => l.started), 40_000, 'B start');
    const bAddrs = b.lines().find((l) => l.started)!.addresses as string[];
    const circuit = bAddrs.find((a) => a.includes('/p2p-circuit'));
    const a = run(
      [
        ...ns(lab.home1),
        process.execPath,
        PEER,
        path.join(tmp, 'A'),
        relayAddr,
        idB.peerId,
        String(seconds),
        circuit ?? 'none',
      ],
      { ...env, WARP_HOME: path.join(tmp, 'A') },
    );
    procs.push(a);
    await Promise.all([a.done, b.done]);
    console.log(`\n=== wan ${wanNet}.0/24 (relay ${wanNet}.1), ${seconds} s after A dials B's relayed address ===`);
    console.log(`B start addresses: ${bAddrs.join(' ')}`);
    for (const [name, p] of [
      ['A (home1, dials)', a],
      ['B (home2, answers)', b],
    ] as const) {
      console.log(`--- ${name}`);
      for (const l of p.lines()) if (!l.log || /relay|nat/i.test(String(l.log))) console.log(JSON.stringify(l));
      // Every DCUtR and UPnP mapping line (what the upgrade did), then the last 15 others.
      const key = (l: string): boolean => /dcutr|mapping|discovered public/.test(l);
      const shown = [
        ...p.debug().filter(key),
        ...p
          .debug()
          .filter((l) => !key(l))
          .slice(-15),
      ];
      console.log(`--- ${name}: libp2p debug (dcutr/autonat/upnp), ${p.debug().length} lines, ${shown.length} shown:`);
      for (const l of shown) console.log('  ' + l.replace(/^\S+\s/, '').slice(0, 220));
    }
    if (pcap) printCaptures(lab, tmp);
    if (igd)
      console.log(`--- miniupnpd in home${upnpHome}'s router:\n${igd.log().trim().split('\n').slice(-12).join('\n')}`);
  } catch (e) {
    console.log(`\n=== wan ${wanNet}.0/24: ${String(e)}`);
    for (const p of procs) console.log([...p.lines().map((l) => JSON.stringify(l)), ...p.debug()].slice(-8).join('\n'));
  } finally {
    for (const p of procs) p.kill();
    lab.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  if (left.includes(lab.tag)) console.log(`WARNING: namespaces ${lab.tag} left behind`);
}

/** tcpdump of UDP on a router's wan side (the NAT-mapped side) into <tmp>/<router>.pcap. */
function capture(router: string, tmp: string): Proc {
  const file = path.join(tmp, `${router}.pcap`);
  return run(['ip', 'netns', 'exec', router, 'tcpdump', '-U', '-n', '-i', 'wan', '-w', file, 'udp or icmp'], {});
}

/** The captured packets that are not to or from the relay's port: the hole-punch attempt. */
function printCaptures(lab: NatLab, tmp: string): void {
  spawnSync('sleep', ['1']);
  for (const r of lab.routers) {
    const file = path.join(tmp, `${r}.pcap`);
    const text = spawnSync('tcpdump', ['-n', '-tt', '-r', file], { encoding: 'utf8' }).stdout ?? '';
    const punch = text.split('\n').filter((l) => l && !/\.7655[ :]/.test(l));
    console.log(`--- ${r} wan: ${text.split('\n').length - 1} packets, ${punch.length} not relay traffic, first 30:`);
    for (const l of punch.slice(0, 30)) console.log('  ' + l.slice(0, 200));
  }
}

const why = natLabUnavailable() ?? (upnpHome ? upnpUnavailable() : undefined);
if (why) {
  console.log(`bench/nat.ts needs network namespaces: ${why}`);
  process.exit(0);
}
console.log(
  `bench/nat.ts load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} at ${new Date().toISOString()}`,
);
for (const w of wans) await experiment(w);
