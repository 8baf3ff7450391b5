/** Pairing codes: short and full forms round-trip; a damaged or forged card, or a mistyped code, is refused. */
import { describe, expect, it } from 'vitest';
import { isWarpError } from '../../src/engine/core/errors.ts';
import { cardAddresses, fullCode, newPairCode, parsePairCode, shortCode } from '../../src/engine/net/pair-code.ts';

const ID = '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK';
const RELAY = '12D3KooWDVCxeDeM5PToGJTtvB1C61r4DpqZkTLWr6vqnxo3EqS6';
const direct = (i: number): string => `/ip4/192.168.1.${i}/udp/7654/quic-v1/p2p/${ID}`;
const relayed = `/ip4/203.0.113.7/tcp/4001/p2p/${RELAY}/p2p-circuit/p2p/${ID}`;
const code = (text: string): string => {
  try {
    parsePairCode(text);
    return 'ok';
  } catch (e) {
    return isWarpError(e) ? e.code : String(e);
  }
};

describe('pairing codes', () => {
  it('a full code carries the id, the expiry and the addresses (relayed ones kept even behind many direct)', () => {
    const c = newPairCode();
    const addrs = [1, 2, 3, 4, 5, 6, 7].map(direct).concat(relayed);
    const text = fullCode(c, { peerId: ID, addresses: addrs, expiresAt: Date.now() + 300_000 });
    const p = parsePairCode(text.toUpperCase().replace('-', ' - ')); // case and spacing do not matter
    expect(p).toMatchObject({ lookup: c.lookup, secret: c.secret });
    expect(p.card!.peerId).toBe(ID);
    expect(p.card!.addresses).toEqual(cardAddresses(addrs));
    expect(p.card!.addresses).toContain(relayed);
    expect(p.card!.expiresAt).toBeGreaterThan(Date.now());
    expect(parsePairCode(shortCode(c))).toEqual({ lookup: c.lookup, secret: c.secret });
  });

  it('refuses a damaged, forged or mistyped code with E_PAIR_CODE_INVALID', () => {
    const c = newPairCode();
    const text = fullCode(c, { peerId: ID, addresses: [direct(1)], expiresAt: Date.now() + 60_000 });
    const [short, card] = text.split('.');
    const flipped = card.slice(0, 20) + (card[20] === '0' ? '1' : '0') + card.slice(21);
    expect(code(`${short}.${flipped}`)).toBe('E_PAIR_CODE_INVALID');
    // The same card under another secret (someone who does not know the code made it): refused.
    const other = shortCode({ lookup: c.lookup, secret: newPairCode().secret });
    expect(code(`${other}.${card}`)).toBe('E_PAIR_CODE_INVALID');
    expect(code('abc-defgh-jkmn')).toBe('E_PAIR_CODE_INVALID'); // one letter short
    expect(code('abc-defgh-jkmn0')).toBe('E_PAIR_CODE_INVALID'); // 0 is never in a code
    expect(code(`${short}.${card}.x`)).toBe('E_PAIR_CODE_INVALID');
    expect(code('x'.repeat(5000))).toBe('E_PAIR_CODE_INVALID');
  });
});
