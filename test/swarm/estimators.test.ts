import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BandwidthEma, HealthScore, RttEstimator } from '../../src/engine/swarm/estimators.ts';
import { DriftDetector } from '../../src/engine/swarm/drift.ts';
import { EdgeEmulator, parseEmulation } from '../../src/engine/swarm/emulate.ts';
import { TokenBucket } from '../../src/engine/swarm/token-bucket.ts';
import { parsePeerRules } from '../../src/engine/swarm/peer-rules.ts';
import { readPowerSupplyState } from '../../src/engine/core/power-supply.ts';
import { currentPower } from '../../src/engine/swarm/peer-power.ts';
import { EdgeRegistry } from '../../src/engine/swarm/registry.ts';
import { evaluateConstraints } from '../../src/engine/sched/index.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe('bandwidth EMA', () => {
  it('samples only busy time and smooths towards the new rate', () => {
    const b = new BandwidthEma(0.5);
    b.tick(0, true);
    b.add(1_000_000);
    expect(b.tick(100, true)).toBeUndefined(); // window not full yet
    b.add(1_500_000);
    expect(b.tick(250, true)).toBeCloseTo(10_000_000); // 2.5 MB over 250 ms busy
    expect(b.value).toBeCloseTo(10_000_000);
    // Idle time does not dilute the rate: 1 MB over 100 ms busy + 1 s idle + 150 ms busy.
    b.add(1_000_000);
    b.tick(350, false);
    b.tick(1350, true);
    expect(b.tick(1500, true)).toBeCloseTo(4_000_000);
    expect(b.value).toBeCloseTo(7_000_000);
    expect(b.samples).toBe(2);
  });

  it('a seed is used until the first sample replaces it', () => {
    const b = new BandwidthEma(0.3);
    b.seed(5e6);
    expect(b.value).toBe(5e6);
    b.update(1e6);
    expect(b.value).toBe(1e6);
  });
});

describe('RTT (RFC 6298)', () => {
  it('first sample sets SRTT = R and RTTVAR = R/2; later ones use alpha 1/8 and beta 1/4', () => {
    const r = new RttEstimator();
    expect(r.rtoMs).toBe(1000);
    r.sample(100);
    expect(r.srttMs).toBe(100);
    expect(r.rttVarMs).toBe(50);
    r.sample(200);
    expect(r.rttVarMs).toBeCloseTo(0.75 * 50 + 0.25 * 100);
    expect(r.srttMs).toBeCloseTo(0.875 * 100 + 0.125 * 200);
    expect(r.rtoMs).toBeCloseTo(r.srttMs! + 4 * r.rttVarMs);
    const tiny = new RttEstimator();
    tiny.sample(1);
    expect(tiny.rtoMs).toBe(RttEstimator.MIN_RTO_MS);
  });
});

describe('health score', () => {
  it('falls with failures, downtime and slow responses; a down peer scores 0', () => {
    const h = new HealthScore(0.2);
    h.setUp(true, 0);
    const fresh = h.score(1000, 1);
    expect(fresh).toBeGreaterThan(0.95);
    for (let i = 0; i < 10; i++) h.failure();
    expect(h.score(1000, 1)).toBeLessThan(fresh - 0.3);
    for (let i = 0; i < 40; i++) h.success();
    expect(h.score(1000, 500)).toBeLessThan(h.score(1000, 5));
    h.setUp(false, 2000);
    expect(h.score(2500, 5)).toBe(0);
    h.setUp(true, 3000);
    expect(h.uptime(4000)).toBeCloseTo(3000 / 4000);
  });
});

describe('drift detector', () => {
  it('needs minSamples and a threshold; the sign says slower or faster', () => {
    const d = new DriftDetector({ alpha: 0.5, minSamples: 3, threshold: 0.3 });
    expect(d.sample(100, 100)!.drifting).toBe(false);
    expect(d.sample(100, 20)!.drifting).toBe(false); // 2 samples: not yet
    const r = d.sample(100, 20)!;
    expect(r.drift).toBeCloseTo(1 - (0.5 * 0.2 + 0.5 * (0.5 * 0.2 + 0.5 * 1)));
    expect(r.drifting).toBe(true);
    d.reset();
    expect(d.drifting).toBe(false);
    for (let i = 0; i < 3; i++) d.sample(100, 200);
    expect(d.value).toBeLessThan(-0.3);
    expect(d.drifting).toBe(true);
    const steady = new DriftDetector();
    for (let i = 0; i < 10; i++) steady.sample(100, 95 + (i % 2) * 10);
    expect(steady.drifting).toBe(false);
    expect(steady.sample(0, 10)).toBeUndefined();
  });
});

