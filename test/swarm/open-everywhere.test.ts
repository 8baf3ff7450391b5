/**
 * A swarm fetch by path opens the path on every source at once (swarm/fetch.ts openEverywhere): a source that
 * answers with the same Merkle root holds every chunk and is not asked `have` (a second scan of its tree); one
 * with another tree is asked `have`; one that lacks the path is dialled again and asked `have` too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnWarp } from '../transfer/peers.ts';
import { SWARM_ENV, makeSwarm, parseLines, sameTree, startPeers, stopAll } from './swarm-peers.ts';

describe('swarm fetch: open everywhere', () => {
  it('asks `have` only of the sources whose tree differs or that lack the path', async () => {
    const s = makeSwarm(4, 3, 300_000);
    fs.rmSync(path.join(s.roots[2], 'data', 'f1.bin')); // another tree: a subset
    fs.rmSync(path.join(s.roots[3], 'data'), { recursive: true }); // no such path
    const peers = await startPeers(s, [[], [], [], []]);
    try {
      const out = path.join(s.dir, 'out');
      const f = spawnWarp(
        s.home,
        ['--json', 'fetch', `${peers[0].addr}:/data`, out, '--from', ...peers.slice(1).map((p) => p.addr)],
        { ...SWARM_ENV, WARP_TRACE: '1' },
      );
      const r = await f.done;
      expect(r.status, r.stderr).toBe(0);
      expect(sameTree(s.src, path.join(out, 'data'))).toBe(true);
      const asked = [...r.stderr.matchAll(/'have' answered by edge (\d)/g)].map((m) => Number(m[1])).sort();
      expect(asked).toEqual([2, 3]);
      const result = parseLines(r.stdout).at(-1)!;
      const perEdge = result.perEdge as { state: string }[];
      expect(perEdge.map((p) => p.state)).not.toContain('offline');
    } finally {
      await stopAll(peers);
    }
  }, 90_000);
});
