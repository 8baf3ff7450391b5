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
    // 50 bytes in ~0.1 s (a rate is taken over at least a second): tens of bytes a second, not the 900 skipped ones.
    expect(s1.rate).toBeGreaterThan(0);
    expect(s1.rate).toBeLessThanOrEqual(50);
    expect(s1.etaSeconds).toBeCloseTo(50 / s1.rate, 5);
  });

  it('a stall followed by a burst reads as the average over the window, not as a spike above the link', () => {
    const t = new ProgressTracker(10_000_000, 1, () => {}, 1e9);
    const base = performance.now();
    // 1 MB/s for a second, in 100 kB steps.
    for (let i = 1; i <= 10; i++) {
      t.add(100_000);
      t.snapshot(base + i * 100);
    }
    expect(t.snapshot(base + 1100).rate).toBeLessThan(1_100_000);
    // A 400 ms stall (a busy event loop), then what queued meanwhile lands at once.
    t.snapshot(base + 1500);
    t.add(400_000);
    const r = t.snapshot(base + 1550).rate;
    expect(r).toBeGreaterThan(700_000);
    expect(r).toBeLessThan(1_100_000);
  });
});
