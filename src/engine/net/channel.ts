/**
 * A frame channel over one libp2p stream: `read()` returns the next frame, `write()` sends a header and
 * its payload as two messages (no copy) and waits while the stream's send buffer is above a high-water mark.
 * Typed by the protocol (wire.ts): `In` is what the other side may send (checked on arrival by the parser, so
 * a handler only ever sees a valid typed header), `Out` what this side sends.
 *
 * Reading starts at construction (libp2p streams must be read while the other side writes, or both stall),
 * and the read side is bounded by the protocol's windows, not by this class.
 */
import type { Stream } from '@libp2p/interface';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import {
  FrameParser,
  encodeFrame,
  encodeFrameHead,
  errorFrame,
  protocolError,
  remoteError,
  type Frame,
} from './frames.ts';
import type { PeerBudget } from './budget.ts';
import { WIRE, type AnswerOf, type ErrorHeader, type FrameTable, type ProtocolId, type RequestOf } from './wire.ts';

/** Send-buffer high-water mark: enough to keep QUIC and yamux busy, small enough to bound memory. */
const HIGH_WATER = 4 * 1024 * 1024;
/** libp2p resets a stream whose buffers exceed these; our windows keep far below them. */
const MAX_BUFFER = 512 * 1024 * 1024;
/** Frames received and not yet read, per stream: far above what any conversation of the protocol leaves. */
export const MAX_QUEUED_FRAMES = 256;
/** A peer that reads nothing of what is sent for this long is given up (its stream is reset). */
const WRITE_STALL_MS = 60_000;
/** What a queued frame costs besides its payload (header object, bookkeeping), for the read budget. */
const FRAME_COST = 512;

export interface ChannelOptions {
  /** The node's memory budget (listening nodes): frames from the peer reserve their bytes here until read. */
  budget?: PeerBudget;
}

type Header = { t: string };
type NotError<In extends Header> = Exclude<In['t'], 'error'>;

export class Channel<In extends Header = Header, Out extends Header = Header> {
  readonly stream: Stream;
  readonly peer: string;
  private readonly parser: FrameParser<In>;
  private readonly frames: Array<Frame<In>> = [];
  private waiter?: { resolve: (f: Frame<In> | null) => void; reject: (e: unknown) => void };
  private ended = false;
  private failure?: unknown;
  private readonly budget?: PeerBudget;
  /** Read budget this channel holds (frames queued or arriving); given back as frames are read, all of it at close. */
  private held = 0;
  /** Answers still owed to requests this side sent (-1: not counted); an answer beyond them is refused. */
  private owed = -1;
  private payloadCap = Infinity;

  /** `incoming`: the frames the other side may send (wire.ts); see `accepted` and `opened` for the typed forms. */
  constructor(stream: Stream, peer: string, incoming: FrameTable, o: ChannelOptions = {}) {
    this.stream = stream;
    this.peer = peer;
    this.budget = o.budget;
    this.parser = new FrameParser<In>(incoming, undefined, (pl, h) => this.admit(pl, h));
    const untrack = o.budget?.track(peer, stream);
    stream.maxReadBufferLength = MAX_BUFFER;
    stream.maxWriteBufferLength = MAX_BUFFER;
    stream.addEventListener('message', (ev) => {
      if (this.failure) return;
      const d = ev.data;
      try {
        if (d instanceof Uint8Array) this.parser.push(d);
        else for (const piece of d) this.parser.push(piece);
        for (let f = this.parser.next(); f; f = this.parser.next()) this.deliver(f);
      } catch (e) {
        // A malformed frame: say why in an error frame, then close; nothing more is read from this stream, and
        // shortly after it is reset so that a peer still sending is stopped, not read into the void.
        this.fail(e);
        try {
          stream.send(encodeFrame(errorFrame(e)));
          stream.close().catch(() => {});
          setTimeout(() => {
            try {
              stream.abort(e as Error);
            } catch {
              /* closed */
            }
          }, 500).unref();
        } catch {
          try {
            stream.abort(e as Error);
          } catch {
            /* already closed */
          }
        }
      }
    });
    stream.addEventListener('remoteCloseWrite', () => this.end());
    stream.addEventListener('close', (ev) => {
      // Whatever is still queued may be read, but no longer counts against the peer.
      this.budget?.release(peer, this.held);
      this.held = 0;
      untrack?.();
      if (ev.error && !this.ended)
        this.fail(
          new WarpError(ErrorCodes.PEER_UNREACHABLE, `the connection to ${peer} was lost (${ev.error.message})`, {
            cause: ev.error,
          }),
        );
      else this.end();
    });
  }

