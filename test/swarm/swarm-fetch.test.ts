import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnWarp } from '../transfer/peers.ts';
import { listFiles } from '../helpers/tmp.ts';
import { warp } from '../helpers/cli.ts';
import { SWARM_ENV, events, makeSwarm, parseLines, sameTree, startPeers, stopAll, type Json } from './swarm-peers.ts';

interface Fetched {
  status: number | null;
  json: Json[];
  stderr: string;
  result: Json;
}

/** Runs `warp --json fetch …`; `onStart` runs when the swarm starts pulling (to kill or slow a peer then). */
async function fetchSwarm(home: string, args: string[], onStart?: () => void): Promise<Fetched> {
  const f = spawnWarp(home, ['--json', 'fetch', ...args], SWARM_ENV);
  if (onStart) {
    let buf = '';
    const on = (d: Buffer): void => {
      buf += d.toString();
      if (buf.includes('"type":"swarm.start"')) {
        f.proc.stdout!.off('data', on);
        onStart();
      }
    };
    f.proc.stdout!.on('data', on);
  }
  const r = await f.done;
  const json = parseLines(r.stdout);
  return { status: r.status, json, stderr: r.stderr, result: json.at(-1) ?? {} };
}

const perEdgeBytes = (r: Fetched): number[] => (r.result.perEdge as { bytes: number }[]).map((p) => p.bytes);
const lastEdges = (r: Fetched): Json[] => events(r.json, 'swarm.edges').at(-1)!.edges as Json[];

