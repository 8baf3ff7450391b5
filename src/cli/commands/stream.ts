/**
 * `warp stream send <peer>` (stdin -> the peer), `warp stream recv` (listen once, the stream -> stdout),
 * `warp stream encrypt|decrypt --password-file F` (local pipes, any length).
 */
import type { Command } from 'commander';
import { formatBytes, formatRate, parseByteSize } from '../../engine/core/bytes.ts';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { readPasswordFile } from '../../engine/codec/kdf.ts';
import { PROTOCOLS, WarpNode } from '../../engine/net/node.ts';
import { assertPeerId } from '../../engine/net/trust.ts';
import { decryptStream, encryptStream } from '../../engine/transfer/stream-crypto.ts';
import { STREAM_CHUNK_DEFAULT, receiveStreamOn, streamSend } from '../../engine/transfer/stream.ts';
import type { CliContext } from '../context.ts';
import { freePort, transferEnv, type NetCliOpts } from './net-env.ts';

export function register(program: Command, ctx: CliContext): void {
  const stream = program
    .command('stream')
    .description('pipe standard input to a peer, or encrypt/decrypt a local pipe');
  const say = (line: string, json: Record<string, unknown>): void => {
    if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'result', ...json }));
    else if (!ctx.opts().quiet) ctx.err(line);
  };

  stream
    .command('send')
    .argument('<peer-address>')
    .description('send standard input to `warp stream recv` on a peer, in order')
    .option('--chunk <size>', 'chunk size (default 64KiB)')
    .option('--transport <t>', 'quic | tcp | auto')
    .action(async (address: string, o: NetCliOpts & { chunk?: string }) => {
      const env = await transferEnv(ctx, o);
      const chunk = o.chunk ? parseByteSize(o.chunk, '--chunk') : STREAM_CHUNK_DEFAULT;
      if (chunk < 1 || chunk > 16 * 1024 * 1024)
        throw new WarpError(ErrorCodes.USAGE, '--chunk must be between 1 byte and 16 MiB');
      const r = await streamSend(env, address, process.stdin, chunk);
      say(
        `streamed ${formatBytes(r.bytes)} in ${r.chunks} chunks to ${r.peer} over ${r.transport}, ${formatRate(r.bytes / Math.max(r.seconds, 1e-9))}`,
        { ...r },
      );
    });

  stream
    .command('recv')
    .description('wait for one `warp stream send` and write it to standard output')
    .option('--port <n>', 'port (0 picks one; default from config)')
    .option('--host <addr>', 'address to bind')
    .option('--allow <peer-id...>', 'also trust these peer ids')
    .option('--transport <t>', 'quic | tcp | auto')
    .action(async (o: NetCliOpts & { port?: string; host?: string; allow?: string[] }) => {
      const env = await transferEnv(ctx, o);
      const allowed = new Set((o.allow ?? []).map((a) => assertPeerId(a, '--allow peer id')));
      const host = o.host ?? env.config.transfer.host;
      let port = o.port !== undefined ? Number(o.port) : env.config.transfer.port;
      if (port === 0) port = await freePort(host);
      const node = await WarpNode.create({
        identity: env.identity,
        listen: { host, port },
        transports: env.transport === 'auto' ? ['quic', 'tcp'] : [env.transport],
        isTrusted: (id) => allowed.has(id) || env.trust.has(id),
      });
      node.onRefused = (peer) => {
        if (!ctx.opts().quiet) ctx.err(`warp stream recv: refused ${peer}: not paired`);
      };
      try {
        const stats = await new Promise<{ bytes: number; chunks: number; seconds: number }>((resolve, reject) => {
          let busy = false;
          node
            .handle(PROTOCOLS.stream, async (ch) => {
              if (busy) throw new WarpError(ErrorCodes.USAGE, 'this receiver already has a stream');
              busy = true;
              try {
                resolve(await receiveStreamOn(ch, process.stdout));
              } catch (e) {
                reject(e);
                throw e;
              }
            })
            .then(() => {
              // Listening: tell the operator (stderr: stdout carries the data).
              ctx.err(JSON.stringify({ type: 'listening', peerId: node.peerId, port, addresses: node.addresses() }));
            }, reject);
        });
        if (!ctx.opts().quiet) ctx.err(`received ${formatBytes(stats.bytes)} in ${stats.chunks} chunks`);
      } finally {
        await node.stop();
      }
    });

  for (const dir of ['encrypt', 'decrypt'] as const) {
    stream
      .command(dir)
      .description(`${dir} standard input to standard output with a password (any length; ChaCha20-Poly1305, Argon2id)`)
      .requiredOption('--password-file <file>', 'the password')
      .option('--chunk <size>', 'record size when encrypting (default 64KiB)')
      .action(async (o: { passwordFile: string; chunk?: string }) => {
        const pw = await readPasswordFile(o.passwordFile);
        const r =
          dir === 'encrypt'
            ? await encryptStream(process.stdin, process.stdout, pw, {
                chunk: o.chunk ? parseByteSize(o.chunk, '--chunk') : undefined,
              })
            : await decryptStream(process.stdin, process.stdout, pw);
        if (!ctx.opts().quiet && ((ctx.opts() as { verbose?: number }).verbose ?? 0) > 0)
          ctx.err(`${dir}ed ${formatBytes(r.bytes)} in ${r.records} records`);
      });
  }
}
