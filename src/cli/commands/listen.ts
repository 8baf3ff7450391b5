/**
 * `warp listen`: serve and receive trees inside a root for trusted peers until interrupted. With --json the
 * first stdout line is `{"type":"listening",…}` (peer id, port, addresses), then transfer events.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { serverLog } from '../server-log.ts';
import { assertPeerId } from '../../engine/net/trust.ts';
import { PROTOCOLS, WarpNode } from '../../engine/net/node.ts';
import { servePairStream, type SelfInfo } from '../../engine/net/pair.ts';
import { rankAddresses } from '../../engine/net/peer-book.ts';
import { describeReachability, readReachability, watchReachability } from '../../engine/net/reachability.ts';
import type { TransportName } from '../../engine/net/address.ts';
import { TransferService } from '../../engine/transfer/service.ts';
import { parseByteSize } from '../../engine/core/bytes.ts';
import { EdgeEmulator, parseEmulation } from '../../engine/swarm/emulate.ts';
import { swarmRequests } from '../../engine/swarm/listener.ts';
import { formatBytes } from '../../engine/core/bytes.ts';
import { incomingLine, syncRequests } from '../../engine/sync/incoming.ts';
import type { CliContext } from '../context.ts';
import { cliDiscovery, deviceName, freePort, transferEnv, type NetCliOpts } from './net-env.ts';

interface ListenOpts extends NetCliOpts {
  root?: string;
  port?: string;
  host?: string;
  allow?: string[];
  mdns?: boolean;
  discover?: boolean;
  rateLimit?: string;
  latency?: string;
  failAfter?: string;
  slowAfter?: string;
  dieAfter?: string;
  acceptPreposition?: string | boolean;
  metered?: boolean;
  battery?: string;
  relay?: string[];
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('listen')
    .description('serve and receive transfers for trusted peers inside a root directory')
    .option('--root <dir>', 'directory served and written to (default: current directory)')
    .option('--port <n>', 'UDP (QUIC) and TCP port; 0 picks a free one (default from config: 7654)')
    .option('--host <addr>', 'address to bind (default from config: 0.0.0.0)')
    .option('--allow <peer-id...>', 'also trust these peer ids (no pairing step; for scripts and tests)')
    .option('--transport <t>', 'quic | tcp | auto (both, the default)')
    .option('--streams <n>', 'most parallel streams per transfer')
    .option('--window <n>', 'chunks in flight per transfer')
    .option('--no-compress', 'never compress chunks on the wire')
    .option('--discover', 'announce this machine on the local network and find paired peers there (multicast DNS)')
    .option('--mdns', 'the same as --discover')
    .option(
      '--relay <multiaddr...>',
      "reserve a slot on this circuit relay ('warp relay' prints its multiaddrs) and be reachable through it (adds to [net] relays)",
    )
    .option(
      '--accept-preposition [bytes]',
      'let swarm peers pre-position predicted chunks in this store (up to bytes, default 1GB)',
    )
    .option('--metered', 'tell swarm peers this link is metered (they avoid it while others can serve)')
    .option(
      '--battery <percent|ac>',
      'report this battery state to swarm peers instead of /sys/class/power_supply (testing)',
    )
    .option('--rate-limit <rate>', 'emulation: send at most this many bytes per second, e.g. 25MB (token bucket)')
    .option('--latency <ms>', 'emulation: delay every chunk request by this many ms')
    .option('--fail-after <bytes>', 'emulation: after sending this many bytes, answer every chunk request with a miss')
    .option(
      '--slow-after <s:rate>',
      'emulation: <s> seconds after the first chunk served, send at most <rate> per second, e.g. 2:500KB',
    )
    .option('--die-after <s>', 'emulation: exit abruptly <s> seconds after the first chunk served (a peer that dies)')
    .action(async (o: ListenOpts) => {
      const env = await transferEnv(ctx, o);
      const log = serverLog(ctx, env.config.log, 'listen');
      const root = path.resolve(o.root ?? '.');
      if (!fs.existsSync(root) || !fs.statSync(root).isDirectory())
        throw new WarpError(ErrorCodes.INPUT_NOT_FOUND, `--root ${root} is not a directory`);
      const allowed = new Set((o.allow ?? []).map((a) => assertPeerId(a, '--allow peer id')));
      const host = o.host ?? env.config.transfer.host;
      let port = o.port !== undefined ? Number(o.port) : env.config.transfer.port;
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new WarpError(ErrorCodes.USAGE, `--port must be 0-65535 (got '${o.port}')`);
      if (port === 0) port = await freePort(host);
      const transports: TransportName[] = env.transport === 'auto' ? ['quic', 'tcp'] : [env.transport];
      const json = ctx.opts().json;
      const quiet = ctx.opts().quiet;
      const node = await WarpNode.create({
        identity: env.identity,
        listen: { host, port },
        transports,
        isTrusted: (id) => allowed.has(id) || env.trust.has(id),
        relays: [...env.config.net.relays, ...(o.relay ?? [])],
        nat: env.nat,
        relayPolicy: () => ({ peers: [...new Set([...allowed, ...env.trust.list().map((p) => p.id)])] }),
        onLog: log,
      });
      const service = new TransferService({
        node,
        root,
        chunking: env.chunking,
        index: env.index,
        store: env.store,
        streams: env.streams,
        window: env.window,
        compress: env.compress,
        compressLoopback: env.compressLoopback,
        onEvent: (e) => {
          if (json && e.type !== 'transfer.chunk') ctx.out(JSON.stringify(e));
        },
        onLog: log,
        extraRequests: {
          ...swarmRequests({
            root,
            chunking: env.chunking,
            index: env.index,
            store: env.store,
            power: {
              metered: o.metered,
              battery: o.battery === undefined ? undefined : o.battery === 'ac' ? 'ac' : batteryPercent(o.battery),
            },
            acceptPrepositionBytes:
              o.acceptPreposition === undefined || o.acceptPreposition === false
                ? 0
                : o.acceptPreposition === true
                  ? 1e9
                  : parseByteSize(o.acceptPreposition, '--accept-preposition'),
            onLog: log,
          }),
          ...listenSyncRequests(ctx, env.home, root, json, quiet),
        },
      });
      const emulator = new EdgeEmulator(parseEmulation(o));
      if (emulator.active) service.chunks.shaper = emulator;
      await service.start();
      await answerPeerInfo(node, env, (id) => allowed.has(id) || env.trust.has(id));
      const lan = startLan(ctx, env, node, o);
      const unwatch = announce(ctx, node, port, root);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      unwatch();
      await lan?.stop();
      await node.stop();
      env.index?.close();
    });
}

/**
 * The first line (`listening`, with the relayed addresses and the AutoNAT verdict) and a line per change of the
 * verdict; with --json also a line per relay state change.
 */
