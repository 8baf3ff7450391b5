import { describe, expect, it } from 'vitest';
import { evaluateConstraints } from '../../src/engine/sched/constraints/evaluate.ts';
import { inWindow, localTime } from '../../src/engine/sched/constraints/time-windows.ts';
import { isWarpError } from '../../src/engine/core/errors.ts';
import { validateConstraints } from '../../src/engine/sched/constraints/evaluate.ts';

// 2026-01-09 is a Friday.
const at = (d: number, h: number, m = 0) => Date.UTC(2026, 0, d, h, m);

describe('time windows', () => {
  it('handle windows across midnight: the morning part belongs to the previous day', () => {
    const w = { kind: 'off-peak' as const, start: '22:00', end: '06:00', days: [5] }; // starts Fridays
    expect(inWindow(w, localTime(at(9, 23)))).toBe(true); // Fri 23:00
    expect(inWindow(w, localTime(at(10, 5, 59)))).toBe(true); // Sat 05:59
    expect(inWindow(w, localTime(at(10, 6)))).toBe(false); // Sat 06:00
    expect(inWindow(w, localTime(at(9, 5)))).toBe(false); // Fri 05:00 belongs to Thursday's window
    expect(inWindow(w, localTime(at(10, 23)))).toBe(false); // Sat 23:00: not a start day
  });

  it('honour time zones', () => {
    const w = { kind: 'required' as const, start: '09:00', end: '17:00', timeZone: 'Asia/Tokyo' };
    expect(inWindow(w, localTime(at(9, 1), w.timeZone))).toBe(true); // 10:00 in Tokyo
    expect(inWindow(w, localTime(at(9, 12), w.timeZone))).toBe(false); // 21:00 in Tokyo
  });

  it('turn windows and limits into multipliers and exclusions', () => {
    const now = at(9, 12);
    expect(
      evaluateConstraints({ windows: [{ kind: 'required', start: '00:00', end: '06:00' }] }, {}, now).excluded,
    ).toBe(true);
    expect(
      evaluateConstraints({ windows: [{ kind: 'preferred', start: '11:00', end: '13:00' }] }, {}, now),
    ).toMatchObject({ excluded: false, multiplier: 0.8 });
    expect(
      evaluateConstraints({ windows: [{ kind: 'avoid', start: '11:00', end: '13:00', multiplier: 5 }] }, {}, now)
        .multiplier,
    ).toBe(5);
    expect(evaluateConstraints({ monthlyDataLimitBytes: 100 }, { bytesThisMonth: 100 }, now).excluded).toBe(true);
    expect(evaluateConstraints({ monthlyDataLimitBytes: 100 }, { bytesThisMonth: 85 }, now)).toMatchObject({
      excluded: false,
      multiplier: 2,
    });
    expect(evaluateConstraints({ monthlyBudget: 10, pricePerGB: 1 }, { bytesThisMonth: 11e9 }, now).excluded).toBe(
      true,
    );
    expect(evaluateConstraints({ minBatteryPercent: 20 }, { batteryPercent: 10, pluggedIn: false }, now).excluded).toBe(
      true,
    );
    expect(evaluateConstraints({ minBatteryPercent: 20 }, { batteryPercent: 10, pluggedIn: true }, now).excluded).toBe(
      false,
    );
    expect(evaluateConstraints({ pluggedInOnly: true }, { pluggedIn: false }, now).excluded).toBe(true);
    expect(evaluateConstraints({}, { lowPowerMode: true }, now).multiplier).toBe(2);
    expect(evaluateConstraints({ lowPowerMode: 'exclude' }, { lowPowerMode: true }, now).excluded).toBe(true);
  });

  it('rejects invalid rules with a usage error', () => {
    for (const bad of [
      { windows: [{ kind: 'required' as const, start: '25:00', end: '01:00' }] },
      { windows: [{ kind: 'avoid' as const, start: '01:00', end: '02:00', timeZone: 'Mars/Olympus' }] },
      { minBatteryPercent: 120 },
    ]) {
      let err: unknown;
      try {
        validateConstraints(bad);
      } catch (e) {
        err = e;
      }
      expect(isWarpError(err, 'E_USAGE')).toBe(true);
    }
  });
});