describe('swarm fetch from several real listeners (127.0.0.1)', () => {
  it('four peers with different rate limits: byte-identical, faster peers serve more', async () => {
    const s = makeSwarm(4, 4, 1_500_000);
    const peers = await startPeers(
      s,
      ['4MB', '2MB', '1MB', '500KB'].map((r) => ['--rate-limit', r]),
    );
    try {
      const out = path.join(s.dir, 'out');
      const r = await fetchSwarm(s.home, [
        `${peers[0].addr}:/data`,
        out,
        '--from',
        ...peers.slice(1).map((p) => p.addr),
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(sameTree(s.src, path.join(out, 'data'))).toBe(true);
      expect(r.result.type).toBe('result');
      const bytes = perEdgeBytes(r);
      expect(bytes.reduce((a, b) => a + b, 0)).toBe(6_000_000);
      // Proportional service: the fastest peer serves more than its equal share and more than the slowest.
      expect(bytes[0]).toBeGreaterThan(6_000_000 / 4);
      expect(bytes[0]).toBeGreaterThan(bytes[3]);
      expect(bytes[1]).toBeGreaterThan(bytes[3]);
      for (const t of ['swarm.start', 'swarm.edges', 'swarm.done', 'transfer.done'])
        expect(events(r.json, t).length, t).toBeGreaterThan(0);
      const snap = lastEdges(r)[0];
      for (const k of [
        'bandwidth',
        'srttMs',
        'rttVarMs',
        'health',
        'rate',
        'state',
        'eligible',
        'assigned',
        'inFlight',
        'completed',
      ])
        expect(snap, k).toHaveProperty(k);
      expect(snap.srttMs as number).toBeGreaterThan(0);
      // The registry remembers every peer with its estimates.
      const reg = JSON.parse(fs.readFileSync(path.join(s.home, 'swarm', 'edges.json'), 'utf8')) as { peers: Json[] };
      expect(reg.peers.map((p) => p.peer).sort()).toEqual(peers.map((p) => p.peerId).sort());
      expect(reg.peers.every((p) => (p.bandwidth as number) > 0 && p.state !== 'offline')).toBe(true);
      const shown = warp(['--json', 'swarm', 'edges'], { home: s.home });
      expect(shown.status, shown.stderr).toBe(0);
      expect(
        events(shown.json, 'swarm.edge')
          .map((e) => e.peer)
          .sort(),
      ).toEqual(peers.map((p) => p.peerId).sort());
    } finally {
      await stopAll(peers);
    }
  }, 90_000);

  it('a peer killed mid-transfer: the download completes and the failover is recorded', async () => {
    // ~3 s of work at 4 x 1 MB/s: the death (noticed after about a second of silence) comes well before the end.
    const s = makeSwarm(4, 4, 2_500_000);
    const peers = await startPeers(s, peersArgs(4, ['--rate-limit', '1MB']));
    try {
      const out = path.join(s.dir, 'out');
      const r = await fetchSwarm(
        s.home,
        [`${peers[0].addr}:/data`, out, '--from', ...peers.slice(1).map((p) => p.addr)],
        () => {
          setTimeout(() => peers[2].proc.kill('SIGKILL'), 400);
        },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(sameTree(s.src, path.join(out, 'data'))).toBe(true);
      expect(lastEdges(r)[2].state).toBe('offline');
      expect(events(r.json, 'swarm.trigger').some((e) => e.kind === 'edge-left' && e.edge === 2)).toBe(true);
      const lat = r.result.failoverLatencyMs as { edge: number; reassignedMs: number; firstMs: number }[];
      expect(lat.some((l) => l.edge === 2)).toBe(true);
      expect(events(r.json, 'swarm.failover').some((e) => e.fromEdge === 2 && e.toEdge !== 2)).toBe(true);
      expect(r.result.failovers as number).toBeGreaterThan(0);
    } finally {
      await stopAll(peers);
    }
  }, 90_000);

  it('a peer that dies on its own (--die-after) is detected by its silence; the download completes', async () => {
    const s = makeSwarm(2, 3, 1_500_000);
    const peers = await startPeers(s, [
      ['--rate-limit', '1MB'],
      ['--rate-limit', '1MB', '--die-after', '0.5'],
    ]);
    try {
      const out = path.join(s.dir, 'out');
      const r = await fetchSwarm(s.home, [`${peers[0].addr}:/data`, out, '--from', peers[1].addr]);
      expect(r.status, r.stderr).toBe(0);
      expect(sameTree(s.src, path.join(out, 'data'))).toBe(true);
      expect(peers[1].proc.exitCode ?? peers[1].proc.signalCode).not.toBeNull();
      expect(lastEdges(r)[1].state).toBe('offline');
      expect(events(r.json, 'swarm.trigger').some((e) => e.kind === 'edge-left' && e.edge === 1)).toBe(true);
    } finally {
      await stopAll(peers);
    }
  }, 90_000);

  it('a peer slowed mid-transfer: drift is detected and re-optimisation moves its chunks', async () => {
    const s = makeSwarm(4, 8, 1_500_000);
    const args = peersArgs(4, ['--rate-limit', '1500KB']);
    args[3] = ['--rate-limit', '1500KB', '--slow-after', '0.8:60KB'];
    const peers = await startPeers(s, args);
    try {
      const out = path.join(s.dir, 'out');
      const r = await fetchSwarm(s.home, [
        `${peers[0].addr}:/data`,
        out,
        '--from',
        ...peers.slice(1).map((p) => p.addr),
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(sameTree(s.src, path.join(out, 'data'))).toBe(true);
      expect(
        events(r.json, 'swarm.drift').some((e) => e.edge === 3 && e.drifting === true && (e.drift as number) > 0),
      ).toBe(true);
      expect(events(r.json, 'swarm.trigger').some((e) => e.kind === 'drift' && e.edge === 3)).toBe(true);
      expect(r.result.driftDetected).toContain(3);
      const moved = events(r.json, 'swarm.reopt').filter(
        (e) => e.level !== 'none' && (e.moved as number) > 0 && String(e.reason).includes('drift'),
      );
      expect(moved.length, JSON.stringify(events(r.json, 'swarm.reopt'))).toBeGreaterThan(0);
      // The slowed peer ends with far less than an equal share.
      expect(perEdgeBytes(r)[3]).toBeLessThan(12_000_000 / 4);
    } finally {
      await stopAll(peers);
    }
  }, 90_000);

  it('metered and low-battery peers are avoided while another can serve; a peer outside its time window gets no work', async () => {
    const s = makeSwarm(4, 3, 1_000_000);
    const args = peersArgs(4, ['--rate-limit', '2MB']);
    args[2] = ['--rate-limit', '2MB', '--metered'];
    args[3] = ['--rate-limit', '2MB', '--battery', '10'];
    const peers = await startPeers(s, args);
    try {
      // A required window that does not contain the current time (UTC).
      const now = new Date();
      const hh = (h: number): string => `${String((now.getUTCHours() + h) % 24).padStart(2, '0')}:00`;
      const rule = `${peers[1].peerId} window=required@${hh(2)}-${hh(3)}`;
      const out = path.join(s.dir, 'out');
      const r = await fetchSwarm(s.home, [
        `${peers[0].addr}:/data`,
        out,
        '--from',
        ...peers.slice(1).map((p) => p.addr),
        '--peer-rule',
        rule,
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(sameTree(s.src, path.join(out, 'data'))).toBe(true);
      const bytes = perEdgeBytes(r);
      expect(bytes[2], 'metered peer').toBe(0);
      expect(bytes[1], 'peer outside its window').toBe(0);
      expect(bytes[3], 'peer on a low battery').toBe(0);
      expect(bytes[0]).toBe(3_000_000);
      const snap = lastEdges(r);
      expect(snap[2].metered).toBe(true);
      expect(snap[2].eligible).toBe(false);
      expect(snap[1].eligible).toBe(false);
      expect(snap[3].batteryLow).toBe(true);
      expect(snap[3].eligible).toBe(false);
    } finally {
      await stopAll(peers);
    }
  }, 90_000);

  it('peers holding different subsets: the download completes from their union; a failing peer is routed around, a metered one used when needed', async () => {
    const s = makeSwarm(3, 4, 800_000);
    // Peer 1 holds f0 and f1 only, peer 2 f2 and f3; peer 0 has everything but fails every chunk.
    for (const f of ['f2.bin', 'f3.bin']) fs.rmSync(path.join(s.roots[1], 'data', f));
    for (const f of ['f0.bin', 'f1.bin']) fs.rmSync(path.join(s.roots[2], 'data', f));
    // Peer 2 is metered: held back while another holder could serve, but the only working source of f2 and f3.
    const peers = await startPeers(s, [
      ['--fail-after', '0'],
      ['--rate-limit', '4MB'],
      ['--rate-limit', '4MB', '--metered'],
    ]);
    try {
      const out = path.join(s.dir, 'out');
      const r = await fetchSwarm(s.home, [`${peers[0].addr}:/data`, out, '--from', peers[1].addr, peers[2].addr]);
      expect(r.status, r.stderr).toBe(0);
      expect(sameTree(s.src, path.join(out, 'data'))).toBe(true);
      expect(perEdgeBytes(r)).toEqual([0, 1_600_000, 1_600_000]);
      expect(events(r.json, 'transfer.chunk-rejected').length).toBeGreaterThan(0);
    } finally {
      await stopAll(peers);
    }
  }, 90_000);

  it('fetches by content id from peers that hold the tree', async () => {
    const s = makeSwarm(2, 2, 500_000);
    const peers = await startPeers(s, [[], []]);
    try {
      const out1 = path.join(s.dir, 'out1');
      const first = await fetchSwarm(s.home, [`${peers[0].addr}:/data`, out1, '--from', peers[1].addr]);
      expect(first.status, first.stderr).toBe(0);
      const id = first.result.contentId as string;
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      const out2 = path.join(s.dir, 'out2');
      fs.rmSync(path.join(s.home, 'store'), { recursive: true, force: true });
      const r = await fetchSwarm(s.home, [id, out2, '--from', ...peers.map((p) => p.addr)]);
      expect(r.status, r.stderr).toBe(0);
      expect(sameTree(s.src, path.join(out2, 'data'))).toBe(true);
      expect(r.result.contentId).toBe(id);
      // Again into the same place: everything is already there, nothing moves.
      const again = await fetchSwarm(s.home, [id, out2, '--from', ...peers.map((p) => p.addr)]);
      expect(again.status, again.stderr).toBe(0);
      expect(again.result.fetchedChunks).toBe(0);
      expect(perEdgeBytes(again)).toEqual([0, 0]);
    } finally {
      await stopAll(peers);
    }
  }, 90_000);
});

function peersArgs(n: number, args: string[]): string[][] {
  return Array.from({ length: n }, () => [...args]);
}

describe('predictive pre-positioning', () => {
  it('moves predicted chunks only once the download is done, within the peer limit; a later download hits them', async () => {
    const s = makeSwarm(3, 3, 1_000_000);
    fs.rmSync(path.join(s.roots[2], 'data'), { recursive: true }); // peer 2 holds nothing but accepts up to 1 MB
    const peers = await startPeers(s, [
      ['--rate-limit', '2MB'],
      ['--rate-limit', '2MB'],
      ['--accept-preposition', '1MB'],
    ]);
    try {
      const run = async (n: number): Promise<Fetched> => {
        fs.rmSync(path.join(s.home, 'store'), { recursive: true, force: true });
        const r = await fetchSwarm(s.home, [
          `${peers[0].addr}:/data`,
          path.join(s.dir, `out${n}`),
          '--from',
          peers[1].addr,
          peers[2].addr,
        ]);
        expect(r.status, r.stderr).toBe(0);
        expect(sameTree(s.src, path.join(s.dir, `out${n}`, 'data'))).toBe(true);
        return r;
      };
      // First download: no history, no prediction, nothing moved.
      const first = await run(1);
      expect(events(first.json, 'swarm.preposition')).toEqual([]);
      expect((first.result.preposition as Json).confidence).toBe(0);
      // Second: the tree is fetched again, so it is predicted; peer 2 (an extra holder) gets chunks, after the pull.
      const second = await run(2);
      const pre = events(second.json, 'swarm.preposition');
      expect(pre.length).toBe(1);
      expect(pre[0].peer).toBe(peers[2].peerId);
      expect(pre[0].bytes as number).toBeGreaterThan(0);
      expect(pre[0].bytes as number).toBeLessThanOrEqual(1_000_000);
      expect(pre[0].confidence as number).toBeGreaterThanOrEqual(0.5);
      const lastEdges = second.json.map((e) => e.type).lastIndexOf('swarm.edges');
      expect(second.json.indexOf(pre[0])).toBeGreaterThan(lastEdges);
      expect(perEdgeBytes(second)[2]).toBe(0);
      // The listener stored them (verified), within its limit.
      const stored = listFiles(path.join(s.homes[2], 'store', 'chunks')).filter((f) => /[0-9a-f]{64}$/.test(f));
      expect(stored.length).toBe(pre[0].chunks);
      // Third: peer 2 now serves what was put there.
      const third = await run(3);
      expect(perEdgeBytes(third)[2]).toBeGreaterThan(0);
      expect(third.result.prepositionHitRate as number).toBeGreaterThan(0);
      expect(events(third.json, 'swarm.done')[0].prepositionHitRate).toBe(third.result.prepositionHitRate);
      const access = warp(['--json', 'swarm', 'access'], { home: s.home });
      expect(access.status, access.stderr).toBe(0);
      expect(events(access.json, 'swarm.access')[0].count).toBe(3);
      expect((access.json.at(-1)!.prepositioned as Json[]).map((p) => p.peer)).toEqual([peers[2].peerId]);
    } finally {
      await stopAll(peers);
    }
  }, 120_000);
});
