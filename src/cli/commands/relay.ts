/**
 * `warp relay`: a headless circuit relay (net/relay-server.ts) for peers behind NAT, e.g. on a small VPS. It
 * prints its multiaddrs like `warp listen` (with --json the first line is `{"type":"relay",…}`), then a status
 * line each minute (reservations, circuits, bytes, refusals) until interrupted.
 */
import type { Command } from 'commander';
import { parseByteSize, formatBytes, formatRate } from '../../engine/core/bytes.ts';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { warpHome } from '../../engine/core/warp-home.ts';
import { parseDuration } from '../../engine/config/units.ts';
import { loadIdentity } from '../../engine/net/identity.ts';
import { isLocalHost } from '../../engine/net/path.ts';
import { RelayServer, type RelayCaps } from '../../engine/net/relay-server.ts';
import { assertPeerId } from '../../engine/net/trust.ts';
import { loadCliConfig } from '../config-loader.ts';
import { serverLog } from '../server-log.ts';
import type { CliContext } from '../context.ts';
import { freePort } from './net-env.ts';

interface RelayOpts {
  port?: string;
  host?: string;
  maxReservations?: string;
  dataLimit?: string;
  duration?: string;
  rate?: string;
  allowReserve?: string[];
  statusEvery?: string;
  announce?: string[];
}

const DEFAULT_RELAY_PORT = 7655;

export function register(program: Command, ctx: CliContext): void {
  program
    .command('relay')
    .description('run a circuit relay for peers that cannot reach each other directly (headless, e.g. on a VPS)')
    .option('--port <n>', `UDP (QUIC) and TCP port; 0 picks a free one (default ${DEFAULT_RELAY_PORT})`)
    .option('--host <addr>', 'address to bind (default 0.0.0.0)')
    .option('--max-reservations <n>', 'listeners that may hold a slot at once (default from config: 128)')
    .option(
      '--data-limit <bytes>',
      'bytes one relayed connection may carry, e.g. 4GB; 0: no cap (config relay.data_limit)',
    )
    .option(
      '--duration <time>',
      'how long one relayed connection may stay open, e.g. 1h; 0: no cap (config relay.duration)',
    )
    .option(
      '--rate <bytes/s>',
      'bytes per second over all relayed connections, e.g. 50MB; 0: no cap (config relay.rate)',
    )
    .option('--allow-reserve <peer-id...>', 'only these peers may reserve a slot (default: anyone, up to the cap)')
    .option('--status-every <time>', 'print a status line this often (default 60s; 0: never)')
    .option(
      '--announce <host...>',
      "this relay's public IP or DNS name, announced to peers (on a server: libp2p hides an unconfirmed public address)",
    )
    .addHelpText(
      'after',
      "\nThe relay connects a peer to a listener only when that listener named it as paired; a listener reserves a slot with 'warp listen --relay <multiaddr>' or [net] relays in config.",
    )
    .action(async (o: RelayOpts) => {
      const { config } = loadCliConfig(ctx);
      const identity = await loadIdentity(warpHome());
      const host = o.host ?? '0.0.0.0';
      let port = o.port !== undefined ? Number(o.port) : DEFAULT_RELAY_PORT;
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new WarpError(ErrorCodes.USAGE, `--port must be 0-65535 (got '${o.port}')`);
      if (port === 0) port = await freePort(host);
      const caps = relayCaps(o, config.relay);
      const reservers = new Set((o.allowReserve ?? []).map((p) => assertPeerId(p, '--allow-reserve peer id')));
      const quiet = ctx.opts().quiet;
      const json = ctx.opts().json;
      const line = serverLog(ctx, config.log, 'relay');
      const log = (m: string): void => {
        if (json) ctx.out(JSON.stringify({ type: 'relay.log', message: m }));
        else line(m);
      };
      const server = await RelayServer.start({
        identity,
        host,
        port,
        caps,
        reservers,
        announce: o.announce,
        onLog: log,
      });
      const addresses = server.addresses();
      if (json) ctx.out(JSON.stringify({ type: 'relay', peerId: server.peerId, port, addresses, caps }));
      else if (!quiet) {
        ctx.err(`relaying as ${server.peerId} (${describeCaps(caps)})`);
        for (const a of addresses) ctx.err(`  ${a}`);
        if (!addresses.some(isPublicAddress))
          ctx.err(
            '  (no public address: peers on other networks reach this relay once you name it with --announce <public ip or host name>)',
          );
      }
      const every = o.statusEvery === undefined ? 60_000 : duration(o.statusEvery, '--status-every');
      const timer =
        every > 0
          ? setInterval(() => {
              const c = server.counts();
              if (json) ctx.out(JSON.stringify({ type: 'relay.status', ...c }));
              else if (!quiet)
                ctx.err(
                  `warp relay: ${c.reservations} reservations, ${c.open} circuits open (${c.circuits} in all), ${formatBytes(c.bytes)} relayed, ${c.refusedUnpaired} unpaired refused`,
                );
            }, every)
          : undefined;
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      clearInterval(timer);
      await server.stop();
    });
}

function duration(text: string, what: string): number {
  if (text.trim() === '0') return 0;
  const ms = parseDuration(text);
  if (ms === undefined || ms < 0)
    throw new WarpError(ErrorCodes.USAGE, `${what} takes a duration such as 90s, 10m or 1h (got '${text}')`);
  return ms;
}

function relayCaps(
  o: RelayOpts,
  c: { maxReservations: number; dataLimit: number; duration: number; rate: number },
): Partial<RelayCaps> {
  const max = o.maxReservations !== undefined ? Number(o.maxReservations) : c.maxReservations;
  if (!Number.isInteger(max) || max < 1 || max > 100_000)
    throw new WarpError(ErrorCodes.USAGE, `--max-reservations must be 1-100000 (got '${o.maxReservations}')`);
  const bytes = (v: string | undefined, d: number, what: string): number =>
    v === undefined ? d : v.trim() === '0' ? 0 : parseByteSize(v, what);
  return {
    maxReservations: max,
    dataLimit: bytes(o.dataLimit, c.dataLimit, '--data-limit'),
    durationMs: o.duration === undefined ? c.duration : duration(o.duration, '--duration'),
    rate: bytes(o.rate, c.rate, '--rate'),
  };
}

function describeCaps(c: Partial<RelayCaps>): string {
  const parts = [`${c.maxReservations} slots`];
  parts.push(c.dataLimit ? `${formatBytes(c.dataLimit)} per connection` : 'no byte cap per connection');
  if (c.durationMs) parts.push(`${Math.round(c.durationMs / 1000)} s per connection`);
  parts.push(c.rate ? `${formatRate(c.rate)} in all` : 'no rate cap');
  return parts.join(', ');
}

/** Whether a multiaddr names a host peers on other networks can reach (not loopback, private or link-local). */
export function isPublicAddress(ma: string): boolean {
  const host = ma.split('/')[2] ?? '';
  return host !== '' && host !== '0.0.0.0' && !isLocalHost(host);
}
