/**
 * Stream mode: bytes from a pipe on one machine to a pipe on another, in order, over one `/warp/stream/1`
 * stream. The sender cuts its input into chunks (64 KiB default) with sequence numbers; the receiver writes
 * them in order and grants credit (`credit {n}`) as its output drains, so at most `window` chunks are ever
 * queued on the way (bounded memory on both sides, whatever the speeds), independent of the transport's own
 * flow control.
 */
import type { Readable, Writable } from 'node:stream';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { Accepted, Opened } from '../net/channel.ts';
import { protocolError } from '../net/frames.ts';
import { PROTOCOLS } from '../net/wire.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import { dialPeer } from './client.ts';

export const STREAM_CHUNK_DEFAULT = 64 * 1024;
export const STREAM_WINDOW = 64;

export interface StreamStats {
  bytes: number;
  chunks: number;
  seconds: number;
}

/** Sender over an open channel (tests and the benchmark use it directly). */
export async function sendStreamOn(
  ch: Opened<typeof PROTOCOLS.stream>,
  input: AsyncIterable<Uint8Array>,
  chunk = STREAM_CHUNK_DEFAULT,
  opts: { stamp?: boolean } = {},
): Promise<StreamStats> {
  const t0 = performance.now();
  await ch.write({ t: 'stream', chunk, window: STREAM_WINDOW });
  let credit = 0;
  let seq = 0;
  let bytes = 0;
  const waitCredit = async (): Promise<void> => {
    while (credit <= 0) {
      const f = await ch.expect('credit from the receiver', 'credit');
      credit += f.h.n;
    }
  };
  let pending: Buffer[] = [];
  let pendingLen = 0;
  const flush = async (n: number): Promise<void> => {
    const all = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    pending = rest.length > 0 ? [rest] : [];
    pendingLen = rest.length;
    await waitCredit();
    credit--;
    await ch.write(opts.stamp ? { t: 'data', seq: seq++, ts: performance.now() } : { t: 'data', seq: seq++ }, out);
    bytes += out.length;
  };
  for await (const piece of input) {
    const b = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    if (b.length === 0) continue;
    pending.push(b);
    pendingLen += b.length;
    while (pendingLen >= chunk) await flush(chunk);
  }
  if (pendingLen > 0) await flush(pendingLen);
  await ch.write({ t: 'end', seq, bytes });
  for (;;) {
    const f = await ch.expect('the end of the stream', 'end-ok', 'credit');
    if (f.h.t === 'end-ok') {
      if (f.h.bytes !== bytes)
        throw new WarpError(ErrorCodes.VERIFY_FAILED, `the receiver got ${f.h.bytes} bytes, ${bytes} were sent`);
      break;
    }
  }
  await ch.close();
  return { bytes, chunks: seq, seconds: (performance.now() - t0) / 1000 };
}

/** Receiver: writes chunks in order to `out`, granting credit as it drains. */
export async function receiveStreamOn(
  ch: Accepted<typeof PROTOCOLS.stream>,
  out: Writable,
  opts: { onChunk?: (seq: number, bytes: number, ts?: number) => void } = {},
): Promise<StreamStats> {
  const t0 = performance.now();
  const open = await ch.expect('a stream', 'stream');
  const chunk = open.h.chunk;
  const window = STREAM_WINDOW;
  await ch.write({ t: 'credit', n: window });
  let next = 0;
  let bytes = 0;
  let owed = 0;
  for (;;) {
    const f = await ch.expect('stream data', 'data', 'end');
    if (f.h.t === 'end') {
      if (f.h.seq !== next || f.h.bytes !== bytes)
        throw new WarpError(
          ErrorCodes.VERIFY_FAILED,
          `the stream ended at chunk ${f.h.seq} (${f.h.bytes} bytes), but ${next} chunks (${bytes} bytes) arrived`,
        );
      await ch.write({ t: 'end-ok', bytes });
      // Linger until the sender has read end-ok and closed its side (read() then gives null): stopping at once
      // can cut the connection before end-ok arrives, and the sender reports a lost connection (seen under load).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        ch.read().catch(() => null),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 5000);
        }),
      ]);
      clearTimeout(timer);
      break;
    }
    if (f.h.seq !== next) throw protocolError(`stream chunk ${f.h.seq} arrived, expected ${next}`);
    if (f.p.length > chunk) throw protocolError('a stream chunk is larger than announced');
    next++;
    bytes += f.p.length;
    opts.onChunk?.(next - 1, f.p.length, f.h.ts);
    if (!out.write(f.p))
      await new Promise<void>((resolve, reject) => {
        out.once('drain', resolve);
        out.once('error', reject);
      });
    // Credit back in batches of a quarter window (fewer frames), immediately when the sender may be starved.
    if (++owed >= window / 4) {
      await ch.write({ t: 'credit', n: owed });
      owed = 0;
    }
  }
  await ch.close();
  return { bytes, chunks: next, seconds: (performance.now() - t0) / 1000 };
}

export async function streamSend(
  env: TransferEnv,
  address: string,
  input: Readable,
  chunk = STREAM_CHUNK_DEFAULT,
): Promise<StreamStats & { peer: string; transport: string }> {
  const link = await dialPeer(env, address);
  try {
    const ch = await link.node.open(link.conn, PROTOCOLS.stream);
    const r = await sendStreamOn(ch, input as AsyncIterable<Uint8Array>, chunk);
    return { ...r, peer: link.peer, transport: link.transport };
  } finally {
    await link.close();
  }
}