  /**
   * Counts the answers owed to this side's requests (a chunk lane: one `chunk` or `miss` per id asked for) and
   * caps each answer's payload: an answer nobody asked for, or a larger one, is E_PROTOCOL. Bounds what a
   * peer can make this side hold on a stream it opened by what this side asked.
   */
  expectAnswers(n: number, maxPayload?: number): void {
    this.owed = Math.max(0, this.owed) + n;
    if (maxPayload !== undefined) this.payloadCap = maxPayload;
  }

  /**
   * A frame's header arrived announcing `pl` payload bytes: may it be kept? (Throws E_PROTOCOL if not.) A batched
   * answer (`chunks`, wire.ts) counts as one answer per chunk it carries, each within the cap.
   */
  private admit(pl: number, h: In): void {
    if (this.owed >= 0) {
      const lens = h.t === 'chunks' ? (h as unknown as { l: number[] }).l : undefined;
      const answers = lens ? lens.length : 1;
      if (this.owed < answers) throw protocolError('an answer nobody asked for');
      const largest = lens ? Math.max(...lens) : pl;
      if (largest > this.payloadCap)
        throw protocolError(`an answer of ${largest} bytes where at most ${this.payloadCap} were asked for`);
      this.owed -= answers;
    }
    if (this.frames.length >= MAX_QUEUED_FRAMES)
      throw protocolError(`more than ${MAX_QUEUED_FRAMES} frames sent and not yet read`);
    if (!this.budget) return;
    const cost = pl + FRAME_COST;
    if (!this.budget.reserve(this.peer, cost)) {
      throw protocolError(
        `a frame of ${pl} bytes would pass what this listener holds for a peer (${this.budget.limits.readPerPeer >> 20} MiB, ${this.budget.limits.readTotal >> 20} MiB for all peers); wait for answers before sending more`,
      );
    }
    this.held += cost;
  }

  /** A frame leaves this channel (read, or taken out of band): its budget goes back. */
  private handOut(f: Frame<In>): Frame<In> {
    if (this.budget && this.held > 0) {
      const cost = Math.min(this.held, f.p.length + FRAME_COST);
      this.held -= cost;
      this.budget.release(this.peer, cost);
    }
    return f;
  }

  /**
   * Out-of-band frames: while set, every arriving frame is offered to it first and, when it returns true,
   * consumed there (a control message such as `pause` that arrives while the reader waits for something else).
   */
  intercept?: (f: Frame<In>) => boolean;

