/**
 * Wire frames (docs/PROTOCOL.md): `u32 headerLen | u32 payloadLen | header (MessagePack map) | payload`.
 * The header is small and typed by its `t` field; payload bytes (chunks, manifests) travel after it and are
 * never packed into the MessagePack object (that would copy them once or twice). Big-endian lengths.
 *
 * Reading is defensive: a frame is untrusted input. Length limits are checked before anything is buffered,
 * a header must decode to a map with a string `t`, and, given the table of frames the other side may send
 * (wire.ts), must match its type's schema, with the payload length checked against that type's limit as soon as
 * the header is in (before a payload byte is kept). Any violation is an E_PROTOCOL error that closes the
 * stream (and the caller closes the connection).
 */
import { Packr, Unpackr } from 'msgpackr';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { InputError } from '../core/schema.ts';
import type { ErrorHeader, FrameSpec, FrameTable, HeadersOf } from './wire.ts';

/**
 * The newest protocol version this build speaks (2: `pause`, `resume` and `cancel` on the control stream
 * during a push; 3: a push's manifest in pages, `offer`/`page`/`last`, while the sender still scans). Hello carries the oldest as `v` (1, which 0.1 peers compare for equality) and the newest as
 * `vmax`; both sides use the highest version both speak (docs/PROTOCOL.md, "Versions").
 */
export const PROTOCOL_VERSION = 3;
export const MIN_PROTOCOL_VERSION = 1;
export const PREFIX_BYTES = 8;
export const MAX_HEADER_BYTES = 64 * 1024;
/** The largest payload: a 64 MiB chunk (CHUNK_SIZE_LIMITS.max) plus zstd's worst-case expansion, or a manifest. */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

/** Payloads from this size on are gathered into one buffer as they arrive. */
const GATHER_BYTES = 1024 * 1024;

/** A header as decoded, before its schema is checked (what an untyped parser gives: tests, tools). */
export type FrameHeader = { t: string } & Record<string, unknown>;

export interface Frame<H = FrameHeader> {
  h: H;
  /** Payload bytes (empty when the frame has none). A view: valid until the caller drops it. */
  p: Uint8Array;
}