describe('edge emulation', () => {
  it('the token bucket paces bytes to the rate and can slow down', async () => {
    const b = new TokenBucket(2_000_000);
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) await b.take(64 * 1024);
    const secs = (performance.now() - t0) / 1000;
    // 640 KiB at 2 MB/s, minus the 100 KB burst: about 0.28 s; generous bounds for a loaded machine.
    expect(secs).toBeGreaterThan(0.2);
    expect(secs).toBeLessThan(3);
    b.setRate(200_000);
    const t1 = performance.now();
    await b.take(64 * 1024);
    await b.take(64 * 1024);
    expect(performance.now() - t1).toBeGreaterThan(250);
  });

  it('adds latency per request, fails after a byte count, dies on time', async () => {
    let died = false;
    const em = new EdgeEmulator({ latencyMs: 120, failAfterBytes: 100, dieAfterS: 0.05 }, () => {
      died = true;
    });
    const t0 = performance.now();
    await em.onRequest();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
    expect(await em.beforeSend(80)).toBe(true);
    expect(await em.beforeSend(80)).toBe(true); // 80 < 100 sent so far
    expect(await em.beforeSend(80)).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(died).toBe(true); // counted from the first chunk served
  });

  it('parses the listen options', () => {
    expect(
      parseEmulation({ rateLimit: '25MB', latency: '20', failAfter: '1MiB', slowAfter: '2.5:500KB', dieAfter: '3' }),
    ).toEqual({
      rateLimit: 25e6,
      latencyMs: 20,
      failAfterBytes: 1048576,
      slowAfter: { afterS: 2.5, rate: 500e3 },
      dieAfterS: 3,
    });
    expect(() => parseEmulation({ slowAfter: '500KB' })).toThrow(/seconds>:<rate/);
    expect(() => parseEmulation({ rateLimit: '0' })).toThrow(/more than 0/);
  });
});

describe('per-peer rules', () => {
  it('become scheduler constraints: a required window excludes outside it, a spent budget excludes', () => {
    const r = parsePeerRules([
      'peerA window=required@09:00-17:00 days=1-5 limit=10GB used=4GB',
      'peerB budget=5 price=1 used=6GB min-battery=30 plugged-in',
    ]);
    const a = r.constraints.peerA;
    expect(a.windows).toEqual([{ kind: 'required', start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] }]);
    expect(a.monthlyDataLimitBytes).toBe(10e9);
    expect(r.used).toEqual({ peerA: 4e9, peerB: 6e9 });
    const monday10 = Date.UTC(2026, 10, 23, 10, 0);
    const monday20 = Date.UTC(2026, 10, 23, 20, 0);
    expect(evaluateConstraints(a, { bytesThisMonth: 4e9 }, monday10).excluded).toBe(false);
    expect(evaluateConstraints(a, { bytesThisMonth: 4e9 }, monday20).excluded).toBe(true);
    expect(evaluateConstraints(r.constraints.peerB, { bytesThisMonth: 6e9 }, monday10).reasons).toContain(
      'monthly budget spent',
    );
    expect(() => parsePeerRules(['peerC window=sometimes@01:00-02:00'])).toThrow(/window takes/);
    expect(() => parsePeerRules(['peerC speed=9'])).toThrow(/unknown key/);
  });
});

describe('power state', () => {
  it('reads a battery and a mains adapter from a power_supply tree; overrides win', () => {
    const dir = tmpDir('warp-power-');
    const put = (n: string, files: Record<string, string>): void => {
      fs.mkdirSync(path.join(dir, n), { recursive: true });
      for (const [k, v] of Object.entries(files)) fs.writeFileSync(path.join(dir, n, k), `${v}\n`);
    };
    expect(readPowerSupplyState(path.join(dir, 'none'))).toBeUndefined();
    expect(currentPower({ supplyDir: path.join(dir, 'none') })).toMatchObject({ pluggedIn: true, batteryLow: false });
    put('BAT0', { type: 'Battery', capacity: '15', status: 'Discharging' });
    put('AC', { type: 'Mains', online: '0' });
    expect(readPowerSupplyState(dir)).toEqual({ batteryPercent: 15, pluggedIn: false, onBattery: true });
    expect(currentPower({ supplyDir: dir })).toMatchObject({ batteryLow: true, metered: false });
    put('AC', { type: 'Mains', online: '1' });
    expect(currentPower({ supplyDir: dir }).batteryLow).toBe(false);
    expect(currentPower({ battery: 10, metered: true })).toEqual({
      metered: true,
      batteryPercent: 10,
      pluggedIn: false,
      batteryLow: true,
    });
    expect(currentPower({ battery: 'ac' }).batteryLow).toBe(false);
  });
});

describe('edge registry', () => {
  it('persists peers with their estimates in WARP_HOME/swarm/edges.json', () => {
    const home = tmpDir('warp-reg-');
    const r = new EdgeRegistry(home);
    r.update('peerA', { address: 'peerA@127.0.0.1:1', state: 'online', bandwidth: 5e6, srttMs: 3, sessions: 1 });
    r.save();
    const again = new EdgeRegistry(home);
    expect(again.get('peerA')).toMatchObject({ state: 'online', bandwidth: 5e6, srttMs: 3, sessions: 1 });
    fs.writeFileSync(again.file, '{ torn');
    expect(new EdgeRegistry(home).list()).toEqual([]);
  });
});
