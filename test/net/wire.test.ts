import { describe, expect, it } from 'vitest';
import { isWarpError } from '../../src/engine/core/errors.ts';
import { FrameParser, encodeFrame, encodeFrameHead } from '../../src/engine/net/frames.ts';
import { WIRE } from '../../src/engine/net/wire.ts';
import { WIRE_EXAMPLES, type WireExample } from '../helpers/wire-examples.ts';

const parse = (
  ex: Pick<WireExample, 'protocol' | 'dir'>,
  bytes: Uint8Array,
): { h: Record<string, unknown>; p: Uint8Array } | string => {
  const parser = new FrameParser(WIRE[ex.protocol][ex.dir]);
  parser.push(bytes);
  try {
    return parser.next() ?? 'incomplete';
  } catch (e) {
    return isWarpError(e) ? e.code : `raw: ${(e as Error).message}`;
  }
};

describe('the typed wire schema', () => {
  it('the examples cover every frame type of every protocol and direction', () => {
    const covered = new Set(WIRE_EXAMPLES.map((x) => `${x.protocol} ${x.dir} ${x.h.t}`));
    for (const [protocol, sides] of Object.entries(WIRE)) {
      for (const dir of ['requests', 'answers'] as const) {
        for (const t of Object.keys(sides[dir]))
          expect(covered, `${protocol} ${dir} ${t}`).toContain(`${protocol} ${dir} ${t}`);
      }
    }
  });

  it('a valid frame of each type arrives as a typed header with its payload untouched; unknown fields are dropped', () => {
    for (const ex of WIRE_EXAMPLES) {
      const got = parse(ex, encodeFrame({ ...ex.h, future: 1 }, ex.p));
      expect(typeof got, `${ex.protocol} ${ex.h.t}`).toBe('object');
      const f = got as { h: Record<string, unknown>; p: Uint8Array };
      expect(f.h).toEqual(ex.h);
      expect(Buffer.from(f.p).equals(Buffer.from(ex.p ?? new Uint8Array(0)))).toBe(true);
    }
  });

  it('each field of each type with a value of the wrong type is E_PROTOCOL, never anything else', () => {
    const wrong: unknown[] = [null, 'x', -1, 1.5, 2 ** 53, true, [], {}, { toString: 1 }, new Uint8Array(3)];
    let refused = 0;
    for (const ex of WIRE_EXAMPLES) {
      for (const k of Object.keys(ex.h).filter((k) => k !== 't')) {
        for (const w of wrong) {
          const got = parse(ex, encodeFrame({ ...ex.h, [k]: w }, ex.p));
          if (typeof got === 'string') {
            expect(got, `${ex.h.t}.${k} = ${JSON.stringify(w)}`).toBe('E_PROTOCOL');
            refused++;
          }
        }
        // A missing required field (the optional ones may be left out).
        const { [k]: _, ...rest } = ex.h;
        const got = parse(ex, encodeFrame(rest as typeof ex.h, ex.p));
        if (typeof got === 'string') expect(got).toBe('E_PROTOCOL');
      }
    }
    expect(refused).toBeGreaterThan(300);
  });

  it('a type the other side may not send is refused, and so is a request where an answer belongs', () => {
    const req = WIRE_EXAMPLES.find((x) => x.h.t === 'open')!;
    expect(parse({ ...req, dir: 'answers' }, encodeFrame(req.h))).toBe('E_PROTOCOL');
    expect(parse(req, encodeFrame({ t: 'nonsense' }))).toBe('E_PROTOCOL');
    expect(parse(req, encodeFrame({ t: '__proto__' }))).toBe('E_PROTOCOL');
    expect(parse(req, encodeFrame({ t: 'toString' }))).toBe('E_PROTOCOL');
  });

  it('a payload longer than the type allows is refused as soon as the header is in, before a payload byte arrives', () => {
    const ping = WIRE_EXAMPLES.find((x) => x.h.t === 'ping')!;
    expect(parse(ping, encodeFrameHead(ping.h, 1))).toBe('E_PROTOCOL');
    const get = WIRE_EXAMPLES.find((x) => x.h.t === 'get')!;
    expect(parse(get, encodeFrameHead(get.h, 64 * 1024 * 1024))).toBe('E_PROTOCOL');
    // A get whose ids do not match its count, a preposition whose lens do not add up, a have bitmap of the wrong size.
    expect(parse(get, encodeFrame(get.h, new Uint8Array(65)))).toBe('E_PROTOCOL');
    const pre = WIRE_EXAMPLES.find((x) => x.h.t === 'preposition')!;
    expect(parse(pre, encodeFrame(pre.h, new Uint8Array(74)))).toBe('E_PROTOCOL');
    const have = WIRE_EXAMPLES.find((x) => x.h.t === 'have' && x.dir === 'answers')!;
    expect(parse(have, encodeFrame(have.h, new Uint8Array(3)))).toBe('E_PROTOCOL');
    // A batched answer whose lengths do not add up to its payload, whose arrays differ in length, whose payload
    // for a chunk exceeds that chunk's raw size, or that answers past what a request may hold.
    const chunks = WIRE_EXAMPLES.find((x) => x.h.t === 'chunks')!;
    expect(parse(chunks, encodeFrame(chunks.h, new Uint8Array(611)))).toBe('E_PROTOCOL');
    expect(parse(chunks, encodeFrame({ ...chunks.h, c: [0, 1] }, chunks.p))).toBe('E_PROTOCOL');
    expect(parse(chunks, encodeFrame({ ...chunks.h, r: [10, 500, 0] }, chunks.p))).toBe('E_PROTOCOL');
    expect(parse(chunks, encodeFrame({ ...chunks.h, i: 1023 }, chunks.p))).toBe('E_PROTOCOL');
    expect(parse(chunks, encodeFrameHead(chunks.h, 2 * 1024 * 1024))).toBe('E_PROTOCOL');
    // A valid header whose payload is still on the way waits for it.
    const chunk = WIRE_EXAMPLES.find((x) => x.h.t === 'chunk')!;
    expect(parse(chunk, encodeFrameHead(chunk.h, 700))).toBe('incomplete');
  });

  it('non-string paths, destinations and session ids are refused by the schema (no folder named [object Object])', () => {
    for (const [t, k] of [
      ['open', 'path'],
      ['push', 'dest'],
      ['plan', 'dest'],
      ['have', 'path'],
      ['push', 'sid'],
    ] as const) {
      const ex = WIRE_EXAMPLES.find((x) => x.h.t === t && x.dir === 'requests')!;
      for (const v of [{ a: 1 }, ['a'], 42, true])
        expect(parse(ex, encodeFrame({ ...ex.h, [k]: v }, ex.p))).toBe('E_PROTOCOL');
    }
  });

  it('an event of a type this build does not relay reads as null (a newer peer), a malformed known one is refused', () => {
    const ev = WIRE_EXAMPLES.find((x) => x.h.t === 'event')!;
    const got = parse(ev, encodeFrame({ t: 'event', e: { type: 'transfer.future', x: 1 } }));
    expect(typeof got === 'object' && got.h.e).toBe(null);
    expect(parse(ev, encodeFrame({ t: 'event', e: { type: 'transfer.paused', session: 's', paused: 'yes' } }))).toBe(
      'E_PROTOCOL',
    );
    expect(parse(ev, encodeFrame({ t: 'event', e: 'x' }))).toBe('E_PROTOCOL');
  });
});
