import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnWarp } from '../transfer/peers.ts';
import { SWARM_ENV, events, makeSwarm, sameTree, startPeers, type Json } from './swarm-peers.ts';

const parse = (stdout: string): Json[] => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Json);

async function fetchSwarm(home: string, args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; json: Json[]; stderr: string }> {
  const f = spawnWarp(home, ['--json', 'fetch', ...args], { ...SWARM_ENV, ...env });
  const r = await f.done;
  return { status: r.status, json: parse(r.stdout), stderr: r.stderr };
}

describe('swarm fetch from several real listeners (127.0.0.1)', () => {
  it('four peers with different rate limits: byte-identical, faster peers serve more', async () => {
    const s = makeSwarm(4, 4, 1_500_000);
    const rates = ['4MB', '2MB', '1MB', '500KB'];
    const peers = await startPeers(s, rates.map((r) => ['--rate-limit', r]));
    try {
      const out = path.join(s.dir, 'out');
      const r = await fetchSwarm(s.home, [`${peers[0].addr}:/data`, out, '--from', ...peers.slice(1).map((p) => p.addr)]);
      expect(r.status, r.stderr).toBe(0);
      expect(sameTree(s.src, path.join(out, 'data'))).toBe(true);
      const result = r.json.at(-1)!;
      expect(result.type).toBe('result');
      const per = result.perEdge as { edge: number; bytes: number }[];
      const bytes = per.map((p) => p.bytes);
      expect(bytes.reduce((a, b) => a + b, 0)).toBe(6_000_000);
      // The fastest peer serves more than the slowest, and more than its equal share.
      expect(bytes[0]).toBeGreaterThan(bytes[3]);
      expect(bytes[0]).toBeGreaterThan(6_000_000 / 4);
      for (const t of ['swarm.start', 'swarm.edges', 'swarm.done', 'transfer.done']) expect(events(r.json, t).length, t).toBeGreaterThan(0);
      const snap = (events(r.json, 'swarm.edges').at(-1)!.edges as Json[])[0];
      for (const k of ['bandwidth', 'srttMs', 'rttVarMs', 'health', 'rate', 'state', 'eligible']) expect(snap, k).toHaveProperty(k);
      expect(fs.existsSync(path.join(s.home, 'swarm', 'edges.json'))).toBe(true);
    } finally {
      await Promise.all(peers.map((p) => p.stop()));
    }
  }, 90_000);
});
