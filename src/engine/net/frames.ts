/**
 * Wire frames (docs/PROTOCOL.md): `u32 headerLen | u32 payloadLen | header (MessagePack map) | payload`.
 * The header is small and typed by its `t` field; payload bytes (chunks, manifests) travel after it and are
 * never packed into the MessagePack object (that would copy them once or twice). Big-endian lengths.
 *
 * Reading is defensive: a frame is untrusted input. Length limits are checked before anything is buffered,
 * a header must decode to a map with a known string `t`, and any violation is an E_PROTOCOL error that
 * closes the stream (and the caller closes the connection).
 */
import { Packr, Unpackr } from 'msgpackr';
import { ErrorCodes, WarpError } from '../core/errors.ts';

/**
 * The newest protocol version this build speaks (2: `pause`, `resume` and `cancel` on the control stream
 * during a push). Hello carries the oldest as `v` (1, which 0.1 peers compare for equality) and the newest as
 * `vmax`; both sides use the highest version both speak (docs/PROTOCOL.md, "Versions").
 */
export const PROTOCOL_VERSION = 2;
export const MIN_PROTOCOL_VERSION = 1;
export const PREFIX_BYTES = 8;
export const MAX_HEADER_BYTES = 64 * 1024;
/** The largest payload: a 64 MiB chunk (CHUNK_SIZE_LIMITS.max) plus zstd's worst-case expansion, or a manifest. */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

export type FrameHeader = { t: string } & Record<string, unknown>;

export interface Frame {
  h: FrameHeader;
  /** Payload bytes (empty when the frame has none). A view: valid until the caller drops it. */
  p: Uint8Array;
}

const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** The frame prefix and header in one buffer; the payload is written separately (no copy). */
export function encodeFrameHead(header: FrameHeader, payloadLength = 0): Buffer {
  const h = packr.pack(header);
  if (h.length > MAX_HEADER_BYTES) throw new WarpError(ErrorCodes.INTERNAL, `frame header too large (${h.length} bytes)`);
  if (payloadLength > MAX_PAYLOAD_BYTES) throw new WarpError(ErrorCodes.INTERNAL, `frame payload too large (${payloadLength} bytes)`);
  const out = Buffer.allocUnsafe(PREFIX_BYTES + h.length);
  out.writeUInt32BE(h.length, 0);
  out.writeUInt32BE(payloadLength, 4);
  h.copy(out, PREFIX_BYTES);
  return out;
}

/** One frame as one buffer (tests, fuzzing and small control messages). */
export function encodeFrame(header: FrameHeader, payload?: Uint8Array): Buffer {
  const head = encodeFrameHead(header, payload?.length ?? 0);
  return payload && payload.length > 0 ? Buffer.concat([head, payload]) : head;
}

export function protocolError(message: string, details: Record<string, unknown> = {}): WarpError {
  return new WarpError(ErrorCodes.PROTOCOL, `protocol error: ${message}`, { details });
}

function decodeHeader(bytes: Uint8Array): FrameHeader {
  let h: unknown;
  try {
    h = unpackr.unpack(bytes);
  } catch (e) {
    throw protocolError(`undecodable frame header (${(e as Error).message})`);
  }
  if (typeof h !== 'object' || h === null || Array.isArray(h) || h instanceof Uint8Array) throw protocolError('a frame header must be a map');
  const t = (h as { t?: unknown }).t;
  if (typeof t !== 'string' || t.length === 0 || t.length > 32) throw protocolError('a frame header needs a string type field "t"');
  return h as FrameHeader;
}

/**
 * Incremental frame parser: push bytes as they arrive, take whole frames out. Pieces are kept as a list and
 * only joined when a frame spans several (one copy of the payload at most; none when it sits in one piece).
 */
export class FrameParser {
  private pieces: Uint8Array[] = [];
  private length = 0;
  private readonly maxPayload: number;

  constructor(maxPayload = MAX_PAYLOAD_BYTES) {
    this.maxPayload = maxPayload;
  }

  get buffered(): number {
    return this.length;
  }

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.pieces.push(data);
    this.length += data.length;
  }

  /** The next complete frame, or undefined when more bytes are needed. Throws E_PROTOCOL on a bad frame. */
  next(): Frame | undefined {
    if (this.length < PREFIX_BYTES) return undefined;
    const prefix = this.peek(PREFIX_BYTES);
    const dv = new DataView(prefix.buffer, prefix.byteOffset, PREFIX_BYTES);
    const hl = dv.getUint32(0);
    const pl = dv.getUint32(4);
    if (hl === 0 || hl > MAX_HEADER_BYTES) throw protocolError(`frame header length ${hl} out of range`);
    if (pl > this.maxPayload) throw protocolError(`frame payload length ${pl} exceeds the limit of ${this.maxPayload}`);
    if (this.length < PREFIX_BYTES + hl + pl) return undefined;
    this.take(PREFIX_BYTES);
    const h = decodeHeader(this.take(hl));
    const p = pl === 0 ? new Uint8Array(0) : this.take(pl);
    return { h, p };
  }

  private peek(n: number): Uint8Array {
    if (this.pieces[0].length >= n) return this.pieces[0];
    return this.join(n, false);
  }

  private take(n: number): Uint8Array {
    const first = this.pieces[0];
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.pieces.shift();
      else this.pieces[0] = first.subarray(n);
      this.length -= n;
      return out;
    }
    return this.join(n, true);
  }

  private join(n: number, consume: boolean): Uint8Array {
    const out = Buffer.allocUnsafe(n);
    let w = 0;
    let i = 0;
    while (w < n) {
      const p = this.pieces[i];
      const k = Math.min(p.length, n - w);
      out.set(k === p.length ? p : p.subarray(0, k), w);
      w += k;
      if (consume) {
        if (k === p.length) { this.pieces.shift(); continue; }
        this.pieces[0] = p.subarray(k);
      }
      i++;
    }
    if (consume) this.length -= n;
    return out;
  }
}

/** Stable error codes on the wire (an `error` frame's `code`): the engine's own codes. */
export function errorFrame(e: unknown): FrameHeader {
  if (e instanceof WarpError) return { t: 'error', code: e.code, message: e.message };
  return { t: 'error', code: ErrorCodes.INTERNAL, message: e instanceof Error ? e.message : String(e) };
}

/** Turns a received error frame into a WarpError, keeping a known code and saying it came from the peer. */
export function remoteError(h: FrameHeader, peer: string): WarpError {
  const known = new Set<string>(Object.values(ErrorCodes));
  const code = typeof h.code === 'string' && known.has(h.code) ? (h.code as WarpError['code']) : ErrorCodes.REMOTE;
  const message = typeof h.message === 'string' ? h.message.slice(0, 2000) : 'no message';
  return new WarpError(code, `the peer ${peer} reported: ${message}`, { details: { remote: true, remoteCode: h.code } });
}
