/**
 * Pairing by request (docs/PROTOCOL.md "Pairing by request"): one click on a nearby device, no code typed. Both
 * screens show the same confirmation code, a person at the asked machine compares it and accepts or rejects, and
 * nothing is trusted on either side before that yes.
 *
 * The conversation on `/warp/pair/1.0.0`:
 *   asker → `ask` {commit = H(nonceA), addrs, name};  asked → `asked` {id, nonceB}
 *   asker → `reveal` {id, nonceA};                      asked → `waiting` {ms}  (both now show the code)
 *   asker → `decision` {id} every second on a fresh stream: `waiting` | `accepted` {addrs, name} | error
 *   asker → `withdraw` {id} when its user gives up.
 * The code is 6 digits of H(both peer ids, both nonces). The peer ids are those the TLS handshake proved; the
 * commitment keeps the asker from picking its nonce after seeing the other's, so neither side can steer the code
 * toward one a victim would accept (a device on the LAN announcing a look-alike name gets a different code).
 * The asker polls instead of holding one stream open while a person decides: unpaired connections are short-lived
 * by design (gate.ts), and a poll also survives a dropped connection.
 *
 * `PairRequestBook` is the asked side's state: bounded (a few open requests, one per peer), each one expiring.
 */
import crypto from 'node:crypto';
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import type { Accepted, Opened } from './channel.ts';
import type { SelfInfo } from './pair.ts';
import { PROTOCOLS, type TransportChoice, type WarpNode } from './node.ts';
import { dialAny, type DialTarget } from './peer-book.ts';
import type { RequestOf } from './wire.ts';

type Pair = typeof PROTOCOLS.pair;

/** How long a request waits for the person at the asked machine. */
export const REQUEST_TTL_MS = 120_000;
/** Open requests at most (a flood of askers cannot queue hundreds of prompts). */
export const MAX_OPEN_REQUESTS = 4;
const POLL_MS = 1000;
/** An asker that does not reveal its nonce within this long gives its slot up. */
const REVEAL_MS = 15_000;

export function nonceCommit(nonce: string): string {
  return crypto.createHash('sha256').update(`warp-pair-req-1-commit|${nonce}`).digest('hex');
}

/** The 6-digit confirmation code both screens show, as `123 456`. */
export function confirmationCode(asker: string, asked: string, askerNonce: string, askedNonce: string): string {
  const h = crypto
    .createHash('sha256')
    .update(`warp-pair-req-1-code|${asker}|${asked}|${askerNonce}|${askedNonce}`)
    .digest();
  const n = h.readUInt32BE(0) % 1_000_000;
  const s = String(n).padStart(6, '0');
  return `${s.slice(0, 3)} ${s.slice(3)}`;
}

export type RequestState = 'asking' | 'pending' | 'accepted' | 'rejected' | 'expired' | 'withdrawn';

/** One request as the asked machine sees it. */
export interface PairRequest {
  id: string;
  peer: string;
  /** What the asker said of itself (unverified but its id: shown to the person deciding). */
  info: SelfInfo;
  /** Set once the asker revealed its nonce. */
  code?: string;
  expiresAt: number;
  state: RequestState;
}

interface Entry extends PairRequest {
  commit: string;
  nonce: string;
  timer?: NodeJS.Timeout;
}

export class PairRequestBook {
  private readonly entries = new Map<string, Entry>();
  private readonly onChange: (r: PairRequest) => void;
  private readonly ttlMs: number;

  constructor(o: { onChange: (r: PairRequest) => void; ttlMs?: number }) {
    this.onChange = o.onChange;
    this.ttlMs = o.ttlMs ?? REQUEST_TTL_MS;
  }

  /** A new request from `peer` (replacing its earlier one); refused when too many are open. */
  open(peer: string, commit: string, info: SelfInfo): { id: string; nonce: string } {
    for (const e of this.entries.values()) if (e.peer === peer) this.end(e, 'withdrawn');
    this.prune();
    if (this.open_().length >= MAX_OPEN_REQUESTS)
      throw new WarpError(
        ErrorCodes.PAIR_REJECTED,
        'this machine has too many pairing requests waiting; try again in a minute',
        { details: { reason: 'busy' } },
      );
    const e: Entry = {
      id: crypto.randomBytes(8).toString('hex'),
      peer,
      info,
      commit,
      nonce: crypto.randomBytes(32).toString('hex'),
      expiresAt: Date.now() + this.ttlMs,
      state: 'asking',
    };
    e.timer = setTimeout(() => this.end(e, 'expired'), Math.min(REVEAL_MS, this.ttlMs));
    e.timer.unref();
    this.entries.set(e.id, e);
    return { id: e.id, nonce: e.nonce };
  }

