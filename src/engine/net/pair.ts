/**
 * Pairing with a one-time code (docs/PROTOCOL.md "Pairing"). The code's secret never crosses the wire: each side
 * proves it knows it with an HMAC bound to both peer ids, which the TLS handshake has already authenticated.
 * Both sides tell each other where they listen and what they are called, so either can dial the other later.
 *
 * The inviting side keeps its codes in a `PairCodeBook`: one code is active at a time (a new one replaces it),
 * and finished codes (used, expired, cancelled) are remembered for a while so that a late or repeated try gets the
 * precise refusal (E_PAIR_CODE_USED, E_PAIR_CODE_EXPIRED) instead of a generic one. A code takes at most
 * `maxAttempts` wrong proofs (E_PAIR_CODE_WRONG), then it is spent.
 */
import crypto from 'node:crypto';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { Accepted, Opened } from './channel.ts';
import { newPairCode } from './pair-code.ts';
import { serveRequestFrame, type PairRequestBook } from './pair-request.ts';
import { reachabilityOf, type Reachability } from './reachability.ts';
import type { PROTOCOLS } from './wire.ts';

type Pair = typeof PROTOCOLS.pair;

/** What one side says of itself: where it listens (best first) and its friendly name. */
export interface SelfInfo {
  addrs: string[];
  name?: string;
  /** A listener's AutoNAT verdict, told in `info` answers (net/reachability.ts). */
  reach?: Reachability;
}

export function pairProof(secret: string, kind: 'req' | 'ack', from: string, to: string): string {
  return crypto.createHmac('sha256', secret).update(`warp-pair-1-${kind}|${from}|${to}`).digest('hex');
}

const same = (a: string, b: string): boolean =>
  a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface ActiveCode {
  lookup: string;
  secret: string;
  expiresAt: number;
  attempts: number;
  state: 'active' | 'used' | 'expired' | 'cancelled' | 'spent';
}

export const MAX_ATTEMPTS = 3;
/** Finished codes remembered for precise refusals. */
const REMEMBERED = 16;

export class PairCodeBook {
  private readonly codes: ActiveCode[] = [];

  /** A fresh code; any active one is cancelled. */
  issue(ttlMs: number): ActiveCode {
    this.cancel();
    const c: ActiveCode = { ...newPairCode(), expiresAt: Date.now() + ttlMs, attempts: 0, state: 'active' };
    this.codes.unshift(c);
    this.codes.length = Math.min(this.codes.length, REMEMBERED);
    return c;
  }

  active(): ActiveCode | undefined {
    const c = this.codes[0];
    if (c?.state === 'active' && Date.now() > c.expiresAt) c.state = 'expired';
    return c?.state === 'active' ? c : undefined;
  }

  cancel(): void {
    const c = this.active();
    if (c) c.state = 'cancelled';
  }

  /**
   * Checks a proof from `peer` (for `self`): returns the code it proves, or throws the refusal. A request without a
   * lookup id (an older joiner) is checked against the active code.
   */
  check(proof: string, lookup: string | undefined, peer: string, self: string): ActiveCode {
    this.active(); // marks an active code past its time as expired
    const c = lookup ? this.codes.find((x) => x.lookup === lookup) : this.codes[0];
    if (!c) throw notPairing();
    const right = same(proof, pairProof(c.secret, 'req', peer, self));
    if (c.state === 'active' && right) {
      c.state = 'used';
      return c;
    }
    if (right && (c.state === 'used' || c.state === 'spent'))
      throw new WarpError(ErrorCodes.PAIR_CODE_USED, 'that pairing code was used already; each code pairs once');
    if (right || c.state === 'expired')
      throw new WarpError(
        ErrorCodes.PAIR_CODE_EXPIRED,
        'that pairing code has expired; start pairing again for a new one',
      );
    if (c.state !== 'active') throw notPairing();
    c.attempts++;
    if (c.attempts >= MAX_ATTEMPTS) c.state = 'spent';
    throw new WarpError(
      ErrorCodes.PAIR_CODE_WRONG,
      `wrong pairing code (attempt ${c.attempts} of ${MAX_ATTEMPTS}${c.state === 'spent' ? ': the code is spent, start pairing again' : ''})`,
      { details: { attempts: c.attempts, spent: c.state === 'spent' } },
    );
  }
}