function announce(ctx: CliContext, node: WarpNode, port: number, root: string): () => void {
  const { json, quiet } = ctx.opts();
  const addresses = node.addresses();
  const relays = node.relayLink?.states();
  const reachability = readReachability(node.libp2p);
  if (json)
    ctx.out(JSON.stringify({ type: 'listening', peerId: node.peerId, port, root, addresses, relays, reachability }));
  else if (!quiet) {
    ctx.err(`listening as ${node.peerId} in ${root}`);
    for (const a of addresses) ctx.err(`  ${a}`);
    for (const r of relays ?? []) if (!r.reserved) ctx.err(`  (relay ${r.relay}: ${r.error ?? 'not reserved yet'})`);
    ctx.err(`  reachability: ${describeReachability(reachability)}`);
  }
  if (node.relayLink && json) node.relayLink.onChange = (r) => ctx.out(JSON.stringify({ type: 'relay.state', ...r }));
  return watchReachability(node.libp2p, (r) => {
    if (json) ctx.out(JSON.stringify({ type: 'reachability', ...r }));
    else if (!quiet) ctx.err(`warp listen: reachability: ${describeReachability(r)}`);
  });
}

/** LAN discovery when asked (--discover, --mdns, transfer.discovery = on): announces this listener. */
function startLan(
  ctx: CliContext,
  env: Awaited<ReturnType<typeof transferEnv>>,
  node: WarpNode,
  o: ListenOpts,
): ReturnType<typeof cliDiscovery> | undefined {
  const on = o.discover || o.mdns || env.config.transfer.discovery === 'on' || env.config.transfer.mdns;
  if (!on) return undefined;
  return cliDiscovery(env, () => rankAddresses(node.addresses()), serverLog(ctx, env.config.log, 'listen'));
}

function batteryPercent(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 100))
    throw new WarpError(ErrorCodes.USAGE, `--battery takes a percentage 0-100 or 'ac' (got '${v}')`);
  return n;
}

/** Paired peers refresh what they know of each other on contact (net/pair.ts `info`); no pairing here. */
async function answerPeerInfo(
  node: WarpNode,
  env: Awaited<ReturnType<typeof transferEnv>>,
  isTrusted: (id: string) => boolean,
): Promise<void> {
  const me = (): SelfInfo => ({
    addrs: rankAddresses(node.addresses()),
    name: deviceName(env.config.transfer.name),
    reach: readReachability(node.libp2p),
  });
  await node.handle(
    PROTOCOLS.pair,
    (ch) =>
      servePairStream(ch, {
        self: node.peerId,
        me,
        isTrusted,
        onInfo: (peer, info) => env.trust.learn(peer, { addresses: info.addrs, name: info.name }, 'contact'),
      }),
    { trusted: () => true },
  );
}

/** Sync reports from machines that sync a folder with this one (sync/incoming.ts): recorded, and said. */
function listenSyncRequests(ctx: CliContext, home: string, root: string, json: boolean, quiet: boolean) {
  return syncRequests({
    home,
    root,
    onReport: (r) => {
      if (json) ctx.out(JSON.stringify({ type: 'sync.incoming', ...r }));
      else if (!quiet)
        ctx.err(`warp listen: ${r.peer} synced ${r.dest} (${r.mode} here): ${incomingLine(r.moved, formatBytes)}`);
    },
  });
}
