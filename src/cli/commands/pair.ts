/**
 * `warp pair`: print a one-time code and wait for the other side; `warp pair <code> <address>`: pair with the
 * machine showing that code. Both sides then trust each other (`warp peers`).
 */
import type { Command } from 'commander';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { parsePeerAddress } from '../../engine/net/address.ts';
import { PROTOCOLS, WarpNode } from '../../engine/net/node.ts';
import { answerPairing, newPairCode, requestPairing, type PairServerState } from '../../engine/net/pair.ts';
import type { CliContext } from '../context.ts';
import { freePort, transferEnv } from './net-env.ts';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('pair')
    .argument('[code]', 'the code the other machine shows')
    .argument('[address]', 'where it listens (host:port)')
    .description('pair with another machine using a short one-time code (run it without arguments to get a code)')
    .option('--port <n>', 'port to wait on (default from config)')
    .option('--host <addr>', 'address to bind (default from config)')
    .option('--timeout <seconds>', 'how long the code stays valid', '300')
    .option('--name <name>', 'remember the peer under this name')
    .action(
      async (
        code: string | undefined,
        address: string | undefined,
        o: { port?: string; host?: string; timeout: string; name?: string },
      ) => {
        const env = await transferEnv(ctx);
        const json = ctx.opts().json;
        if (code !== undefined) {
          if (!address) throw new WarpError(ErrorCodes.USAGE, 'give the address too: warp pair <code> <host:port>');
          const addr = parsePeerAddress(address, env.config.transfer.port);
          const node = await WarpNode.create({ identity: env.identity, isTrusted: () => false });
          try {
            const { conn } = await node.dial(addr, { transport: env.transport, allowUntrusted: true });
            const ch = await node.open(conn, PROTOCOLS.pair);
            await requestPairing(ch, env.identity.peerId, code);
            const peer = conn.remotePeer.toString();
            env.trust.add({ id: peer, name: o.name, address, via: 'pair' });
            if (json) ctx.out(JSON.stringify({ type: 'result', paired: peer, address }));
            else ctx.err(`paired with ${peer} (${address})`);
          } finally {
            await node.stop();
          }
          return;
        }
        const host = o.host ?? env.config.transfer.host;
        let port = o.port !== undefined ? Number(o.port) : env.config.transfer.port;
        if (port === 0) port = await freePort(host);
        const ttl = Number(o.timeout) * 1000;
        const st: PairServerState = {
          code: newPairCode(),
          expiresAt: Date.now() + ttl,
          attempts: 0,
          maxAttempts: 3,
          done: false,
        };
        const node = await WarpNode.create({ identity: env.identity, listen: { host, port }, isTrusted: () => false });
        try {
          const paired = await new Promise<string>((resolve, reject) => {
            const timer = setTimeout(
              () =>
                reject(
                  new WarpError(
                    ErrorCodes.PAIRING_FAILED,
                    'nobody paired before the code expired; run `warp pair` again',
                  ),
                ),
              ttl,
            );
            node
              .handle(
                PROTOCOLS.pair,
                async (ch) => {
                  try {
                    const peer = await answerPairing(ch, env.identity.peerId, st);
                    if (peer) {
                      clearTimeout(timer);
                      resolve(peer);
                    }
                  } catch (e) {
                    if (!json) ctx.err(`warp pair: ${(e as Error).message}`);
                    if (st.attempts >= st.maxAttempts) {
                      clearTimeout(timer);
                      reject(new WarpError(ErrorCodes.PAIRING_FAILED, 'three wrong codes: pairing stopped'));
                    }
                    throw e;
                  }
                },
                { trusted: () => true },
              )
              .then(() => {
                const addrs = node.addresses();
                if (json)
                  ctx.out(
                    JSON.stringify({
                      type: 'pairing',
                      code: st.code,
                      peerId: node.peerId,
                      port: node.port(),
                      addresses: addrs,
                      expiresInSeconds: ttl / 1000,
                    }),
                  );
                else {
                  ctx.out(st.code);
                  ctx.err(
                    `on the other machine run:  warp pair ${st.code} <this-host>:${node.port()}   (valid ${Math.round(ttl / 60000)} min)`,
                  );
                }
              }, reject);
          });
          env.trust.add({ id: paired, name: o.name, via: 'pair' });
          if (json) ctx.out(JSON.stringify({ type: 'result', paired }));
          else ctx.err(`paired with ${paired}`);
        } finally {
          await node.stop();
        }
      },
    );
}
