/**
 * `warp pair`: show a one-time code (short, full, and as a QR code) and wait for the other side;
 * `warp pair <code> [address]`: pair with the machine showing that code. The full code is enough on its own;
 * the short one is enough on the same network with discovery on. `warp pair --nearby <device>`: ask a device on
 * this network to pair, confirmed by the same code on both screens and a yes there (net/pair-request.ts). Both sides then trust each other and know
 * where the other listens (`warp peers`).
 */
import type { Command } from 'commander';
import { renderUnicodeCompact } from 'uqr';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { escapeControl } from '../../engine/core/safe-text.ts';
import { PROTOCOLS, WarpNode } from '../../engine/net/node.ts';
import { PairCodeBook, servePairStream, type ActiveCode, type SelfInfo } from '../../engine/net/pair.ts';
import { fullCode, shortCode } from '../../engine/net/pair-code.ts';
import { joinPairing } from '../../engine/net/pair-join.ts';
import { askToPair } from '../../engine/net/pair-request.ts';
import type { NearbyDevice } from '../../engine/net/discovery.ts';
import { targetsOf } from '../../engine/service/discovery-host.ts';
import { rankAddresses } from '../../engine/net/peer-book.ts';
import type { CliContext } from '../context.ts';
import { cliDiscovery, defaultListenAddresses, deviceName, freePort, transferEnv } from './net-env.ts';

interface PairOpts {
  port?: string;
  host?: string;
  timeout: string;
  name?: string;
  qr: boolean;
  nearby?: string;
}

type Env = Awaited<ReturnType<typeof transferEnv>>;

export function register(program: Command, ctx: CliContext): void {
  program
    .command('pair')
    .argument('[code]', 'the code the other machine shows (the full code, or the short one on the same network)')
    .argument('[address]', 'where it listens (host:port), when the code alone does not reach it')
    .description('pair with another machine using a one-time code (run it without arguments to show a code)')
    .option('--port <n>', 'port to wait on (default from config)')
    .option('--host <addr>', 'address to bind (default from config)')
    .option('--timeout <seconds>', 'how long the code stays valid', '300')
    .option('--name <name>', 'remember the peer under this name (default: the name it gives)')
    .option('--no-qr', 'do not draw the code as a QR code')
    .option(
      '--nearby <device>',
      'ask a device on this network (its name or peer id, as `warp peers nearby` lists it) to pair: both screens show a confirmation code, and its user accepts',
    )
    .action(async (code: string | undefined, address: string | undefined, o: PairOpts) => {
      const env = await transferEnv(ctx);
      if (o.nearby !== undefined) {
        if (code !== undefined) throw new WarpError(ErrorCodes.USAGE, '--nearby takes no code: the request needs none');
        await askNearby(ctx, env, o.nearby, o);
      } else if (code !== undefined) await join(ctx, env, code, address, o);
      else await invite(ctx, env, o);
    });
}

async function join(ctx: CliContext, env: Env, code: string, address: string | undefined, o: PairOpts) {
  const t0 = performance.now();
  const me: SelfInfo = {
    addrs: defaultListenAddresses(env.identity.peerId, env.config.transfer.host, env.config.transfer.port),
    name: deviceName(env.config.transfer.name),
  };
  const lan = env.config.transfer.discovery !== 'off';
  const joined = await joinPairing({
    identity: env.identity,
    transport: env.transport,
    code,
    address,
    defaultPort: env.config.transfer.port,
    me,
    findOnLan: lan ? (lookup) => findOnLan(ctx, env, lookup) : undefined,
  });
  const rec = env.trust.add({
    id: joined.peer,
    name: o.name ?? joined.info.name,
    renamed: o.name !== undefined || undefined,
    addresses: joined.info.addrs.length > 0 ? joined.info.addrs : [joined.address],
    via: 'pair',
  });
  const ms = Math.round(performance.now() - t0);
  if (ctx.opts().json)
    ctx.out(
      JSON.stringify({ type: 'result', paired: rec.id, name: rec.name, addresses: rec.addresses, pairedInMs: ms }),
    );
  else ctx.err(`paired with ${escapeControl(rec.name ?? rec.id)} (${rec.id}) at ${escapeControl(joined.address)}`);
}

