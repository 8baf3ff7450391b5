import { describe, expect, it } from 'vitest';
import { archiveLink, linkedArchive } from '../../src/renderer/route.ts';

describe('archive links (#/archive?path=)', () => {
  it('round-trips any path, spaces, #, ? and & included', () => {
    for (const p of ['/home/me/a.warp', 'C:\\Users\\me\\x y.warp', '/odd/#1?&=.warp'])
      expect(linkedArchive(archiveLink(p))).toBe(p);
  });
  it('other hashes name no archive', () => {
    for (const h of ['', '#/archive', '#/sync?path=/a.warp', '#/archive?path=', '#/archive?p=/a.warp'])
      expect(linkedArchive(h)).toBeUndefined();
  });
});