  private deliver(f: Frame<In>): void {
    if (this.intercept?.(f)) {
      this.handOut(f);
      return;
    }
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(this.handOut(f));
    } else this.frames.push(f);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.waiter && this.frames.length === 0) {
      const w = this.waiter;
      this.waiter = undefined;
      if (this.failure) w.reject(this.failure);
      else w.resolve(null);
    }
  }

  private fail(e: unknown): void {
    if (!this.failure) this.failure = e;
    this.ended = true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.reject(e);
    }
  }

  /** The next frame, or null when the peer closed its side cleanly. */
  read(): Promise<Frame<In> | null> {
    const f = this.frames.shift();
    if (f) return Promise.resolve(this.handOut(f));
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** The next frame; an `error` frame becomes a thrown WarpError, and so does a clean end when `what` is expected. */
  async expect<K extends NotError<In>>(what: string, ...types: K[]): Promise<Frame<Extract<In, { t: K }>>> {
    const f = await this.read();
    if (!f)
      throw new WarpError(ErrorCodes.PEER_UNREACHABLE, `${this.peer} closed the stream while Warp waited for ${what}`);
    if (f.h.t === 'error') throw remoteError(f.h as unknown as ErrorHeader, this.peer);
    if (!(types as string[]).includes(f.h.t))
      throw protocolError(`expected ${types.join(' or ')} (${what}), got '${f.h.t}'`);
    return f as Frame<Extract<In, { t: K }>>;
  }

  async write(header: Out | ErrorHeader, payload?: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    const s = this.stream;
    try {
      s.send(encodeFrameHead(header, payload?.length ?? 0));
      if (payload && payload.length > 0) s.send(payload);
    } catch (e) {
      throw (
        this.failure ??
        new WarpError(ErrorCodes.PEER_UNREACHABLE, `could not send to ${this.peer}: ${(e as Error).message}`, {
          cause: e,
        })
      );
    }
    await this.paced();
  }

  /** One frame whose payload is several pieces, sent as they are (no copy into one buffer). */
  async writeParts(header: Out, parts: readonly Uint8Array[], payloadLength: number): Promise<void> {
    if (this.failure) throw this.failure;
    const s = this.stream;
    try {
      s.send(encodeFrameHead(header, payloadLength));
      for (const p of parts) if (p.length > 0) s.send(p);
    } catch (e) {
      throw (
        this.failure ??
        new WarpError(ErrorCodes.PEER_UNREACHABLE, `could not send to ${this.peer}: ${(e as Error).message}`, {
          cause: e,
        })
      );
    }
    await this.paced();
  }

  /** Waits while this side holds too much unsent. */
  private async paced(): Promise<void> {
    const s = this.stream;
    // This stream, and (listening nodes) all of this peer's streams together: a peer that asks on many streams
    // and reads on none. Tiny frames cost far more memory queued than their bytes, so the peer's limit is low.
    const full = (): boolean =>
      s.writeBufferLength > HIGH_WATER ||
      (this.budget !== undefined && s.writeBufferLength > 0 && this.budget.writeFull(this.peer));
    if (!full()) return;
    const since = Date.now();
    while (full() && s.status === 'open') {
      if (Date.now() - since > WRITE_STALL_MS) {
        const e = new WarpError(
          ErrorCodes.PEER_UNREACHABLE,
          `${this.peer} read nothing for ${WRITE_STALL_MS / 1000} s`,
        );
        this.fail(e);
        this.abort(e.message);
        throw e;
      }
      await drained(s);
    }
  }

  /** Several payload-less frames in one message (one buffer, one send). */
  async writeAll(headers: Out[]): Promise<void> {
    if (headers.length === 0) return;
    const s = this.stream;
    try {
      s.send(Buffer.concat(headers.map((h) => encodeFrameHead(h))));
    } catch (e) {
      throw (
        this.failure ??
        new WarpError(ErrorCodes.PEER_UNREACHABLE, `could not send to ${this.peer}: ${(e as Error).message}`, {
          cause: e,
        })
      );
    }
    await this.paced();
  }

  async writeError(e: unknown): Promise<void> {
    try {
      await this.write(errorFrame(e));
      await this.close();
    } catch {
      /* the peer is gone */
    }
  }

  async close(): Promise<void> {
    try {
      await this.stream.close({ signal: AbortSignal.timeout(10_000) });
    } catch {
      this.abort();
    }
  }

  abort(reason = 'closed'): void {
    try {
      this.stream.abort(new Error(reason));
    } catch {
      /* already closed */
    }
  }
}

/** A channel on a stream this side accepted: it reads the protocol's requests and sends its answers. */
export type Accepted<P extends ProtocolId> = Channel<RequestOf<P>, AnswerOf<P>>;
/** A channel on a stream this side opened: it sends the protocol's requests and reads the answers. */
export type Opened<P extends ProtocolId> = Channel<AnswerOf<P>, RequestOf<P>>;

export function acceptedChannel<P extends ProtocolId>(
  stream: Stream,
  peer: string,
  protocol: P,
  o?: ChannelOptions,
): Accepted<P> {
  return new Channel(stream, peer, WIRE[protocol].requests, o);
}

export function openedChannel<P extends ProtocolId>(
  stream: Stream,
  peer: string,
  protocol: P,
  o?: ChannelOptions,
): Opened<P> {
  return new Channel(stream, peer, WIRE[protocol].answers, o);
}

/** Waits for 'drain' (or a short timer: some muxers drain without an event while closing). */
function drained(s: Stream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      s.removeEventListener('drain', done);
      s.removeEventListener('close', done);
      resolve();
    };
    const t = setTimeout(done, 20);
    s.addEventListener('drain', done);
    s.addEventListener('close', done);
  });
}
