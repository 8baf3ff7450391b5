/**
 * A small internet in Linux network namespaces, for the NAT tests: a "wan" namespace (a bridge, the relay's
 * address 198.51.100.1) and two homes, each behind its own router that masquerades (NAT) the home's private
 * network onto the wan and forwards nothing inward. Names carry a unique tag; `destroy()` removes every
 * namespace (their veths go with them) and is safe to call twice.
 *
 *   home1 10.1.0.2 -- 10.1.0.1 [r1: MASQUERADE] 198.51.100.11 --+
 *                                                                 +-- br0 198.51.100.1 (wan: the relay)
 *   home2 10.2.0.2 -- 10.2.0.1 [r2: MASQUERADE] 198.51.100.12 --+
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');

export const WAN_IP = '198.51.100.1';

export interface NatLab {
  tag: string;
  wan: string;
  home1: string;
  home2: string;
  /** The two routers' namespaces (their wan side is the interface `wan`). */
  routers: [string, string];
  /** `ip netns exec <ns>`, to put in front of a command. */
  exec: (ns: string) => string[];
  /** Adds `ms` of delay each way on both routers' wan links (tc netem); false if netem is unavailable. */
  delay: (ms: number) => boolean;
  destroy: () => void;
}

function sh(script: string): void {
  execFileSync('bash', ['-euo', 'pipefail', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

/** Why namespaces cannot be made here (not root, no `ip`, no iptables/nft), or undefined when they can. */
export function natLabUnavailable(): string | undefined {
  const probe = `wprobe${crypto.randomBytes(3).toString('hex')}`;
  try {
    sh(`command -v ip >/dev/null || { echo 'iproute2 (ip) is not installed' >&2; exit 1; }
        command -v iptables >/dev/null || command -v nft >/dev/null || { echo 'neither iptables nor nft is installed' >&2; exit 1; }
        ip netns add ${probe}; ip netns del ${probe}`);
    return undefined;
  } catch (e) {
    const err = (e as { stderr?: Buffer }).stderr?.toString().trim();
    return err || (e as Error).message;
  }
}

/**
 * `wanNet`: the wan's /24 (default 198.51.100, TEST-NET-2). libp2p counts TEST-NET as private, so its AutoNAT and
 * DCUtR ignore those addresses; bench/nat.ts also runs the lab on a routable-looking /24 (the namespaces reach
 * nothing outside, so no real host is touched) to see what they do with public ones.
 */
export function createNatLab(o: { wanNet?: string } = {}): NatLab {
  const wanNet = o.wanNet ?? '198.51.100';
  const tag = crypto.randomBytes(3).toString('hex');
  const ns = { wan: `w${tag}wan`, r1: `w${tag}r1`, r2: `w${tag}r2`, home1: `w${tag}h1`, home2: `w${tag}h2` };
  const all = Object.values(ns);
  const destroy = (): void => {
    for (const n of all) {
      try {
        execFileSync('ip', ['netns', 'del', n], { stdio: 'ignore', timeout: 10_000 });
      } catch {
        /* not created, or gone */
      }
    }
  };
  try {
    sh(buildScript(tag, ns, wanNet));
  } catch (e) {
    destroy();
    throw new Error(`could not build the NAT namespaces: ${(e as { stderr?: Buffer }).stderr?.toString() ?? e}`);
  }
  return {
    tag,
    wan: ns.wan,
    home1: ns.home1,
    home2: ns.home2,
    routers: [ns.r1, ns.r2],
    exec: (n) => ['ip', 'netns', 'exec', n],
    delay: (ms) => {
      try {
        sh(`ip netns exec ${ns.r1} tc qdisc replace dev wan root netem delay ${ms}ms
            ip netns exec ${ns.r2} tc qdisc replace dev wan root netem delay ${ms}ms`);
        return true;
      } catch {
        return false;
      }
    },
    destroy,
  };
}

function buildScript(tag: string, ns: Record<'wan' | 'r1' | 'r2' | 'home1' | 'home2', string>, wanNet: string): string {
  const router = (r: string, home: string, i: 1 | 2): string => `
    ip link add w${tag}a${i} type veth peer name w${tag}b${i}
    ip link set w${tag}a${i} netns ${r}; ip link set w${tag}b${i} netns ${ns.wan}
    ip -n ${r} link set w${tag}a${i} name wan; ip -n ${r} addr add ${wanNet}.1${i}/24 dev wan; ip -n ${r} link set wan up
    ip -n ${ns.wan} link set w${tag}b${i} master br0; ip -n ${ns.wan} link set w${tag}b${i} up
    ip link add w${tag}c${i} type veth peer name w${tag}d${i}
    ip link set w${tag}c${i} netns ${r}; ip link set w${tag}d${i} netns ${home}
    ip -n ${r} link set w${tag}c${i} name lan; ip -n ${r} addr add 10.${i}.0.1/24 dev lan; ip -n ${r} link set lan up
    ip -n ${home} link set w${tag}d${i} name eth0; ip -n ${home} addr add 10.${i}.0.2/24 dev eth0
    ip -n ${home} link set eth0 up; ip -n ${home} route add default via 10.${i}.0.1
    ip netns exec ${r} sysctl -qw net.ipv4.ip_forward=1
    if command -v iptables >/dev/null && ip netns exec ${r} iptables -t nat -L >/dev/null 2>&1; then
      ip netns exec ${r} iptables -t nat -A POSTROUTING -o wan -j MASQUERADE
      ip netns exec ${r} iptables -A FORWARD -i wan -o lan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
      ip netns exec ${r} iptables -A FORWARD -i wan -o lan -j DROP
    else
      ip netns exec ${r} nft -f - <<'EOF'
table ip nat { chain post { type nat hook postrouting priority 100; oifname "wan" masquerade; } }
table ip filter { chain fwd { type filter hook forward priority 0; iifname "wan" oifname "lan" ct state established,related accept; iifname "wan" oifname "lan" drop; } }
EOF
    fi`;
  return `
    for n in ${Object.values(ns).join(' ')}; do ip netns add $n; ip -n $n link set lo up; done
    ip -n ${ns.wan} link add br0 type bridge; ip -n ${ns.wan} addr add ${wanNet}.1/24 dev br0; ip -n ${ns.wan} link set br0 up
    ${router(ns.r1, ns.home1, 1)}
    ${router(ns.r2, ns.home2, 2)}`;
}

export interface NsProcess {
  proc: ChildProcess;
  /** Its stdout lines that are JSON, so far. */
  lines: () => Array<Record<string, unknown>>;
  stderr: () => string;
  done: Promise<number | null>;
}

/** A long-running `warp` in a namespace, with WARP_HOME `home`; the caller kills it. */
export function spawnWarpIn(ns: string, home: string, args: string[], env: Record<string, string> = {}): NsProcess {
  const proc = spawn('ip', ['netns', 'exec', ns, process.execPath, BIN, ...args], {
    env: { ...process.env, WARP_HOME: home, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const lines = (): Array<Record<string, unknown>> =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const done = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  return { proc, lines, stderr: () => err, done };
}
