/** Routing in plain language: failover bursts collapse into one line, each peer's "why", no "no change" noise. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { SwarmEdgeSnapshot } from '../../src/shared/events.ts';
import type { WarpEvent } from '../../src/shared/events.ts';
import { edgeWhy } from '../../src/renderer/routing-words.ts';
import { useResources } from '../../src/renderer/store/resources.ts';
import { useSwarm } from '../../src/renderer/store/swarm.ts';

const A = '12D3KooWAAAAAAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1111';
const B = '12D3KooWBBBBBBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2222';
const edge = (i: number, peer: string, over: Partial<SwarmEdgeSnapshot> = {}): SwarmEdgeSnapshot => ({
  edge: i,
  peer,
  address: '127.0.0.1:1',
  state: 'online',
  bandwidth: 1e6,
  srttMs: 1,
  rttVarMs: 0,
  health: 1,
  assigned: 3,
  inFlight: 1,
  completed: 0,
  bytes: 0,
  rate: 0,
  metered: false,
  batteryLow: false,
  eligible: true,
  cost: 0,
  ...over,
});

describe('routing words', () => {
  beforeEach(() => {
    useSwarm.setState({ sessions: {}, selected: undefined });
    useResources.setState({ peers: [{ id: B, name: 'box-B', addresses: [], addedAt: '', via: 'pair' }] });
  });

  it('collapses a burst of failovers into one line naming peers, and counts only real re-plans', () => {
    const s = 'sess';
    const events: WarpEvent[] = [
      { type: 'swarm.start', session: s, contentId: 'c', chunks: 100, bytes: 1000, edges: [edge(0, A), edge(1, B)] },
    ];
    for (let i = 0; i < 8; i++)
      events.push({
        type: 'swarm.failover',
        session: s,
        t: 1000 + i * 5,
        chunk: i,
        fromEdge: 0,
        toEdge: 1,
        reason: 'offline',
      });
    events.push({ type: 'swarm.reopt', session: s, t: 1100, level: 'none', reason: 'gain too small', moved: 0 });
    events.push({ type: 'swarm.reopt', session: s, t: 1200, level: 'partial', reason: 'edge-degraded', moved: 12 });
    useSwarm.getState().apply(events.slice(0, 4));
    useSwarm.getState().apply(events.slice(4));
    const sess = useSwarm.getState().sessions[s];
    const lines = sess.log.map((l) => l.text);
    expect(lines.filter((l) => l.includes('stopped answering'))).toEqual([
      'AAAAAA…1111 stopped answering: 8 chunks moved to box-B in 35 ms',
    ]);
    expect(lines.some((l) => /no change/.test(l))).toBe(false);
    expect(lines).toContain('re-planned part of the download: 12 chunks moved to faster peers');
    expect(sess.failovers).toBe(8);
    expect([sess.reopts, sess.reoptsSkipped]).toEqual([1, 1]);
    const off = edgeWhy({ ...sess.edges[0], state: 'offline' }, sess.incidents[0], false);
    expect(off).toMatch(/^went offline at \d\d:\d\d:\d\d: 8 chunks moved to box-B in 35 ms$/);
  });

  it('says why each peer is used as it is', () => {
    expect(edgeWhy(edge(0, A, { metered: true, assigned: 0, inFlight: 0 }), undefined, false)).toBe(
      'standby: metered, used only when no one else has a chunk',
    );
    expect(edgeWhy(edge(0, A, { metered: true }), undefined, false)).toBe('metered, but used: only it has some chunks');
    expect(edgeWhy(edge(0, A, { eligible: false }), undefined, false)).toMatch(/allowed hours or over its data budget/);
    expect(
      edgeWhy(edge(0, A, { state: 'degraded' }), { t: Date.UTC(2026, 0, 1, 13, 12, 8), kind: 'slow', text: '' }, false),
    ).toMatch(/^slowed down at \d\d:12:08/);
    expect(edgeWhy(edge(0, A), undefined, false)).toBe('serving at full speed');
    expect(edgeWhy(edge(0, A), { t: Date.UTC(2026, 0, 1, 9, 0, 1), kind: 'slow', text: '' }, false)).toMatch(
      /^slower than planned since \d\d:00:01/,
    );
  });
});