/** `--nearby`: finds the device on the LAN, asks it to pair, shows the confirmation code, waits for its yes. */
async function askNearby(ctx: CliContext, env: Env, wanted: string, o: PairOpts): Promise<void> {
  const device = await findNearby(ctx, env, wanted);
  const quiet = ctx.opts().json || ctx.opts().quiet;
  const node = await WarpNode.create({ identity: env.identity, isTrusted: () => false });
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  try {
    const got = await askToPair({
      node,
      targets: targetsOf(device),
      transport: env.transport,
      self: env.identity.peerId,
      me: {
        addrs: defaultListenAddresses(env.identity.peerId, env.config.transfer.host, env.config.transfer.port),
        name: deviceName(env.config.transfer.name),
      },
      signal: ac.signal,
      onCode: (c) => {
        if (ctx.opts().json)
          ctx.out(
            JSON.stringify({
              type: 'confirm',
              code: c.code,
              peer: c.peer,
              name: device.name,
              expiresAt: new Date(c.expiresAt).toISOString(),
            }),
          );
        else {
          ctx.out(c.code);
          if (!quiet)
            ctx.err(
              `asked '${escapeControl(device.name)}' to pair: accept there only if it shows the code ${c.code}; waiting…`,
            );
        }
      },
    });
    const rec = env.trust.add({
      id: got.peer,
      name: o.name ?? got.info.name ?? device.name,
      renamed: o.name !== undefined || undefined,
      addresses: got.info.addrs.length > 0 ? got.info.addrs : [got.address],
      via: 'pair',
    });
    if (ctx.opts().json)
      ctx.out(JSON.stringify({ type: 'result', paired: rec.id, name: rec.name, addresses: rec.addresses }));
    else ctx.err(`paired with ${escapeControl(rec.name ?? rec.id)} (${rec.id})`);
  } finally {
    process.off('SIGINT', stop);
    await node.stop();
  }
}

/** The one device on the LAN with this name or peer id (browsing for up to 8 s). */
async function findNearby(ctx: CliContext, env: Env, wanted: string): Promise<NearbyDevice> {
  if (!ctx.opts().json && !ctx.opts().quiet) ctx.err(`looking for '${escapeControl(wanted)}' on the local network…`);
  const is = (d: NearbyDevice): boolean => d.peerId === wanted || d.name.toLowerCase() === wanted.toLowerCase();
  const lan = cliDiscovery(
    env,
    () => [],
    () => {},
    { passive: true },
  );
  let found: NearbyDevice[];
  try {
    found = await lan.find(is, 8000);
    // A second device with the same name may answer a moment later: a short extra wait so the choice is not luck.
    if (found.length === 1 && found[0].peerId !== wanted) {
      await new Promise((r) => setTimeout(r, 1000));
      found = lan.nearbyDevices().filter(is);
    }
  } finally {
    await lan.stop();
  }
  if (found.length === 0)
    throw new WarpError(
      ErrorCodes.PEER_UNREACHABLE,
      `no device '${wanted}' answered on this network (is its discovery on? 'warp peers nearby' lists what answers)`,
    );
  if (found.length > 1)
    throw new WarpError(
      ErrorCodes.USAGE,
      `${found.length} devices here are named '${wanted}'; give a peer id instead: ${found.map((d) => d.peerId).join(', ')}`,
    );
  return found[0];
}

/** Listens on the LAN (announcing nothing) for the machine showing the code with this lookup id. */
async function findOnLan(ctx: CliContext, env: Env, lookup: string) {
  if (!ctx.opts().json && !ctx.opts().quiet) ctx.err('looking for the machine showing this code on the local network…');
  const lan = cliDiscovery(
    env,
    () => [],
    () => {},
    { passive: true },
  );
  try {
    return await lan.findPairing(lookup, 8000);
  } finally {
    await lan.stop();
  }
}

