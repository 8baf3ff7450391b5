/**
 * Pairing codes as people see them (docs/PROTOCOL.md "Pairing codes").
 *
 *  - The **short code** `abc-defgh-jkmnp`: a 3-character lookup id, then the 10-character secret (~50 bits,
 *    letters and digits that read aloud without confusion). The lookup id is public: the inviter announces it on
 *    the LAN (discovery) so a joiner with only the short code finds it there. The secret never leaves either
 *    machine; it keys the HMAC proofs (pair.ts).
 *  - The **full code** `<short>.<card>` adds a card for joiners on other networks: the inviter's public key (so
 *    the TLS handshake pins the right machine), the code's expiry, and its addresses as binary multiaddrs, any
 *    kind (direct, relayed `/p2p-circuit`, DNS), best first. The card ends with a tag keyed by the secret: a card
 *    that was altered or made without the secret is refused before anything is dialled, so no proof is ever sent
 *    to a machine the code did not name.
 *
 * One concept, pure functions: make, print, parse, check.
 */
import crypto from 'node:crypto';
import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { ErrorCodes, WarpError } from '../core/errors.ts';

/** Letters and digits without 0/1/i/l/o (easy to read aloud and type). */
const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
const LOOKUP_LEN = 3;
const SECRET_LEN = 10;
/** Base32 for the card (Crockford's lowercase alphabet: no i, l, o, u). */
const B32 = '0123456789abcdefghjkmnpqrstvwxyz';
const CARD_VERSION = 1;
const TAG_BYTES = 4;
/** The most addresses a card carries (the best first); more make the QR code dense. */
export const CARD_MAX_ADDRESSES = 6;

export interface PairCode {
  lookup: string;
  secret: string;
  /** Present in a full code. */
  card?: PairCard;
}

export interface PairCard {
  peerId: string;
  /** Multiaddrs ending in /p2p/<peerId> (dialable as they are). */
  addresses: string[];
  expiresAt: number;
}

function randomText(n: number): string {
  const bytes = crypto.randomBytes(n * 2);
  let s = '';
  // Rejection sampling: 248 = 8 * 31, so every letter is equally likely.
  for (let i = 0; i < bytes.length && s.length < n; i++) if (bytes[i] < 248) s += ALPHABET[bytes[i] % 31];
  return s.length === n ? s : randomText(n);
}

export function newPairCode(): { lookup: string; secret: string } {
  return { lookup: randomText(LOOKUP_LEN), secret: randomText(SECRET_LEN) };
}

/** `abc-defgh-jkmnp` */
export function shortCode(c: { lookup: string; secret: string }): string {
  return `${c.lookup}-${c.secret.slice(0, 5)}-${c.secret.slice(5)}`;
}

/** `abc-defgh-jkmnp.<card>` */
export function fullCode(c: { lookup: string; secret: string }, card: PairCard): string {
  return `${shortCode(c)}.${encodeCard(c.secret, card)}`;
}

const invalid = (why: string): WarpError =>
  new WarpError(
    ErrorCodes.PAIR_CODE_INVALID,
    `that is not a pairing code (${why}); copy the whole code 'warp pair' shows on the other machine`,
  );

/**
 * Reads a short or full code as typed or pasted (any case, spaces and dashes anywhere in the short part).
 * A full code's card is checked against its secret here: a damaged or forged card is E_PAIR_CODE_INVALID.
 */
export function parsePairCode(text: string): PairCode {
  if (typeof text !== 'string' || text.length > 2048) throw invalid('too long');
  const [head, cardText, extra] = text.trim().split('.');
  if (extra !== undefined) throw invalid('more than one "."');
  const letters = head.toLowerCase().replace(/[\s-]/g, '');
  if (letters.length !== LOOKUP_LEN + SECRET_LEN)
    throw invalid(`${letters.length} letters where ${LOOKUP_LEN + SECRET_LEN} belong`);
  if ([...letters].some((ch) => !ALPHABET.includes(ch))) throw invalid('a character codes never contain');
  const code: PairCode = { lookup: letters.slice(0, LOOKUP_LEN), secret: letters.slice(LOOKUP_LEN) };
  if (cardText !== undefined) code.card = decodeCard(code.secret, cardText.trim().toLowerCase());
  return code;
}

function tag(secret: string, body: Uint8Array): Buffer {
  return crypto.createHmac('sha256', secret).update('warp-pair-1-card|').update(body).digest().subarray(0, TAG_BYTES);
}

function encodeCard(secret: string, card: PairCard): string {
  const key = peerIdFromString(card.peerId).publicKey;
  if (!key || key.type !== 'Ed25519') throw new WarpError(ErrorCodes.INTERNAL, 'a pairing card needs an Ed25519 id');
  const parts: Uint8Array[] = [Uint8Array.of(CARD_VERSION), key.raw];
  const exp = Buffer.alloc(4);
  exp.writeUInt32BE(Math.ceil(card.expiresAt / 60_000));
  parts.push(exp);
  for (const a of cardAddresses(card.addresses)) {
    const bytes = multiaddr(a).decapsulateCode(421 /* p2p */).bytes; // the id is in the card once
    if (bytes.length > 255) continue;
    parts.push(Uint8Array.of(bytes.length), bytes);
  }
  const body = Buffer.concat(parts);
  return base32(Buffer.concat([body, tag(secret, body)]));
}

/**
 * The addresses a card carries: the best direct ones, and room kept for relayed ones (`/p2p-circuit`), which are
 * what reaches the inviter from another network; order kept (direct first: the joiner tries them in turn).
 */
export function cardAddresses(addrs: readonly string[]): string[] {
  const relayed = addrs.filter((a) => a.includes('/p2p-circuit')).slice(0, 2);
  const direct = addrs.filter((a) => !a.includes('/p2p-circuit')).slice(0, CARD_MAX_ADDRESSES - relayed.length);
  return [...direct, ...relayed];
}

function decodeCard(secret: string, text: string): PairCard {
  const raw = unbase32(text);
  if (!raw || raw.length < 1 + 32 + 4 + TAG_BYTES) throw invalid('the part after "." is damaged');
  const body = raw.subarray(0, raw.length - TAG_BYTES);
  if (!crypto.timingSafeEqual(tag(secret, body), raw.subarray(raw.length - TAG_BYTES)))
    throw invalid('the part after "." does not belong to this code: damaged or forged');
  if (body[0] !== CARD_VERSION) throw invalid(`card version ${body[0]} (a newer Warp made it)`);
  const peerId = peerIdFromPublicKey(publicKeyFromRaw(body.subarray(1, 33))).toString();
  const expiresAt = body.readUInt32BE(33) * 60_000;
  const addresses: string[] = [];
  for (let i = 37; i < body.length;) {
    const n = body[i];
    const bytes = body.subarray(i + 1, i + 1 + n);
    if (bytes.length !== n) throw invalid('an address in the card is cut short');
    i += 1 + n;
    try {
      addresses.push(multiaddr(bytes).encapsulate(`/p2p/${peerId}`).toString());
    } catch {
      /* an address kind this version cannot read: the others may do */
    }
  }
  return { peerId, addresses, expiresAt };
}

function base32(b: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const x of b) {
    acc = (acc << 8) | x;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}

function unbase32(s: string): Buffer | undefined {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of s) {
    const v = B32.indexOf(ch);
    if (v < 0) return undefined;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
