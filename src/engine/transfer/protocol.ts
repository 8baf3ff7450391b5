/**
 * The control conversation (docs/PROTOCOL.md): hello and capability negotiation, then requests — `open`
 * (fetch: the listener offers a manifest and serves its chunks), `push` (send: the listener pulls from the
 * sender), `plan`, `ping`, `bye`.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { CHUNK_SIZE_LIMITS } from '../codec/fastcdc.ts';
import type { Channel } from '../net/channel.ts';
import { PROTOCOL_VERSION, protocolError, type FrameHeader } from '../net/frames.ts';

export const AGENT = 'warp/0.1.0';

export interface Capabilities {
  v: number;
  agent: string;
  codecs: string[];
  maxChunk: number;
  streams: number;
  window: number;
}

export interface Negotiated {
  version: number;
  peerAgent: string;
  compress: boolean;
  maxChunk: number;
  streams: number;
  window: number;
}

export function localCaps(o: { streams: number; window: number; compress: boolean }): Capabilities {
  return { v: PROTOCOL_VERSION, agent: AGENT, codecs: o.compress ? ['zstd', 'raw'] : ['raw'], maxChunk: CHUNK_SIZE_LIMITS.max, streams: o.streams, window: o.window };
}

function readCaps(h: FrameHeader): Capabilities {
  const num = (k: string): number => {
    const v = h[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw protocolError(`hello field '${k}' must be a non-negative integer`);
    return v;
  };
  const codecs = Array.isArray(h.codecs) ? h.codecs.filter((c): c is string => typeof c === 'string').slice(0, 16) : [];
  return { v: num('v'), agent: typeof h.agent === 'string' ? h.agent.slice(0, 100) : '?', codecs, maxChunk: num('maxChunk'), streams: num('streams'), window: num('window') };
}

export function negotiate(mine: Capabilities, theirs: Capabilities): Negotiated {
  if (theirs.v !== PROTOCOL_VERSION) {
    throw new WarpError(ErrorCodes.PROTOCOL, `the peer speaks protocol version ${theirs.v} (${theirs.agent}); this Warp speaks ${PROTOCOL_VERSION}: update the older side`);
  }
  return {
    version: PROTOCOL_VERSION,
    peerAgent: theirs.agent,
    compress: mine.codecs.includes('zstd') && theirs.codecs.includes('zstd'),
    maxChunk: Math.min(mine.maxChunk, theirs.maxChunk),
    streams: Math.max(1, Math.min(mine.streams, theirs.streams, 64)),
    window: Math.max(1, Math.min(mine.window, theirs.window, 4096)),
  };
}

/** Whether to compress chunks sent over this connection: both sides accept zstd, and (unless forced) the peer is not on this machine. */
export function wireCompression(neg: Negotiated, conn: { remoteAddr: { toString(): string } }, evenLoopback = false): boolean {
  if (!neg.compress) return false;
  return evenLoopback || !/^\/ip4\/127\.|^\/ip6\/::1\//.test(conn.remoteAddr.toString());
}

/** Dialling side: send hello, read the answer. */
export async function helloClient(ch: Channel, mine: Capabilities): Promise<Negotiated> {
  await ch.write({ t: 'hello', ...mine });
  const f = await ch.expect('the hello answer', 'hello');
  return negotiate(mine, readCaps(f.h));
}

/** Listening side: read hello, answer with ours. */
export async function helloServer(ch: Channel, mine: Capabilities): Promise<Negotiated> {
  const f = await ch.expect('hello', 'hello');
  const theirs = readCaps(f.h);
  const n = negotiate(mine, theirs);
  await ch.write({ t: 'hello', ...mine });
  return n;
}