async function invite(ctx: CliContext, env: Env, o: PairOpts): Promise<void> {
  const host = o.host ?? env.config.transfer.host;
  let port = o.port !== undefined ? Number(o.port) : env.config.transfer.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new WarpError(ErrorCodes.USAGE, `--port must be 0-65535 (got '${o.port}')`);
  if (port === 0) port = await freePort(host);
  const ttl = Number(o.timeout) * 1000;
  if (!(ttl >= 1000 && ttl <= 86_400_000))
    throw new WarpError(ErrorCodes.USAGE, `--timeout must be 1-86400 seconds (got '${o.timeout}')`);
  const book = new PairCodeBook();
  const code = book.issue(ttl);
  // With [net] relays the code carries this machine's relayed addresses too, and the relays open a pairing window
  // for it (any peer may reach it through them, capped, until the code expires): pairing across NATs.
  const left = (): number => (code.state === 'active' ? Math.ceil((code.expiresAt - Date.now()) / 1000) : 0);
  const node = await WarpNode.create({
    identity: env.identity,
    listen: { host, port },
    isTrusted: () => false,
    relays: [...env.config.net.relays],
    relayPolicy: () => ({
      peers: env.trust.list().map((p) => p.id),
      pairingSeconds: Math.max(0, Math.min(600, left())),
    }),
    acceptUnpairedRelayed: () => left() > 0,
    onLog: (m) => {
      if (!ctx.opts().quiet && !ctx.opts().json) ctx.err(`warp pair: ${escapeControl(m)}`);
    },
  });
  const me = (): SelfInfo => ({
    addrs: rankAddresses(node.addresses()),
    name: deviceName(env.config.transfer.name),
  });
  // Announced on the LAN with the code's lookup id, so a joiner there needs only the short code.
  const lan =
    env.config.transfer.discovery !== 'off'
      ? cliDiscovery(
          env,
          () => me().addrs,
          () => {},
          { pairing: () => book.active()?.lookup },
        )
      : undefined;
  try {
    const qr = o.qr && process.stderr.isTTY === true;
    const paired = await waitForJoiner(ctx, { node, book, code, me, self: env.identity.peerId, qr });
    const rec = env.trust.add({
      id: paired.peer,
      name: o.name ?? paired.info.name,
      renamed: o.name !== undefined || undefined,
      addresses: paired.info.addrs,
      via: 'pair',
    });
    if (ctx.opts().json)
      ctx.out(JSON.stringify({ type: 'result', paired: rec.id, name: rec.name, addresses: rec.addresses }));
    else ctx.err(`paired with ${escapeControl(rec.name ?? rec.id)} (${rec.id})`);
  } finally {
    await lan?.stop();
    await node.stop();
  }
}

interface Waiting {
  node: WarpNode;
  book: PairCodeBook;
  code: ActiveCode;
  me: () => SelfInfo;
  self: string;
  qr: boolean;
}

function waitForJoiner(ctx: CliContext, w: Waiting): Promise<{ peer: string; info: SelfInfo }> {
  const { node, book, code, me, self } = w;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new WarpError(ErrorCodes.PAIR_CODE_EXPIRED, 'nobody paired before the code expired; run `warp pair` again'),
        ),
      code.expiresAt - Date.now(),
    );
    const serve = {
      self,
      book,
      me,
      isTrusted: () => false,
      onPaired: (peer: string, info: SelfInfo) => {
        joined = { peer, info };
      },
    };
    // Resolved once the pair stream is done (the answer is out): the caller stops the node next, which would cut
    // a `paired` answer still in flight (seen under load: the joiner read 'closed the stream').
    let joined: { peer: string; info: SelfInfo } | undefined;
    node
      .handle(
        PROTOCOLS.pair,
        (ch) =>
          servePairStream(ch, serve).then(
            () => {
              if (!joined) return;
              clearTimeout(timer);
              resolve(joined);
            },
            (e: unknown) => {
              if (!ctx.opts().json) ctx.err(`warp pair: ${escapeControl((e as Error).message)}`);
              if (code.state === 'spent') {
                clearTimeout(timer);
                reject(new WarpError(ErrorCodes.PAIR_CODE_WRONG, 'three wrong codes: pairing stopped'));
              }
              throw e;
            },
          ),
        { trusted: () => true },
      )
      .then(() => showCode(ctx, node, code, me(), w.qr), reject);
  });
}

function showCode(ctx: CliContext, node: WarpNode, code: ActiveCode, me: SelfInfo, qr: boolean): void {
  const short = shortCode(code);
  const full = fullCode(code, { peerId: node.peerId, addresses: me.addrs, expiresAt: code.expiresAt });
  const minutes = Math.max(1, Math.round((code.expiresAt - Date.now()) / 60_000));
  if (ctx.opts().json) {
    ctx.out(
      JSON.stringify({
        type: 'pairing',
        code: short,
        fullCode: full,
        peerId: node.peerId,
        name: me.name,
        port: node.port(),
        addresses: me.addrs,
        expiresAt: new Date(code.expiresAt).toISOString(),
        expiresInSeconds: Math.round((code.expiresAt - Date.now()) / 1000),
      }),
    );
    return;
  }
  ctx.out(full);
  if (qr) ctx.err(renderUnicodeCompact(full, { ecc: 'L', border: 1 }));
  ctx.err(`on the other machine run:  warp pair ${full}`);
  ctx.err(`(on the same network with discovery on, the short code is enough: warp pair ${short})`);
  ctx.err(`valid ${minutes} min; this machine is '${escapeControl(me.name ?? '')}'`);
}
