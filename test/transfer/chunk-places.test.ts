import { describe, expect, it } from 'vitest';
import { blake3, idNumberKey } from '../../src/engine/codec/blake3.ts';
import { ChunkPlaces } from '../../src/engine/transfer/chunk-places.ts';

describe('ChunkPlaces (where the receiver already holds a chunk)', () => {
  it('keeps the first place per id, found by the full id within a packed id table', () => {
    const ids = Buffer.concat([blake3(Buffer.from('a')), blake3(Buffer.from('b')), blake3(Buffer.from('a'))]);
    const p = new ChunkPlaces();
    p.addIfAbsent(ids, 0, '/f', 0, 10);
    p.addIfAbsent(ids, 32, '/f', 10, 20);
    p.addIfAbsent(ids, 64, '/g', 0, 10); // the same id again: the first place stays
    expect(p.get(blake3(Buffer.from('a')))).toEqual({ abs: '/f', offset: 0, length: 10 });
    expect(p.get(ids.subarray(32, 64))).toEqual({ abs: '/f', offset: 10, length: 20 });
    expect(p.get(blake3(Buffer.from('c')))).toBeUndefined();
  });
  it('the number key uses all of the first 6 bytes, and only them', () => {
    const base = new Uint8Array(40);
    const keys = new Set<number>([idNumberKey(base)]);
    for (let b = 0; b < 6; b++) {
      const v = Uint8Array.from(base);
      v[b] = 0xff;
      keys.add(idNumberKey(v));
    }
    expect(keys.size).toBe(7);
    const tail = Uint8Array.from(base);
    tail[6] = 1;
    expect(idNumberKey(tail)).toBe(idNumberKey(base));
    expect(idNumberKey(Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6), 8)).toBe(
      idNumberKey(Uint8Array.of(1, 2, 3, 4, 5, 6)),
    );
  });
  it('an id sharing the 6-byte key of a known one is never answered with the other chunk', () => {
    const a = blake3(Buffer.from('a'));
    const twin = Buffer.from(a);
    twin[31] ^= 1; // same key, another id
    const p = new ChunkPlaces();
    p.addIfAbsent(a, 0, '/f', 0, 10);
    const unknown = Buffer.from(twin);
    unknown[30] ^= 1;
    expect(p.get(twin)).toBeUndefined();
    p.addIfAbsent(twin, 0, '/g', 0, 10);
    p.addIfAbsent(a, 0, '/h', 0, 10); // the first place seen is kept
    expect(p.get(twin)).toEqual({ abs: '/g', offset: 0, length: 10 });
    expect(p.get(a)).toEqual({ abs: '/f', offset: 0, length: 10 });
    expect(p.get(unknown)).toBeUndefined();
  });
});
