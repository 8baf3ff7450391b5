import { describe, expect, it } from 'vitest';
import { blake3 } from '../../src/engine/codec/blake3.ts';
import { ChunkIdMap, ChunkIdSet, sameChunkId } from '../../src/engine/model/chunk-id.ts';

const id = (n: number): Buffer => blake3(Buffer.from(`chunk ${n}`));

/** An id that shares its first 6 bytes (the number key) with `of` but differs after. */
function samePrefix(of: Uint8Array, last: number): Uint8Array {
  const out = Uint8Array.from(of);
  out[31] = last;
  return out;
}

describe('ChunkIdMap / ChunkIdSet', () => {
  it('maps ids to values, replaces on set, and tells ids with one key prefix apart', () => {
    const m = new ChunkIdMap<number>();
    const a = id(1);
    const b = samePrefix(a, a[31] ^ 0xff);
    m.set(a, 1);
    expect(m.get(b)).toBeUndefined();
    m.set(b, 2);
    m.set(a, 3);
    expect([m.get(a), m.get(b), m.size]).toEqual([3, 2, 2]);
    const c = samePrefix(a, a[31] ^ 0x0f);
    m.set(c, 4);
    expect([m.get(a), m.get(b), m.get(c), m.has(id(2))]).toEqual([3, 2, 4, false]);
  });

  it('copies ids, so a reused buffer or a view at an offset is safe', () => {
    const table = Buffer.concat([id(1), id(2), id(3)]);
    const s = new ChunkIdSet();
    for (let k = 0; k < 3; k++) s.add(table, k * 32);
    const kept = Buffer.from(table);
    table.fill(0);
    expect([s.has(kept.subarray(0, 32)), s.has(kept, 32), s.has(kept.subarray(64)), s.size]).toEqual([
      true,
      true,
      true,
      3,
    ]);
    expect(s.has(table, 0)).toBe(false);
  });

  it('grows past its first table and finds every id (10 000 ids)', () => {
    const m = new ChunkIdMap<number>();
    for (let i = 0; i < 10_000; i++) m.set(id(i), i);
    let found = 0;
    for (let i = 0; i < 10_000; i++) if (m.get(id(i)) === i) found++;
    expect([found, m.size, m.has(id(10_000))]).toEqual([10_000, 10_000, false]);
    expect(new ChunkIdSet([id(1), id(1), id(2)]).size).toBe(2);
  });

  it('sameChunkId compares all 32 bytes at the given offsets', () => {
    const a = id(5);
    const pair = Buffer.concat([Buffer.alloc(7), a]);
    expect(sameChunkId(pair, 7, a)).toBe(true);
    expect(sameChunkId(pair, 7, samePrefix(a, a[31] ^ 1))).toBe(false);
  });
});