const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** The frame prefix and header in one buffer; the payload is written separately (no copy). */
export function encodeFrameHead(header: FrameHeader, payloadLength = 0): Buffer {
  const h = packr.pack(header);
  if (h.length > MAX_HEADER_BYTES)
    throw new WarpError(ErrorCodes.INTERNAL, `frame header too large (${h.length} bytes)`);
  if (payloadLength > MAX_PAYLOAD_BYTES)
    throw new WarpError(ErrorCodes.INTERNAL, `frame payload too large (${payloadLength} bytes)`);
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

/** A frame's header checked against the table of what the other side may send: the typed header, or E_PROTOCOL. */
export function checkHeader<T extends FrameTable>(table: T, raw: FrameHeader, payloadLength: number): HeadersOf<T> {
  const t = raw.t;
  if (!Object.hasOwn(table, t))
    throw protocolError(`unexpected frame type '${t.slice(0, 32)}' (expected ${Object.keys(table).join(', ')})`);
  const spec = table[t] as unknown as FrameSpec<Record<string, unknown>>;
  let h: Record<string, unknown>;
  try {
    h = spec.header.parse(raw, t, false);
  } catch (e) {
    if (e instanceof InputError) throw protocolError(`bad '${t}' frame: ${e.message}`, { frame: t, field: e.field });
    throw e;
  }
  if (payloadLength > spec.maxPayload)
    throw protocolError(
      `a '${t}' frame carries ${payloadLength} payload bytes, more than the ${spec.maxPayload} it may`,
      { frame: t },
    );
  const why = spec.check?.(h, payloadLength);
  if (why) throw protocolError(`bad '${t}' frame: ${why}`, { frame: t });
  h.t = t;
  return h as HeadersOf<T>;
}

function decodeHeader(bytes: Uint8Array): FrameHeader {
  let h: unknown;
  try {
    h = unpackr.unpack(bytes);
  } catch (e) {
    throw protocolError(`undecodable frame header (${(e as Error).message})`);
  }
  if (typeof h !== 'object' || h === null || Array.isArray(h) || h instanceof Uint8Array)
    throw protocolError('a frame header must be a map');
  const t = (h as { t?: unknown }).t;
  if (typeof t !== 'string' || t.length === 0 || t.length > 32)
    throw protocolError('a frame header needs a string type field "t"');
  return h as FrameHeader;
}

/**
 * Incremental frame parser: push bytes as they arrive, take whole frames out. Pieces are kept as a list and
 * only joined when a frame spans several (one copy of the payload at most; none when it sits in one piece).
 * Given a table (wire.ts), every header is checked against it as soon as its bytes are in: a frame of the
 * wrong type, shape or payload length is refused before its payload is waited for.
 */
export class FrameParser<H = FrameHeader> {
  private pieces: Uint8Array[] = [];
  private length = 0;
  private readonly maxPayload: number;
  private readonly table?: FrameTable;
  private readonly admit?: (payloadLength: number, header: H) => void;
  /** The header of the frame whose payload is still arriving (a large payload is gathered into `buf` as it comes). */
  private pending?: { h: H; pl: number; buf?: Buffer; filled: number };

  /**
   * `admit` is told each accepted header and its payload length before a payload byte is kept; it throws to
   * refuse the frame (a memory budget, an answer nobody asked for).
   */
  constructor(table?: FrameTable, maxPayload = MAX_PAYLOAD_BYTES, admit?: (payloadLength: number, header: H) => void) {
    this.table = table;
    this.maxPayload = maxPayload;
    this.admit = admit;
  }

  get buffered(): number {
    return this.length + (this.pending?.filled ?? 0);
  }

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.pieces.push(data);
    this.length += data.length;
  }

  /** The next complete frame, or undefined when more bytes are needed. Throws E_PROTOCOL on a bad frame. */
  next(): Frame<H> | undefined {
    if (!this.pending) {
      if (this.length < PREFIX_BYTES) return undefined;
      const prefix = this.peek(PREFIX_BYTES);
      const dv = new DataView(prefix.buffer, prefix.byteOffset, PREFIX_BYTES);
      const hl = dv.getUint32(0);
      const pl = dv.getUint32(4);
      if (hl === 0 || hl > MAX_HEADER_BYTES) throw protocolError(`frame header length ${hl} out of range`);
      if (pl > this.maxPayload)
        throw protocolError(`frame payload length ${pl} exceeds the limit of ${this.maxPayload}`);
      if (this.length < PREFIX_BYTES + hl) return undefined;
      this.take(PREFIX_BYTES);
      const raw = decodeHeader(this.take(hl));
      const h = (this.table ? checkHeader(this.table, raw, pl) : raw) as H;
      this.admit?.(pl, h);
      this.pending = { h, pl, filled: 0 };
    }
    const f = this.pending;
    // A large payload still arriving is moved into its own buffer piece by piece (one copy, and the pieces go),
    // instead of being kept as pieces and joined at the end (which would hold it twice).
    if (f.pl >= GATHER_BYTES && this.length < f.pl - f.filled) {
      f.buf ??= Buffer.allocUnsafe(f.pl);
      const n = this.length;
      this.moveInto(f.buf, f.filled, n);
      f.filled += n;
      return undefined;
    }
    if (this.length < f.pl - f.filled) return undefined;
    this.pending = undefined;
    if (f.buf) {
      this.moveInto(f.buf, f.filled, f.pl - f.filled);
      return { h: f.h, p: f.buf };
    }
    return { h: f.h, p: f.pl === 0 ? new Uint8Array(0) : this.take(f.pl) };
  }

  private peek(n: number): Uint8Array {
    if (this.pieces[0].length >= n) return this.pieces[0];
    return this.join(n, false);
  }

  /** Moves the next `n` buffered bytes into `dst` at `at`, dropping the pieces they came in. */
  private moveInto(dst: Buffer, at: number, n: number): void {
    while (n > 0) {
      const p = this.pieces[0];
      const k = Math.min(p.length, n);
      dst.set(k === p.length ? p : p.subarray(0, k), at);
      at += k;
      n -= k;
      this.length -= k;
      if (k === p.length) this.pieces.shift();
      else this.pieces[0] = p.subarray(k);
    }
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
        if (k === p.length) {
          this.pieces.shift();
          continue;
        }
        this.pieces[0] = p.subarray(k);
      }
      i++;
    }
    if (consume) this.length -= n;
    return out;
  }
}

/** The longest error message sent (a peer's error is relayed to a terminal; the header must stay small). */
const MAX_ERROR_MESSAGE = 4000;

/** Stable error codes on the wire (an `error` frame's `code`): the engine's own codes. */
export function errorFrame(e: unknown): ErrorHeader {
  if (e instanceof WarpError) return { t: 'error', code: e.code, message: e.message.slice(0, MAX_ERROR_MESSAGE) };
  return {
    t: 'error',
    code: ErrorCodes.INTERNAL,
    message: (e instanceof Error ? e.message : String(e)).slice(0, MAX_ERROR_MESSAGE),
  };
}

/** Turns a received error frame into a WarpError, keeping a known code and saying it came from the peer. */
export function remoteError(h: ErrorHeader, peer: string): WarpError {
  const known = new Set<string>(Object.values(ErrorCodes));
  const code = known.has(h.code) ? (h.code as WarpError['code']) : ErrorCodes.REMOTE;
  const message = h.message.slice(0, 2000);
  return new WarpError(code, `the peer ${peer} reported: ${message}`, {
    details: { remote: true, remoteCode: h.code },
  });
}
