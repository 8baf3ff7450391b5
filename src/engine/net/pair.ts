/**
 * Pairing with a short one-time code (docs/PROTOCOL.md "Pairing"). The code never crosses the wire: each side
 * proves it knows it with an HMAC bound to both peer ids, which the TLS handshake has already authenticated.
 * The listening side accepts at most `maxAttempts` tries per code and forgets the code after `ttlMs`.
 */
import crypto from 'node:crypto';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { Accepted, Opened } from './channel.ts';
import type { PROTOCOLS } from './wire.ts';

type Pair = typeof PROTOCOLS.pair;

const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz'; // no 0/1/i/l/o: easy to read aloud

export function newPairCode(): string {
  const bytes = crypto.randomBytes(10);
  let s = '';
  for (let i = 0; i < 10; i++) s += ALPHABET[bytes[i] % ALPHABET.length];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

export function normalizeCode(code: string): string {
  return code.trim().toLowerCase().replace(/[\s-]/g, '');
}

export function pairProof(code: string, kind: 'req' | 'ack', from: string, to: string): string {
  return crypto.createHmac('sha256', normalizeCode(code)).update(`warp-pair-1-${kind}|${from}|${to}`).digest('hex');
}

const same = (a: string, b: string): boolean =>
  a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface PairServerState {
  code: string;
  expiresAt: number;
  attempts: number;
  maxAttempts: number;
  done: boolean;
}

/** Answers one pairing stream; returns the peer id when the proof was right. */
export async function answerPairing(
  ch: Accepted<Pair>,
  self: string,
  st: PairServerState,
): Promise<string | undefined> {
  const f = await ch.expect('a pairing request', 'pair');
  const peer = ch.peer;
  if (st.done || Date.now() > st.expiresAt || st.attempts >= st.maxAttempts) {
    throw new WarpError(
      ErrorCodes.PAIRING_FAILED,
      'the pairing code has expired or was used up; run `warp pair` again for a new one',
    );
  }
  st.attempts++;
  if (!same(f.h.proof, pairProof(st.code, 'req', peer, self))) {
    throw new WarpError(ErrorCodes.PAIRING_FAILED, `wrong pairing code (attempt ${st.attempts} of ${st.maxAttempts})`);
  }
  st.done = true;
  await ch.write({ t: 'paired', proof: pairProof(st.code, 'ack', self, peer) });
  // Linger until the dialler has read the answer and closed its side: the caller stops its node next, which
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
  return peer;
}

/** Dialling side: proves the code, checks the answer. */
export async function requestPairing(ch: Opened<Pair>, self: string, code: string): Promise<void> {
  await ch.write({ t: 'pair', proof: pairProof(code, 'req', self, ch.peer) });
  const f = await ch.expect('the pairing answer', 'paired');
  if (!same(f.h.proof, pairProof(code, 'ack', ch.peer, self))) {
    throw new WarpError(
      ErrorCodes.PAIRING_FAILED,
      'the peer did not prove it knows the code: not paired (is the address right?)',
    );
  }
  await ch.close();
}
