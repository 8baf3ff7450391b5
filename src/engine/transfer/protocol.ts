/**
 * The control conversation (docs/PROTOCOL.md): hello and capability negotiation, then requests — `open`
 * (fetch: the listener offers a manifest and serves its chunks), `push` (send: the listener pulls from the
 * sender), `plan`, `ping`, `bye`.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { CHUNK_SIZE_LIMITS } from '../codec/fastcdc.ts';
import type { Accepted, Opened } from '../net/channel.ts';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from '../net/frames.ts';
import type { HeaderOf, PROTOCOLS } from '../net/wire.ts';
import type { WireMode } from './wire-policy.ts';

type Control = typeof PROTOCOLS.control;

export const AGENT = 'warp/0.1.0';

export interface Capabilities {
  /** Oldest protocol version spoken (0.1 peers send only this and require equality). */
  v: number;
  /** Newest protocol version spoken; absent from 0.1 peers (= v). */
  vmax?: number;
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
  return {
    v: MIN_PROTOCOL_VERSION,
    vmax: PROTOCOL_VERSION,
    agent: AGENT,
    codecs: o.compress ? ['zstd', 'raw'] : ['raw'],
    maxChunk: CHUNK_SIZE_LIMITS.max,
    streams: o.streams,
    window: o.window,
  };
}

/** A peer's hello (its fields already checked by the wire schema); a `vmax` below `v` means `v`. */
function readCaps(h: HeaderOf<Control, 'requests' | 'answers', 'hello'>): Capabilities {
  const vmax = h.vmax !== undefined && h.vmax >= h.v ? h.vmax : h.v;
  return { v: h.v, vmax, agent: h.agent, codecs: h.codecs, maxChunk: h.maxChunk, streams: h.streams, window: h.window };
}

export function negotiate(mine: Capabilities, theirs: Capabilities): Negotiated {
  const version = Math.min(mine.vmax ?? mine.v, theirs.vmax ?? theirs.v);
  if (version < Math.max(mine.v, theirs.v)) {
    throw new WarpError(
      ErrorCodes.PROTOCOL,
      `the peer speaks protocol versions ${theirs.v}-${theirs.vmax ?? theirs.v} (${theirs.agent}); this Warp speaks ${mine.v}-${mine.vmax ?? mine.v}: update the older side`,
    );
  }
  return {
    version,
    peerAgent: theirs.agent,
    compress: mine.codecs.includes('zstd') && theirs.codecs.includes('zstd'),
    maxChunk: Math.min(mine.maxChunk, theirs.maxChunk),
    streams: Math.max(1, Math.min(mine.streams, theirs.streams, 64)),
    window: Math.max(1, Math.min(mine.window, theirs.window, 4096)),
  };
}

/**
 * How chunks sent over this connection are compressed: never when either side does not accept zstd; always when
 * forced (transfer.compress = on); otherwise 'auto', decided per stream by measuring the link against the
 * compressor (wire-policy.ts), loopback included: a rate-limited loopback link is slow, an unlimited one is not.
 */
export function wireCompression(neg: Negotiated, forced = false): WireMode {
  if (!neg.compress) return 'off';
  return forced ? 'on' : 'auto';
}

/** Dialling side: send hello, read the answer. */
export async function helloClient(ch: Opened<Control>, mine: Capabilities): Promise<Negotiated> {
  await ch.write({ t: 'hello', ...mine });
  const f = await ch.expect('the hello answer', 'hello');
  return negotiate(mine, readCaps(f.h));
}

/** Listening side: read hello, answer with ours. */
export async function helloServer(ch: Accepted<Control>, mine: Capabilities): Promise<Negotiated> {
  const f = await ch.expect('hello', 'hello');
  const theirs = readCaps(f.h);
  const n = negotiate(mine, theirs);
  await ch.write({ t: 'hello', ...mine });
  return n;
}
