/**
 * `warp daemon`: the engine headless behind a local HTTP API (REST, SSE events, /metrics, OpenAPI at
 * /openapi.json, docs at /docs) that also serves the built web UI. Prints a login URL for the browser.
 * `warp daemon token` prints the API token (created on first use, WARP_HOME/daemon.token, mode 0600).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { parseByteSize } from '../../engine/core/bytes.ts';
import { warpHome } from '../../engine/core/warp-home.ts';
import { loadOrCreateToken, startDaemon, tokenFile } from '../../engine/http/index.ts';
import { assertPeerId } from '../../engine/net/trust.ts';
import { loadCliConfig } from '../config-loader.ts';
import { serverLog } from '../server-log.ts';
import type { CliContext } from '../context.ts';
import { freePort } from './net-env.ts';

interface DaemonOpts {
  port?: string;
  host?: string;
  ui?: string;
  peerPort?: string;
  peerHost?: string;
  root?: string;
  listen?: boolean;
  allow?: string[];
  acceptPreposition?: string | boolean;
}

/** out/renderer of the package this CLI runs from (sources or dist/), found by walking up to package.json. */
function defaultUiDir(): string {
  let d = import.meta.dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(d, 'package.json'))) return path.join(d, 'out', 'renderer');
    d = path.dirname(d);
  }
  return path.resolve('out', 'renderer');
}

function port(v: string | undefined, fallback: number, what: string): number {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new WarpError(ErrorCodes.USAGE, `${what} must be 0-65535 (got '${v}')`);
  return n;
}

export function register(program: Command, ctx: CliContext): void {
  const daemon = program
    .command('daemon')
    .description('run the engine headless with a local HTTP API, event stream, metrics and the web UI')
    .option('--port <n>', 'API port; 0 picks a free one (default from config: 7650)')
    .option('--host <addr>', 'address the API binds to (default from config: 127.0.0.1)')
    .option('--ui <dir>', 'built web UI to serve (default: out/renderer of this install)')
    .option(
      '--peer-port <n>',
      'port of the peer listener for incoming transfers and pairing; 0 picks a free one (default from config: transfer.port)',
    )
    .option('--peer-host <addr>', 'address the peer listener binds to (default from config: transfer.host)')
    .option('--root <dir>', 'folder incoming transfers are served from and written to (default: WARP_HOME/received)')
    .option('--no-listen', 'do not run the peer listener (no incoming transfers, no pairing)')
    .option('--allow <peer-id...>', 'also trust these peer ids (no pairing step; for scripts and tests)')
    .option(
      '--accept-preposition [size]',
      "let swarm peers pre-position chunks into this machine's store, up to SIZE (default 1GB)",
    )
    .action(async (o: DaemonOpts) => {
      const { config } = loadCliConfig(ctx, { daemon: { port: o.port, host: o.host } });
      const home = warpHome();
      const json = ctx.opts().json;
      const quiet = ctx.opts().quiet;
      const allow = (o.allow ?? []).map((a) => assertPeerId(a, '--allow peer id'));
      let listen:
        { host: string; port: number; root: string; allow: string[]; acceptPrepositionBytes: number } | undefined;
      if (o.listen !== false) {
        const host = o.peerHost ?? config.transfer.host;
        let p = port(o.peerPort, config.transfer.port, '--peer-port');
        if (p === 0) p = await freePort(host);
        const acceptPrepositionBytes =
          o.acceptPreposition === undefined || o.acceptPreposition === false
            ? 0
            : o.acceptPreposition === true
              ? 1e9
              : parseByteSize(o.acceptPreposition, '--accept-preposition');
        listen = {
          host,
          port: p,
          root: path.resolve(o.root ?? path.join(home, 'received')),
          allow,
          acceptPrepositionBytes,
        };
      }
      const uiDir = path.resolve(o.ui ?? defaultUiDir());
      const d = await startDaemon({
        home,
        config,
        host: config.daemon.host,
        port: port(undefined, config.daemon.port, '--port'),
        uiDir,
        listen,
        // One record per line: peers' paths and messages, and a request's URL, are escaped (a 500's stack too).
        log: serverLog(ctx, config.log, 'daemon'),
      });
      const loginUrl = d.server.loginUrl();
      // Bound to every interface (the phone companion): a login URL per LAN address too.
      const lanUrls =
        config.daemon.host === '0.0.0.0'
          ? Object.values(os.networkInterfaces())
              .flat()
              .filter((i) => i && i.family === 'IPv4' && !i.internal)
              .map((i) => d.server.loginUrl(i!.address))
          : [];
      const self = d.service.peers.self();
      const uiBuilt = fs.existsSync(path.join(uiDir, 'index.html'));
      if (json) {
        ctx.out(
          JSON.stringify({
            type: 'daemon',
            url: d.server.url,
            loginUrl,
            lanLoginUrls: lanUrls,
            port: d.server.port,
            peerId: self.peerId,
            peerAddresses: self.addresses,
            peerPort: listen?.port,
            root: listen?.root,
            ui: uiDir,
            uiBuilt,
            tokenFile: tokenFile(home),
          }),
        );
      } else {
        ctx.out(loginUrl);
        for (const u of lanUrls) ctx.out(u);
        if (!quiet) {
          if (lanUrls.length > 0)
            ctx.err(
              'warp daemon: the API listens on every interface: anyone on this network can reach it (the token still guards it)',
            );
          ctx.err(`warp daemon: API at ${d.server.url}/api (docs ${d.server.url}/docs), peer id ${self.peerId}`);
          ctx.err(
            `warp daemon: open the URL above to use the web UI (it logs this browser in once)${uiBuilt ? '' : `; no built UI in ${uiDir}: run npm run build`}`,
          );
          if (listen)
            ctx.err(
              `warp daemon: peers reach this machine at ${[`${listen.host}:${listen.port}`, ...self.addresses.filter((x) => x.includes('/p2p-circuit'))].join(', ')}; incoming transfers land in ${listen.root}`,
            );
        }
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await d.stop();
      if (json) ctx.out(JSON.stringify({ type: 'result', stopped: true }));
    });

  daemon
    .command('token')
    .description('print the API token (created on first use; keep it secret)')
    .action(() => {
      const home = warpHome();
      const token = loadOrCreateToken(home);
      if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'result', token, file: tokenFile(home) }));
      else ctx.out(token);
    });
}
