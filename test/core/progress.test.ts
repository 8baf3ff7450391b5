/** ProgressTracker: skipped bytes (already there, resumed) advance the bar and never the rate or the ETA's speed. */
import { describe, expect, it } from 'vitest';
import { ProgressTracker } from '../../src/engine/core/progress.ts';

describe('ProgressTracker', () => {
  it('counts skipped bytes as done but not as speed', async () => {
    const t = new ProgressTracker(1000, 2, () => {}, 0);
    t.skip(900, 1);
    await new Promise((r) => setTimeout(r, 60));
    const s0 = t.snapshot();
    expect(s0.bytes).toBe(900);
    expect(s0.files).toBe(1);
    expect(s0.rate).toBe(0);
    expect(s0.etaSeconds).toBe(-1);
    t.add(50);
    await new Promise((r) => setTimeout(r, 100));
    const s1 = t.snapshot();
    // 50 bytes in ~0.1 s: the rate is hundreds of bytes a second, not the 900 skipped ones on top.
    expect(s1.rate).toBeGreaterThan(0);
    expect(s1.rate).toBeLessThan(50 / 0.09);
    expect(s1.etaSeconds).toBeCloseTo(50 / s1.rate, 5);
  });
});
