import { blake3 as nobleBlake3 } from '@noble/hashes/blake3.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blake3SmallInto } from '../../src/engine/codec/blake3-small.ts';
import { merkleRoot } from '../../src/engine/codec/merkle.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('BLAKE3 of small inputs in JavaScript', () => {
  it('agrees with @noble/hashes for every length 0..1024 (one to sixteen blocks, partial last blocks)', () => {
    const data = new Uint8Array(1024).map((_, i) => (i * 131 + 7) & 0xff);
    const out = new Uint8Array(40);
    for (let len = 0; len <= 1024; len++) {
      blake3SmallInto(data, len, out, 4);
      expect(hex(out.subarray(4, 36)), `len=${len}`).toBe(hex(nobleBlake3(data.subarray(0, len))));
    }
  });
  it('agrees with @noble/hashes on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024 }), (data) => {
        const out = new Uint8Array(32);
        blake3SmallInto(data, data.length, out, 0);
        expect(hex(out)).toBe(hex(nobleBlake3(data)));
      }),
      { numRuns: 300 },
    );
  });
  it('refuses inputs over one chunk instead of hashing them wrongly', () => {
    expect(() => blake3SmallInto(new Uint8Array(1025), 1025, new Uint8Array(32), 0)).toThrow(RangeError);
  });
  it('the Merkle root equals the FORMAT.md definition computed with the oracle', () => {
    const oracleRoot = (ids: Uint8Array[]): string => {
      const leaf = (id: Uint8Array) => nobleBlake3(Uint8Array.of(0, ...id));
      const node = (l: Uint8Array, r: Uint8Array) => nobleBlake3(Uint8Array.of(1, ...l, ...r));
      const sub = (lo: number, hi: number): Uint8Array => {
        if (hi - lo === 1) return leaf(ids[lo]);
        let k = 1;
        while (k * 2 < hi - lo) k *= 2;
        return node(sub(lo, lo + k), sub(lo + k, hi));
      };
      return hex(ids.length === 0 ? nobleBlake3(Uint8Array.of(2)) : sub(0, ids.length));
    };
    for (const n of [0, 1, 2, 3, 5, 8, 13, 64, 100]) {
      const ids = Array.from({ length: n }, (_, i) => nobleBlake3(new TextEncoder().encode(`id ${i}`)));
      expect(hex(merkleRoot(n, (i) => ids[i])), `n=${n}`).toBe(oracleRoot(ids));
    }
  });
});
