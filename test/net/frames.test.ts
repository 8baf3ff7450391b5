import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWarpError } from '../../src/engine/core/errors.ts';
import { looksLikePeerAddress, parsePeerAddress, splitRemotePath } from '../../src/engine/net/address.ts';
import { FrameParser, encodeFrame, MAX_HEADER_BYTES } from '../../src/engine/net/frames.ts';

const ID = '12D3KooWGMGYLcb6AtqZ3sjzb6zPQR4bQ9CXZnbZoXtehpZ72FtS';

describe('frames', () => {
  it('round-trip however the bytes are split (header in MessagePack, payload untouched)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ n: fc.integer(), s: fc.string({ maxLength: 50 }), p: fc.uint8Array({ maxLength: 3000 }) }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }),
        (frames, cuts) => {
          const wire = Buffer.concat(frames.map((f) => encodeFrame({ t: 'x', n: f.n, s: f.s }, f.p)));
          const parser = new FrameParser();
          const got: Array<{ n: unknown; s: unknown; p: Buffer }> = [];
          let off = 0;
          let k = 0;
          while (off < wire.length) {
            const len = Math.min(cuts[k++ % cuts.length], wire.length - off);
            parser.push(wire.subarray(off, off + len));
            off += len;
            for (let f = parser.next(); f; f = parser.next()) got.push({ n: f.h.n, s: f.h.s, p: Buffer.from(f.p) });
          }
          expect(got.map((g) => [g.n, g.s, g.p.toString('hex')])).toEqual(
            frames.map((f) => [f.n, f.s, Buffer.from(f.p).toString('hex')]),
          );
          expect(parser.buffered).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects oversized lengths before buffering, and headers that are not typed maps', () => {
    const bad = (bytes: Buffer): string => {
      const p = new FrameParser(undefined, 1024);
      p.push(bytes);
      try {
        p.next();
        return 'accepted';
      } catch (e) {
        return isWarpError(e) ? e.code : 'raw';
      }
    };
    const prefix = (h: number, pl: number): Buffer => {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(h, 0);
      b.writeUInt32BE(pl, 4);
      return b;
    };
    expect(bad(prefix(MAX_HEADER_BYTES + 1, 0))).toBe('E_PROTOCOL');
    expect(bad(prefix(0, 0))).toBe('E_PROTOCOL');
    expect(bad(prefix(4, 2000))).toBe('E_PROTOCOL');
    expect(bad(Buffer.concat([prefix(1, 0), Buffer.from([0x05])]))).toBe('E_PROTOCOL'); // a number, not a map
    expect(bad(Buffer.concat([prefix(3, 0), Buffer.from([0x81, 0xa1, 0x74]).subarray(0, 3)]))).toBe('E_PROTOCOL');
    // Arbitrary bytes never throw anything but E_PROTOCOL.
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 200 }), (b) => {
        const r = bad(Buffer.from(b));
        expect(['accepted', 'E_PROTOCOL']).toContain(r);
      }),
      { numRuns: 500 },
    );
  });
});

describe('peer addresses', () => {
  it('parses host:port, id@host:port and multiaddrs; splits remote paths', () => {
    expect(parsePeerAddress('127.0.0.1:9000')).toMatchObject({ host: '127.0.0.1', port: 9000, peerId: undefined });
    expect(parsePeerAddress(`${ID}@127.0.0.1:9000`)).toMatchObject({ host: '127.0.0.1', port: 9000, peerId: ID });
    expect(parsePeerAddress(`/ip4/127.0.0.1/udp/9000/quic-v1/p2p/${ID}`)).toMatchObject({
      port: 9000,
      peerId: ID,
      transport: 'quic',
    });
    expect(parsePeerAddress('/ip4/127.0.0.1/tcp/9001')).toMatchObject({ port: 9001, transport: 'tcp' });
    expect(() => parsePeerAddress('nohost:99999')).toThrow(/port/);
    expect(() => parsePeerAddress('bad@127.0.0.1:1')).toThrow(/invalid peer id/);
    expect(splitRemotePath(`${ID}@127.0.0.1:9000:/a/b`)).toEqual({
      address: `${ID}@127.0.0.1:9000`,
      remotePath: '/a/b',
    });
    expect(splitRemotePath('/ip4/127.0.0.1/tcp/1:/x')).toEqual({ address: '/ip4/127.0.0.1/tcp/1', remotePath: '/x' });
    expect(looksLikePeerAddress('backup.warp')).toBe(false);
    expect(looksLikePeerAddress('out/dir')).toBe(false);
    expect(looksLikePeerAddress('host.lan:7654:/x')).toBe(true);
    expect(looksLikePeerAddress(`${ID}@10.0.0.2:7654`)).toBe(true);
  });
});
