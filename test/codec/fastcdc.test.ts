import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHUNKER, FastCdc, paramsForAverage, type ChunkerParams } from '../../src/engine/codec/fastcdc.ts';

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}
function randomBytes(n: number, seed: number): Uint8Array {
  const r = prng(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r() & 0xff;
  return b;
}

/** Chunks `data` fed in the given read sizes, the way the archive pipeline feeds it. */
function chunkStreamed(cdc: FastCdc, data: Uint8Array, reads: number[]): number[] {
  const out: number[] = [];
  const st = cdc.newState();
  let chunkStart = 0;
  let fed = 0;
  let scan = 0;
  let r = 0;
  while (fed < data.length) {
    const n = Math.max(1, reads.length ? reads[r++ % reads.length] : data.length);
    fed = Math.min(data.length, fed + n);
    while (scan < fed) {
      const c = cdc.findCut(st, data, scan, fed);
      if (c < 0) {
        scan = fed;
        break;
      }
      out.push(c - chunkStart);
      chunkStart = scan = c;
    }
  }
  if (chunkStart < data.length) out.push(data.length - chunkStart);
  return out;
}

const SMALL: ChunkerParams = { minSize: 256, avgSize: 1024, maxSize: 4096 };

describe('FastCDC', () => {
  it('chunks concatenate to the input and respect the size bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 1, max: 2 ** 31 }), (n, seed) => {
        const cdc = new FastCdc(SMALL);
        const data = randomBytes(n, seed);
        const lens = cdc.chunkLengths(data);
        expect(lens.reduce((a, b) => a + b, 0)).toBe(n);
        lens.forEach((l, i) => {
          expect(l).toBeLessThanOrEqual(SMALL.maxSize);
          if (i < lens.length - 1) expect(l).toBeGreaterThanOrEqual(SMALL.minSize);
          expect(l).toBeGreaterThan(0);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('cut points do not depend on how the input is split into reads', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40_000 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 10 }),
        (n, seed, reads) => {
          const cdc = new FastCdc(SMALL);
          const data = randomBytes(n, seed);
          expect(chunkStreamed(cdc, data, reads)).toEqual(cdc.chunkLengths(data));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a local edit moves only nearby cut points', () => {
    const cdc = new FastCdc(SMALL);
    const data = randomBytes(200_000, 7);
    const edited = new Uint8Array(data.length + 10);
    edited.set(data.subarray(0, 100_000));
    edited.set(randomBytes(10, 99), 100_000); // insert 10 bytes in the middle
    edited.set(data.subarray(100_000), 100_010);
    const cutsOf = (lens: number[]): number[] => {
      let s = 0;
      return lens.map((l) => (s += l));
    };
    const a = cutsOf(cdc.chunkLengths(data));
    const b = cutsOf(cdc.chunkLengths(edited));
    // Before the edit, identical cuts; after it, cuts are identical shifted by 10 once resynchronised.
    expect(b.filter((c) => c < 100_000 - SMALL.maxSize)).toEqual(a.filter((c) => c < 100_000 - SMALL.maxSize));
    const after = (cuts: number[], shift: number) =>
      new Set(cuts.filter((c) => c > 100_000 + 2 * SMALL.maxSize).map((c) => c - shift));
    const sa = after(a, 0);
    const sb = after(b, 10);
    const common = [...sa].filter((c) => sb.has(c)).length;
    expect(common).toBeGreaterThanOrEqual(sa.size - 1);
    expect(sa.size).toBeGreaterThan(20);
  });

  it('average chunk size is near the target on random data', () => {
    const cdc = new FastCdc({ minSize: 2048, avgSize: 8192, maxSize: 32768 });
    const lens = cdc.chunkLengths(randomBytes(4_000_000, 3));
    const avg = 4_000_000 / lens.length;
    expect(avg).toBeGreaterThan(8192 * 0.75);
    expect(avg).toBeLessThan(8192 * 1.6);
  });

  it('forces a cut at maxSize on data with no natural boundary (all zeros)', () => {
    const cdc = new FastCdc(SMALL);
    const lens = cdc.chunkLengths(new Uint8Array(20_000));
    expect(lens.slice(0, -1).every((l) => l === SMALL.maxSize || l >= SMALL.minSize)).toBe(true);
    expect(Math.max(...lens)).toBeLessThanOrEqual(SMALL.maxSize);
  });

  it('validates parameters', () => {
    expect(() => new FastCdc({ minSize: 10, avgSize: 5, maxSize: 100 })).toThrow(/chunk sizes/);
    expect(paramsForAverage(1 << 20)).toEqual(DEFAULT_CHUNKER);
  });
});
