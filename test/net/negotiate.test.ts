import { describe, expect, it } from 'vitest';
import { localCaps, negotiate, type Capabilities } from '../../src/engine/transfer/protocol.ts';

const mine = localCaps({ streams: 8, window: 64, compress: true });
const peer = (v: number, vmax?: number): Capabilities => ({
  v,
  ...(vmax === undefined ? {} : { vmax }),
  agent: 'peer',
  codecs: ['raw'],
  maxChunk: 1 << 20,
  streams: 4,
  window: 32,
});

describe('protocol version negotiation', () => {
  it('uses the highest version both speak; a first-release peer (v only) gets version 1', () => {
    expect(mine).toMatchObject({ v: 1, vmax: 3 });
    expect(negotiate(mine, peer(1)).version).toBe(1);
    // A protocol-2 peer gets the whole-manifest push; 3 and newer the paged one (transfer/paged-push.ts).
    expect(negotiate(mine, peer(1, 2)).version).toBe(2);
    expect(negotiate(mine, peer(1, 3)).version).toBe(3);
    expect(negotiate(mine, peer(2, 7)).version).toBe(3);
    const n = negotiate(mine, peer(1, 2));
    expect(n).toMatchObject({ streams: 4, window: 32, maxChunk: 1 << 20, compress: false });
  });

  it('refuses a peer whose versions do not overlap ours, naming both ranges', () => {
    expect(() => negotiate(mine, peer(4, 5))).toThrow(/1-3.*update the older side|4-5/);
    try {
      negotiate(mine, peer(4, 5));
    } catch (e) {
      expect((e as { code: string }).code).toBe('E_PROTOCOL');
    }
  });
});
