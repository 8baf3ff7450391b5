/**
 * Turns a NAT lab router (test/net/netns.ts) into a home router with UPnP IGD and NAT-PMP: miniupnpd (Debian's
 * nftables build) on its lan side, its port forwards in an nftables table of their own, and the router's forward
 * filter letting port-forwarded (DNAT) traffic in, as a home router does. For test/net/nat-upnp.test.ts and bench/nat.ts `--upnp`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const CONF = (uuid: string): string => `ext_ifname=wan
listening_ip=lan
http_port=0
enable_natpmp=yes
enable_upnp=yes
secure_mode=yes
system_uptime=yes
upnp_table_name=miniupnpd
upnp_nat_table_name=miniupnpd
upnp_forward_chain=forward_upnp
upnp_nat_chain=prerouting_upnp
upnp_nat_postrouting_chain=postrouting_upnp
uuid=${uuid}
allow 1024-65535 10.0.0.0/8 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
`;

const TABLES = `table inet miniupnpd {
  chain forward { type filter hook forward priority 0; policy accept; jump forward_upnp; }
  chain forward_upnp { }
  chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_upnp; }
  chain prerouting_upnp { }
  chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_upnp; }
  chain postrouting_upnp { }
}
`;

/** Why miniupnpd cannot run here, or undefined. */
export function upnpUnavailable(): string | undefined {
  const r = spawnSync('miniupnpd', ['--version'], { encoding: 'utf8' });
  if (r.error) return 'miniupnpd is not installed (apt-get install miniupnpd)';
  return /nftables/.test(`${r.stdout}${r.stderr}`) ? undefined : 'miniupnpd is not the nftables build';
}

/** Starts miniupnpd in `router`; its log is `log()`, `stop()` kills it (the namespace takes its rules along). */
export function startUpnpRouter(router: string, dir: string): { log: () => string; stop: () => void } {
  const conf = path.join(dir, `${router}-miniupnpd.conf`);
  fs.writeFileSync(conf, CONF(crypto.randomUUID()));
  const ns = ['ip', 'netns', 'exec', router];
  const nft = spawnSync(ns[0], [...ns.slice(1), 'nft', '-f', '-'], { input: TABLES, encoding: 'utf8' });
  if (nft.status !== 0) throw new Error(`nft in ${router}: ${nft.stderr}`);
  // The lab's router drops every new inbound flow; a port forward is a DNAT flow.
  const fwd = ['iptables', '-I', 'FORWARD', '1', '-i', 'wan', '-o', 'lan', '-m', 'conntrack', '--ctstate', 'DNAT'];
  const ipt = spawnSync(ns[0], [...ns.slice(1), ...fwd, '-j', 'ACCEPT'], { encoding: 'utf8' });
  if (ipt.status !== 0) throw new Error(`iptables in ${router}: ${ipt.stderr}`);
  const pid = path.join(dir, `${router}-miniupnpd.pid`);
  const p: ChildProcess = spawn(ns[0], [...ns.slice(1), 'miniupnpd', '-f', conf, '-P', pid, '-d'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  p.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  p.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  return { log: () => log, stop: () => void p.kill('SIGKILL') };
}