  /** The asker's nonce: checked against its commitment; the request is now shown to the person deciding. */
  reveal(id: string, peer: string, nonce: string, self: string): PairRequest {
    const e = this.mine(id, peer);
    if (e.state !== 'asking') throw new WarpError(ErrorCodes.PROTOCOL, 'that pairing request was revealed already');
    if (nonceCommit(nonce) !== e.commit) {
      this.end(e, 'rejected');
      throw new WarpError(ErrorCodes.PAIR_REJECTED, 'the pairing request did not match its commitment', {
        details: { reason: 'commitment' },
      });
    }
    e.code = confirmationCode(peer, self, nonce, e.nonce);
    e.state = 'pending';
    clearTimeout(e.timer);
    e.timer = setTimeout(() => this.end(e, 'expired'), Math.max(0, e.expiresAt - Date.now()));
    e.timer.unref();
    this.onChange(view(e));
    return view(e);
  }

  /** The person's answer. Only a pending request can be decided; an ended one says how it ended. */
  decide(id: string, accept: boolean): PairRequest {
    const e = this.entries.get(id);
    if (!e || e.state === 'asking')
      throw new WarpError(ErrorCodes.PAIR_TIMEOUT, `no pairing request '${id}' is waiting (it ended or never came)`, {
        details: { status: 404 },
      });
    if (e.state !== 'pending') throw endedError(e);
    this.end(e, accept ? 'accepted' : 'rejected');
    return view(e);
  }

  /** Where the asker's request stands (its `decision` poll); a rejected, expired or withdrawn one throws. */
  poll(id: string, peer: string): PairRequest {
    const e = this.mine(id, peer);
    if (e.state === 'pending' || e.state === 'accepted') return view(e);
    throw endedError(e);
  }

  withdraw(id: string, peer: string): void {
    const e = this.mine(id, peer);
    if (e.state === 'pending' || e.state === 'asking') this.end(e, 'withdrawn');
  }

  /** Requests waiting for a person's answer. */
  pending(): PairRequest[] {
    return this.open_()
      .filter((e) => e.state === 'pending')
      .map(view);
  }

  get(id: string): PairRequest | undefined {
    const e = this.entries.get(id);
    return e && view(e);
  }

  close(): void {
    for (const e of this.entries.values()) clearTimeout(e.timer);
    this.entries.clear();
  }

  private open_(): Entry[] {
    return [...this.entries.values()].filter((e) => e.state === 'asking' || e.state === 'pending');
  }

  private mine(id: string, peer: string): Entry {
    const e = this.entries.get(id);
    if (!e || e.peer !== peer)
      throw new WarpError(ErrorCodes.PAIR_TIMEOUT, 'the other machine no longer knows this pairing request; ask again');
    return e;
  }

  private end(e: Entry, state: RequestState): void {
    if (e.state !== 'asking' && e.state !== 'pending') return;
    const shown = e.state === 'pending';
    e.state = state;
    clearTimeout(e.timer);
    // Ended requests stay a while for the asker's last poll, then go.
    e.timer = setTimeout(() => this.entries.delete(e.id), 60_000);
    e.timer.unref();
    if (shown || state === 'accepted') this.onChange(view(e));
  }

  /** Bounds the map: ended requests beyond a few are dropped at once. */
  private prune(): void {
    const ended = [...this.entries.values()].filter((e) => e.state !== 'asking' && e.state !== 'pending');
    for (const e of ended.slice(0, Math.max(0, ended.length - 16))) {
      clearTimeout(e.timer);
      this.entries.delete(e.id);
    }
  }
}

function view(e: Entry): PairRequest {
  return { id: e.id, peer: e.peer, info: e.info, code: e.code, expiresAt: e.expiresAt, state: e.state };
}

function endedError(e: Entry): WarpError {
  if (e.state === 'rejected')
    return new WarpError(ErrorCodes.PAIR_REJECTED, 'the other machine rejected the pairing request', {
      details: { reason: 'user' },
    });
  if (e.state === 'withdrawn')
    return new WarpError(ErrorCodes.CANCELLED, 'the pairing request was withdrawn by the machine that asked');
  return new WarpError(
    ErrorCodes.PAIR_TIMEOUT,
    'nobody accepted the pairing request on the other machine in time; ask again while someone is there',
  );
}

/** The asked side of one stream: `ask`, `reveal`, `decision` or `withdraw` (servePairStream routes them here). */
export async function serveRequestFrame(
  ch: Accepted<Pair>,
  first: RequestOf<Pair>,
  o: { self: string; book?: PairRequestBook; me: () => SelfInfo },
): Promise<void> {
  if (!o.book)
    throw new WarpError(ErrorCodes.PAIR_REJECTED, `${o.self} does not take pairing requests; pair with a code`, {
      details: { reason: 'off' },
    });
  const peer = ch.peer;
  if (first.t === 'ask') {
    const { id, nonce } = o.book.open(peer, first.commit, { addrs: first.addrs ?? [], name: first.name });
    await ch.write({ t: 'asked', id, nonce });
    const r = await ch.expect('the revealed nonce', 'reveal');
    const req = o.book.reveal(r.h.id, peer, r.h.nonce, o.self);
    await ch.write({ t: 'waiting', ms: Math.max(0, req.expiresAt - Date.now()) });
  } else if (first.t === 'decision') {
    const req = o.book.poll(first.id, peer);
    if (req.state === 'accepted') {
      const me = o.me();
      await ch.write({ t: 'accepted', addrs: me.addrs, name: me.name });
    } else await ch.write({ t: 'waiting', ms: Math.max(0, req.expiresAt - Date.now()) });
  } else if (first.t === 'withdraw') {
    o.book.withdraw(first.id, peer);
    await ch.write({ t: 'withdrawn' });
  } else throw new WarpError(ErrorCodes.PROTOCOL, `unexpected '${first.t}' frame`);
  await ch.close();
}

