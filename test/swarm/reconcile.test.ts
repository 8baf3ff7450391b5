import { describe, expect, it } from 'vitest';
import { ReoptEvaluator } from '../../src/engine/swarm/evaluator.ts';
import { TriggerGenerator, type EdgeObservation, type Observation } from '../../src/engine/swarm/triggers.ts';

const edge = (e: number, over: Partial<EdgeObservation> = {}): EdgeObservation => ({
  edge: e,
  state: 'online',
  eligible: true,
  drifting: false,
  drift: 0,
  drainSeconds: 1,
  estimate: 1e6,
  planned: 1e6,
  ...over,
});
const obs = (now: number, edges: EdgeObservation[], over: Partial<Observation> = {}): Observation => ({
  now,
  edges,
  drifting: false,
  drift: 0,
  plannedAt: 0,
  ...over,
});
const kinds = (t: { kind: string; edge: number }[]): string[] => t.map((x) => `${x.kind}:${x.edge}`);

describe('trigger generator', () => {
  it('the first observation is the baseline; later changes fire once each', () => {
    const g = new TriggerGenerator();
    expect(g.observe(obs(0, [edge(0), edge(1)]))).toEqual([]);
    expect(kinds(g.observe(obs(100, [edge(0, { state: 'degraded' }), edge(1)])))).toEqual(['edge-degraded:0']);
    expect(g.observe(obs(200, [edge(0, { state: 'degraded' }), edge(1)]))).toEqual([]); // still degraded: no repeat
    expect(kinds(g.observe(obs(300, [edge(0), edge(1, { state: 'offline' })])))).toEqual([
      'edge-recovered:0',
      'edge-left:1',
    ]);
    expect(kinds(g.observe(obs(400, [edge(0), edge(1), edge(2)])))).toEqual(['edge-joined:1', 'edge-joined:2']);
    expect(kinds(g.observe(obs(500, [edge(0, { eligible: false }), edge(1), edge(2)])))).toEqual(['window-closed:0']);
    expect(kinds(g.observe(obs(600, [edge(0), edge(1), edge(2)])))).toEqual(['window-opened:0']);
  });

  it('drift per edge and for the whole transfer, load imbalance, stale schedule', () => {
    const g = new TriggerGenerator({ imbalanceRatio: 3, imbalanceMinSeconds: 1, staleMs: 1000, staleChange: 0.25 });
    g.observe(obs(0, [edge(0), edge(1)]));
    const d = g.observe(obs(100, [edge(0, { drifting: true, drift: 0.6 }), edge(1)], { drifting: true, drift: 0.4 }));
    expect(kinds(d)).toEqual(['drift:0', 'drift:-1']);
    expect(d[0].drift).toBe(0.6);
    expect(kinds(g.observe(obs(200, [edge(0, { drainSeconds: 5 }), edge(1, { drainSeconds: 0.5 })])))).toEqual([
      'load-imbalance:0',
    ]);
    expect(g.observe(obs(300, [edge(0, { drainSeconds: 5 }), edge(1, { drainSeconds: 0.5 })]))).toEqual([]);
    // An estimate that moved by more than 25 % makes the schedule stale once staleMs has passed.
    expect(g.observe(obs(500, [edge(0, { estimate: 2e6 }), edge(1)]))).toEqual([]);
    expect(kinds(g.observe(obs(1200, [edge(0, { estimate: 2e6 }), edge(1)])))).toEqual(['schedule-stale:0']);
    expect(g.observe(obs(1300, [edge(0, { estimate: 2e6 }), edge(1)]))).toEqual([]);
    g.replanned();
    // A measured rate the schedule has never used is stale at once.
    expect(kinds(g.observe(obs(1350, [edge(0), edge(1, { planned: undefined })], { plannedAt: 1340 })))).toEqual([
      'schedule-stale:1',
    ]);
  });
});

describe('re-optimisation evaluator', () => {
  const t = (
    kind: string,
    e: number,
    drift?: number,
  ): { kind: never; edge: number; detail: string; drift?: number } => ({
    kind: kind as never,
    edge: e,
    detail: kind,
    drift,
  });

  it('slower edges: partial on those edges; joins, imbalance, faster edges: full; left / window closed: none', () => {
    const ev = new ReoptEvaluator({ partialCooldownMs: 1000, fullCooldownMs: 3000 });
    expect(ev.evaluate([], 0)).toBeUndefined();
    expect(ev.evaluate([t('drift', 2, 0.5), t('edge-degraded', 1)], 0)).toEqual({
      level: 'partial',
      reason: 'drift on edge 2, edge-degraded',
      edges: [1, 2],
    });
    expect(ev.evaluate([t('edge-left', 3)], 100)).toMatchObject({ level: 'none', reason: 'edge-left' });
    expect(ev.evaluate([t('load-imbalance', 0)], 200)).toMatchObject({ level: 'full', reason: 'load-imbalance' });
    expect(ev.evaluate([t('window-closed', 0)], 300)).toMatchObject({ level: 'none' });
  });

  it('cooldowns hold decisions back and decide them when they end', () => {
    const ev = new ReoptEvaluator({ partialCooldownMs: 1000, fullCooldownMs: 3000 });
    expect(ev.evaluate([t('schedule-stale', 0)], 0)!.level).toBe('full');
    expect(ev.evaluate([t('drift', 1, -0.5)], 500)).toMatchObject({ level: 'none', reason: 'cooldown (drift)' }); // faster: full, cooling
    expect(ev.evaluate([], 1000)).toBeUndefined(); // still cooling, already reported
    // A slower edge gets its partial decision now; the faster one's full decision waits for its cooldown.
    expect(ev.evaluate([t('drift', 2, 0.6)], 1200)).toEqual({
      level: 'partial',
      reason: 'drift on edge 2',
      edges: [2],
    });
    expect(ev.evaluate([], 3100)).toMatchObject({ level: 'full', reason: 'drift' });
    expect(ev.evaluate([], 3200)).toBeUndefined();
  });
});
