import { describe, expect, it } from 'vitest';
import { AccessLog, predictRefetch } from '../../src/engine/swarm/predict.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { planPreposition } from '../../src/engine/swarm/preposition.ts';
import { SwarmEdge } from '../../src/engine/swarm/edge.ts';
import { ManifestBuilder, EntryType } from '../../src/engine/model/manifest.ts';
import { paramsForAverage } from '../../src/engine/codec/fastcdc.ts';

const H = 3600_000;
const D = 24 * H;

describe('access-pattern prediction', () => {
  it('repeat, time of day and sequential siblings give a confidence with a reason', () => {
    const now = Date.UTC(2026, 10, 24, 9, 30);
    expect(predictRefetch([{ contentId: 'a', at: now }], 'a', '/x', now).confidence).toBe(0);
    const twice = predictRefetch(
      [
        { contentId: 'a', at: now - 5 * H },
        { contentId: 'a', at: now },
      ],
      'a',
      undefined,
      now,
    );
    expect(twice).toEqual({ confidence: 0.5, reason: 'fetched 2 times' });
    const daily = [0, 1, 2, 3].map((d) => ({ contentId: 'a', at: now - d * D + 10 * 60_000 }));
    const p = predictRefetch(daily, 'a', undefined, now);
    expect(p.reason).toMatch(/around this time on 4 days|fetched 4 times/);
    expect(p.confidence).toBeGreaterThanOrEqual(0.75);
    const seq = ['/logs/day-5', '/logs/day-6', '/logs/day-7'].map((path, i) => ({
      contentId: `c${i}`,
      path,
      at: now - (3 - i) * H,
    }));
    const s = predictRefetch(seq, 'c2', '/logs/day-7', now);
    expect(s.reason).toMatch(/sequential/);
    expect(s.confidence).toBeCloseTo(2 / 3);
    // Hot chunks: most of a new tree's chunks were fetched by earlier downloads.
    expect(predictRefetch([{ contentId: 'n', at: now }], 'n', undefined, now, 0.8)).toEqual({
      confidence: 0.8,
      reason: 'hot chunks: 80 % fetched before',
    });
    expect(predictRefetch([{ contentId: 'n', at: now }], 'n', undefined, now, 0.3).confidence).toBe(0);
  });

  it('counts chunks per download, bounded, and says which share was seen before', () => {
    const log = new AccessLog(tmpDir('warp-access-'));
    expect(log.countChunks(['a', 'b', 'c', 'd'])).toBe(0);
    expect(log.countChunks(['a', 'b', 'x', 'y'])).toBe(0.5);
    expect(log.heat('a')).toBe(2);
    expect(log.heat('x')).toBe(1);
    expect(log.heat('zz')).toBe(0);
    log.add({ contentId: 'c', at: 1 });
    log.save();
    const again = new AccessLog(log.file.replace(/[\\/]swarm[\\/]access\.json$/, ''));
    expect(again.heat('a')).toBe(2);
    expect(again.records.length).toBe(1);
  });
});

describe('pre-position planning', () => {
  const manifest = (): ReturnType<ManifestBuilder['build']> => {
    const b = new ManifestBuilder(paramsForAverage(64 * 1024));
    const e = b.addEntry('f', EntryType.FILE, 0o644, 0, 4000);
    for (let i = 0; i < 4; i++) {
      const id = new Uint8Array(32);
      id[0] = i + 1;
      b.addRef(e, b.addChunk(id, 1000));
    }
    b.finishFile(e, 4000, new Uint8Array(32));
    return b.build();
  };
  const edge = (e: number, bw: number, holds: number): SwarmEdge => {
    const x = new SwarmEdge(e, `p${e}`);
    x.state = 'online';
    x.bw.update(bw);
    x.holds = Uint8Array.of(holds);
    return x;
  };

  it('only where the gain is real, and within the budgets', () => {
    const m = manifest();
    const holders = [edge(0, 10e6, 0b1111), edge(1, 10e6, 0b1111)];
    // A slow extra holder (10 % more bandwidth) gains less than 20 %: no move.
    expect(planPreposition(m, [...holders, edge(2, 2e6, 0)], new Map([[2, 1e9]]), 8e6, {})).toEqual([]);
    // A fast one: its missing chunks up to the smaller of its and our budget.
    const fast = edge(3, 20e6, 0b0001);
    const plans = planPreposition(m, [...holders, fast], new Map([[3, 2500]]), 8e6, { maxBytes: 1e9 });
    expect(plans.length).toBe(1);
    expect(plans[0].chunks).toEqual([1, 2]);
    expect(plans[0].bytes).toBe(2000);
    expect(plans[0].gain).toBeCloseTo(0.5);
    // With chunk heat, the hottest missing chunks go first.
    const hot = planPreposition(m, [...holders, edge(4, 20e6, 0b0001)], new Map([[4, 1000]]), 8e6, {}, (c) =>
      c === 3 ? 5 : 1,
    );
    expect(hot[0].chunks).toEqual([3]);
    // A peer that refuses (budget 0) gets nothing.
    expect(planPreposition(m, [...holders, fast], new Map(), 8e6, {})).toEqual([]);
  });
});