function notPairing(): WarpError {
  return new WarpError(
    ErrorCodes.PAIR_CODE_EXPIRED,
    'that machine is not pairing with this code (it expired, was cancelled, or pairing was never started there); start pairing again there',
  );
}

export interface PairServe {
  self: string;
  /** The codes this node accepts (absent: it is not pairing, `pair` is refused). */
  book?: PairCodeBook;
  /** What this node says of itself now. */
  me: () => SelfInfo;
  isTrusted: (peer: string) => boolean;
  onPaired?: (peer: string, info: SelfInfo, code: ActiveCode) => void;
  /** A paired peer's refresh. */
  onInfo?: (peer: string, info: SelfInfo) => void;
  /** Pairing requests this node takes (absent: refused with E_PAIR_REJECTED, pair with a code instead). */
  requests?: PairRequestBook;
}

/**
 * Answers one stream of the pair protocol: `pair` (any peer, checked by the code book), `info` (paired peers), or
 * a step of pairing by request (net/pair-request.ts).
 */
export async function servePairStream(ch: Accepted<Pair>, o: PairServe): Promise<void> {
  const f = await ch.expect('a pairing request', 'pair', 'info', 'ask', 'decision', 'withdraw');
  const peer = ch.peer;
  if (f.h.t === 'ask' || f.h.t === 'decision' || f.h.t === 'withdraw')
    return serveRequestFrame(ch, f.h, { self: o.self, book: o.requests, me: o.me });
  if (f.h.t === 'info') {
    if (!o.isTrusted(peer))
      throw new WarpError(ErrorCodes.PEER_NOT_PAIRED, `${o.self} is not paired with ${peer}; pair first`);
    const me = o.me();
    await ch.write({ t: 'info', addrs: me.addrs, name: me.name, reach: me.reach });
    await ch.close();
    o.onInfo?.(peer, { addrs: f.h.addrs ?? [], name: f.h.name });
    return;
  }
  if (!o.book) throw notPairing();
  const code = o.book.check(f.h.proof, f.h.lookup, peer, o.self);
  const me = o.me();
  // Stored before the answer goes out: the joiner may dial back the moment it reads `paired`.
  o.onPaired?.(peer, { addrs: f.h.addrs ?? [], name: f.h.name }, code);
  await ch.write({ t: 'paired', proof: pairProof(code.secret, 'ack', o.self, peer), addrs: me.addrs, name: me.name });
  // Linger until the dialler has read the answer and closed its side: the caller may stop its node next, which
  // can cut the connection before `paired` arrives (seen under load).
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ch.read().catch(() => null),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 5000);
    }),
  ]);
  clearTimeout(timer);
  await ch.close();
}

/** Dialling side: proves the code, checks the answer; returns what the inviter said of itself. */
export async function requestPairing(
  ch: Opened<Pair>,
  self: string,
  code: { lookup: string; secret: string },
  me: SelfInfo,
): Promise<SelfInfo> {
  await ch.write({
    t: 'pair',
    proof: pairProof(code.secret, 'req', self, ch.peer),
    lookup: code.lookup,
    addrs: me.addrs,
    name: me.name,
  });
  const f = await ch.expect('the pairing answer', 'paired');
  if (!same(f.h.proof, pairProof(code.secret, 'ack', ch.peer, self))) {
    throw new WarpError(
      ErrorCodes.PAIR_CODE_WRONG,
      'the other machine did not prove it knows the code: not paired (is it the machine showing the code?)',
    );
  }
  await ch.close();
  return { addrs: f.h.addrs ?? [], name: f.h.name };
}

/** A paired peer's refresh: tells what this side is now, hears what the other side is. */
export async function exchangeInfo(ch: Opened<Pair>, me: SelfInfo): Promise<SelfInfo> {
  await ch.write({ t: 'info', addrs: me.addrs, name: me.name });
  const f = await ch.expect('the peer information', 'info');
  await ch.close();
  return { addrs: f.h.addrs ?? [], name: f.h.name, reach: f.h.reach && reachabilityOf(f.h.reach) };
}
