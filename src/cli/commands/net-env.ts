/** Shared setup for the network commands: identity, trusted peers, file index and chunk store under WARP_HOME. */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { warpHome } from '../../engine/core/warp-home.ts';
import { paramsForAverage } from '../../engine/codec/fastcdc.ts';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { loadIdentity } from '../../engine/net/identity.ts';
import type { TransportChoice } from '../../engine/net/node.ts';
import { TrustStore, cleanName } from '../../engine/net/trust.ts';
import { defaultDeviceName, rankAddresses } from '../../engine/net/peer-book.ts';
import { ChunkStore } from '../../engine/store/chunk-store.ts';
import { FileIndex } from '../../engine/store/file-index.ts';
import type { TransferEnv } from '../../engine/model/transfer-env.ts';
import type { NearbyDto } from '../../shared/bridge.ts';
import { DiscoveryHost } from '../../engine/service/discovery-host.ts';
import { loadCliConfig } from '../config-loader.ts';
import type { CliContext } from '../context.ts';

export interface NetCliOpts {
  transport?: string;
  streams?: string;
  window?: string;
  compress?: boolean;
}

export function parseTransport(t: string | undefined, fallback: string): TransportChoice {
  const v = t ?? fallback;
  if (v !== 'quic' && v !== 'tcp' && v !== 'auto')
    throw new WarpError(ErrorCodes.USAGE, `--transport must be quic, tcp or auto (got '${v}')`);
  return v;
}

export async function transferEnv(
  ctx: CliContext,
  o: NetCliOpts = {},
): Promise<TransferEnv & { config: ReturnType<typeof loadCliConfig>['config'] }> {
  const { config } = loadCliConfig(ctx);
  const home = warpHome();
  const identity = await loadIdentity(home);
  const int = (v: string | undefined, d: number, what: string): number => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 4096)
      throw new WarpError(ErrorCodes.USAGE, `${what} must be a whole number from 1 to 4096 (got '${v}')`);
    return n;
  };
  return {
    config,
    home,
    identity,
    trust: new TrustStore(home),
    index: new FileIndex(path.join(home, 'store')),
    store: new ChunkStore(path.join(home, 'store', 'chunks'), { maxBytes: config.transfer.storeMax }),
    chunking: paramsForAverage(config.transfer.chunkAvg),
    streams: int(o.streams, config.transfer.streams, '--streams'),
    window: int(o.window, config.transfer.window, '--window'),
    compress: o.compress === false ? false : config.transfer.compress !== 'off',
    compressLoopback: config.transfer.compress === 'on',
    transport: parseTransport(o.transport, config.transfer.transport),
    // A one-shot command listens nowhere: it tells paired peers its name only, and learns their addresses.
    self: () => ({ addrs: [], name: deviceName(config.transfer.name) }),
    relays: config.net.relays,
    nat: { upnp: config.net.upnp, autonat: config.net.autonat, holePunch: config.net.holePunch },
  };
}

/** This machine's friendly name: `transfer.name`, else its host name. */
export function deviceName(configured: string): string {
  return cleanName(configured) ?? defaultDeviceName();
}

/**
 * Where this machine's `warp listen` or `warp daemon` would be reached by default (transfer.host and
 * transfer.port; every interface's address for 0.0.0.0), best first: what `warp pair <code>` tells the
 * inviter, since the one-shot command itself does not stay to listen.
 */
export function defaultListenAddresses(peerId: string, host: string, port: number): string[] {
  const hosts =
    host === '0.0.0.0'
      ? Object.values(os.networkInterfaces())
          .flat()
          .filter((i) => i && i.family === 'IPv4')
          .map((i) => i!.address)
      : [host];
  const out: string[] = [];
  for (const h of hosts) {
    const p = h.includes(':') ? 'ip6' : 'ip4';
    out.push(`/${p}/${h}/udp/${port}/quic-v1/p2p/${peerId}`, `/${p}/${h}/tcp/${port}/p2p/${peerId}`);
  }
  return rankAddresses(out);
}

/** A port free for both TCP and UDP right now (so one number describes the listener). */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/**
 * LAN discovery for a CLI command (net/discovery.ts through the service's DiscoveryHost): announces `addrs()` and
 * this machine's name (and `pairing`, a code's lookup id), and stores a paired peer's new addresses once a dial
 * to them succeeded. `passive`: only listen (a joiner looking for a code).
 */
export function cliDiscovery(
  env: Awaited<ReturnType<typeof transferEnv>>,
  addrs: () => string[],
  log: (m: string) => void,
  o: { pairing?: () => string | undefined; passive?: boolean } = {},
): DiscoveryHost {
  return new DiscoveryHost({
    env,
    interfaceAddress: env.config.transfer.discoveryInterface || undefined,
    self: () => ({ addrs: addrs(), name: deviceName(env.config.transfer.name), pairing: o.pairing?.() }),
    onPeerMoved: (peer, a) => env.trust.learn(peer, { addresses: a }, 'discovery'),
    onNearby: () => {},
    onLog: log,
    passive: o.passive,
  });
}

/**
 * Listens on the LAN (announcing nothing) for `ms` and lists the Warp devices that answered, as the daemon's
 * nearby list shows them: `warp peers nearby` without a running daemon.
 */
export async function browseNearby(env: Awaited<ReturnType<typeof transferEnv>>, ms: number): Promise<NearbyDto[]> {
  const lan = cliDiscovery(
    env,
    () => [],
    () => {},
    { passive: true },
  );
  try {
    await lan.find(() => false, ms);
    return lan.nearby();
  } finally {
    await lan.stop();
  }
}