export interface AskOptions {
  node: WarpNode;
  /** The device's addresses, pinned to its id. */
  targets: DialTarget[];
  transport?: TransportChoice;
  self: string;
  me: SelfInfo;
  /** Both screens now show this code: the asker's UI shows it while waiting. */
  onCode: (c: { code: string; id: string; peer: string; expiresAt: number }) => void;
  signal?: AbortSignal;
  pollMs?: number;
}

export interface Asked {
  peer: string;
  info: SelfInfo;
  address: string;
}

/** Asking side: sends the request, shows the code, waits for the other side's person; resolves once accepted. */
export async function askToPair(o: AskOptions): Promise<Asked> {
  const nonce = crypto.randomBytes(32).toString('hex');
  const first = await openRequest(o, nonce);
  const code = confirmationCode(o.self, first.peer, nonce, first.nonce);
  o.onCode({ code, id: first.id, peer: first.peer, expiresAt: first.expiresAt });
  try {
    const info = await pollDecision(o, first.id, first.expiresAt);
    return { peer: first.peer, info, address: first.address };
  } catch (e) {
    if (isWarpError(e, ErrorCodes.CANCELLED)) await withdraw(o, first.id).catch(() => {});
    throw e;
  }
}

/**
 * `ask`, `asked`, `reveal`, `waiting`. A connection lost meanwhile (an unpaired connection's lifetime ending under
 * it, a relay's circuit cut) asks again on a fresh one: the other side replaces this peer's unfinished request.
 */
async function openRequest(o: AskOptions, nonce: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await converse(o, 10_000, async (ch, r) => {
        await ch.write({ t: 'ask', commit: nonceCommit(nonce), addrs: o.me.addrs, name: o.me.name });
        const asked = (await ch.expect('the pairing request answer', 'asked')).h;
        await ch.write({ t: 'reveal', id: asked.id, nonce });
        const w = (await ch.expect('the pairing request answer', 'waiting')).h;
        const peer = r.conn.remotePeer.toString();
        return { peer, id: asked.id, nonce: asked.nonce, expiresAt: Date.now() + w.ms, address: r.target.text };
      });
    } catch (e) {
      if (attempt >= 3 || !isWarpError(e, ErrorCodes.PEER_UNREACHABLE) || o.signal?.aborted) throw e;
    }
  }
}

async function pollDecision(o: AskOptions, id: string, expiresAt: number): Promise<SelfInfo> {
  // A little past the other side's expiry: its answer (E_PAIR_TIMEOUT) is the one to report.
  while (Date.now() < expiresAt + 10_000) {
    await sleep(o.pollMs ?? POLL_MS, o.signal);
    let answer;
    try {
      answer = await converse(o, 5000, async (ch) => {
        await ch.write({ t: 'decision', id });
        return (await ch.expect('the pairing decision', 'waiting', 'accepted')).h;
      });
    } catch (e) {
      // A dropped or refused connection is asked again; the other side's answer ends the wait.
      if (isWarpError(e, ErrorCodes.PEER_UNREACHABLE)) continue;
      throw e;
    }
    if (answer.t === 'accepted') return { addrs: answer.addrs ?? [], name: answer.name };
  }
  throw new WarpError(ErrorCodes.PAIR_TIMEOUT, 'nobody accepted the pairing request on the other machine in time');
}

async function withdraw(o: AskOptions, id: string): Promise<void> {
  await converse(o, 3000, async (ch) => {
    await ch.write({ t: 'withdraw', id });
    await ch.expect('the withdrawal', 'withdrawn');
  });
}

/** One stream of the conversation, closed whatever happens (the other side allows only two at a time). */
async function converse<T>(
  o: AskOptions,
  timeoutMs: number,
  talk: (ch: Opened<Pair>, r: Awaited<ReturnType<typeof dialAny>>) => Promise<T>,
): Promise<T> {
  const r = await dialAny(o.node, o.targets, { transport: o.transport, allowUntrusted: true, timeoutMs });
  const ch = await o.node.open(r.conn, PROTOCOLS.pair);
  try {
    return await talk(ch, r);
  } finally {
    await ch.close();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const t = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort(): void {
      clearTimeout(t);
      reject(cancelled());
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

const cancelled = (): WarpError => new WarpError(ErrorCodes.CANCELLED, 'the pairing request was cancelled');
