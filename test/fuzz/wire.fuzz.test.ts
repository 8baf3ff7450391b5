/**
 * Frames of every type of every protocol and direction (test/helpers/wire-examples.ts) with fields replaced by
 * values of any type, fields added and removed, payload lengths anywhere up to 4 GiB, and random bytes cut at
 * random places: the parser (the one place frames are checked, src/engine/net/wire.ts) either gives a header
 * that its schema accepts again, with every field of the type the example has, or refuses with E_PROTOCOL.
 * Never another error, never a crash, never a payload longer than its type allows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWarpError } from '../../src/engine/core/errors.ts';
import { FrameParser, encodeFrameHead, type FrameHeader } from '../../src/engine/net/frames.ts';
import { WIRE, type FrameTable } from '../../src/engine/net/wire.ts';
import { WIRE_EXAMPLES } from '../helpers/wire-examples.ts';
import { fuzzTimeout, runFuzz } from './harness.ts';

type Outcome =
  | { kind: 'frame'; h: Record<string, unknown>; p: Uint8Array }
  | { kind: 'incomplete' }
  | { kind: 'refused'; code: string };

function parseAll(table: FrameTable, pieces: Uint8Array[]): Outcome {
  const parser = new FrameParser(table);
  try {
    for (const piece of pieces) {
      parser.push(piece);
      const f = parser.next();
      if (f) return { kind: 'frame', h: f.h as Record<string, unknown>, p: f.p };
    }
    return { kind: 'incomplete' };
  } catch (e) {
    return { kind: 'refused', code: isWarpError(e) ? e.code : `raw ${(e as Error).stack}` };
  }
}

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Cuts bytes at the given points. */
function cut(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    if (c > prev) out.push(bytes.subarray(prev, c));
    prev = Math.max(prev, c);
  }
  return out;
}

describe('wire frames, fuzzed', () => {
  it(
    'every frame type with fields of any type, extra and missing fields and any payload length',
    async () => {
      const mutated = fc.record({
        ex: fc.constantFrom(...WIRE_EXAMPLES),
        replace: fc.array(
          fc.tuple(fc.nat(), fc.anything({ maxDepth: 2, maxKeys: 4, withNullPrototype: true, withTypedArray: true })),
          { maxLength: 3 },
        ),
        drop: fc.array(fc.nat(), { maxLength: 2 }),
        extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 1 }), { maxKeys: 3 }),
        payload: fc.oneof(fc.constant(-1), fc.nat({ max: 64 }), fc.integer({ min: 0, max: 0xffff_ffff })),
        cuts: fc.array(fc.nat(), { maxLength: 4 }),
      });
      await runFuzz(
        'wire frames (structure-aware)',
        fc.asyncProperty(mutated, async ({ ex, replace, drop, extra, payload, cuts }) => {
          const keys = Object.keys(ex.h).filter((k) => k !== 't');
          const h: Record<string, unknown> = { ...extra, ...ex.h };
          for (const [k, v] of replace) if (keys.length > 0) h[keys[k % keys.length]] = v;
          for (const k of drop) if (keys.length > 0) delete h[keys[k % keys.length]];
          h.t = ex.h.t;
          const pl = payload === -1 ? (ex.p?.length ?? 0) : payload;
          let head: Buffer;
          try {
            head = encodeFrameHead(h as FrameHeader, pl);
          } catch {
            return;
          } // too large to encode: not a frame
          // The payload is only sent when small; a large one is announced and never arrives.
          const body = pl <= 4096 ? new Uint8Array(pl).fill(3) : new Uint8Array(0);
          const table = WIRE[ex.protocol][ex.dir];
          const got = parseAll(table, cut(Buffer.concat([head, body]), cuts));
          if (got.kind === 'refused') {
            expect(got.code).toBe('E_PROTOCOL');
            return;
          }
          if (got.kind === 'incomplete') {
            expect(pl).toBeGreaterThan(4096);
            return;
          }
          // Accepted: its schema accepts it again unchanged, each known field has the example's type, and the
          // payload is within its type's limit.
          const again = new FrameParser(table);
          again.push(Buffer.concat([encodeFrameHead(got.h as FrameHeader, got.p.length), got.p]));
          expect(again.next()!.h).toEqual(got.h);
          for (const k of Object.keys(got.h)) {
            if (k === 't' || ex.h[k] === undefined || got.h[k] === undefined) continue;
            if (typeOf(ex.h[k]) === 'null' || typeOf(got.h[k]) === 'null') continue; // nullable fields (found.path)
            expect(typeOf(got.h[k]), `${ex.h.t}.${k}`).toBe(typeOf(ex.h[k]));
          }
          expect(Object.keys(got.h).every((k) => k === 't' || k in ex.h || got.h[k] === undefined)).toBe(true);
          expect(got.p.length).toBeLessThanOrEqual(
            (table as Record<string, { maxPayload: number }>)[ex.h.t].maxPayload,
          );
        }),
        3000,
      );
    },
    fuzzTimeout(60_000),
  );

  it(
    'random bytes, alone or after a valid frame prefix, cut anywhere',
    async () => {
      const input = fc.record({
        ex: fc.constantFrom(...WIRE_EXAMPLES),
        keep: fc.nat({ max: 64 }),
        tail: fc.uint8Array({ maxLength: 300 }),
        cuts: fc.array(fc.nat(), { maxLength: 5 }),
      });
      await runFuzz(
        'wire frames (bytes)',
        fc.asyncProperty(input, async ({ ex, keep, tail, cuts }) => {
          const head = encodeFrameHead(ex.h, ex.p?.length ?? 0);
          const bytes = Buffer.concat([head.subarray(0, Math.min(keep, head.length)), tail]);
          const got = parseAll(WIRE[ex.protocol][ex.dir], cut(bytes, cuts));
          if (got.kind === 'refused') expect(got.code).toBe('E_PROTOCOL');
        }),
        2000,
      );
    },
    fuzzTimeout(60_000),
  );
});
