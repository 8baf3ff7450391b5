import { describe, expect, it } from 'vitest';
import {
  applyPowerSignal,
  initialPowerState,
  isLowPower,
  powerEnvironment,
  powerFlags,
  samePowerState,
  swarmPowerOverrides,
  type PowerSignal,
} from '../../src/main/power-state.ts';
import { evaluateConstraints } from '../../src/engine/sched/constraints/evaluate.ts';

const fold = (signals: PowerSignal[], onBattery = false) =>
  signals.reduce(applyPowerSignal, initialPowerState(onBattery));

describe('power state', () => {
  it('tracks battery and AC', () => {
    expect(fold([{ type: 'on-battery' }]).onBattery).toBe(true);
    expect(fold([{ type: 'on-battery' }, { type: 'on-ac' }]).onBattery).toBe(false);
    expect(powerEnvironment(fold([{ type: 'on-battery' }]))).toEqual({ pluggedIn: false, lowPowerMode: false });
    expect(powerFlags(fold([], true))).toEqual({ onBattery: true, batteryLow: true, lowPower: false });
  });

  it('hot, throttled or suspending means low-power mode; cooling down or resuming clears it', () => {
    expect(isLowPower(fold([{ type: 'thermal', state: 'fair' }]))).toBe(false);
    expect(isLowPower(fold([{ type: 'thermal', state: 'serious' }]))).toBe(true);
    expect(
      isLowPower(
        fold([
          { type: 'thermal', state: 'critical' },
          { type: 'thermal', state: 'nominal' },
        ]),
      ),
    ).toBe(false);
    expect(isLowPower(fold([{ type: 'speed-limit', limit: 30 }]))).toBe(true);
    expect(
      isLowPower(
        fold([
          { type: 'speed-limit', limit: 30 },
          { type: 'speed-limit', limit: 100 },
        ]),
      ),
    ).toBe(false);
    expect(isLowPower(fold([{ type: 'suspend' }]))).toBe(true);
    expect(isLowPower(fold([{ type: 'suspend' }, { type: 'resume' }]))).toBe(false);
  });

  it('ignores malformed signals instead of inventing states', () => {
    expect(fold([{ type: 'thermal', state: 'melting' }]).thermal).toBe('unknown');
    expect(fold([{ type: 'speed-limit', limit: Number.NaN }]).speedLimit).toBe(100);
    expect(fold([{ type: 'speed-limit', limit: 250 }]).speedLimit).toBe(100);
    expect(initialPowerState(false, 'bogus').thermal).toBe('unknown');
  });

  it('feeds the scheduler constraints: pluggedInOnly excludes on battery, low power penalises or excludes', () => {
    const t = Date.UTC(2026, 0, 1);
    expect(evaluateConstraints({ pluggedInOnly: true }, powerEnvironment(fold([], false)), t).excluded).toBe(false);
    expect(evaluateConstraints({ pluggedInOnly: true }, powerEnvironment(fold([], true)), t).excluded).toBe(true);
    const hot = powerEnvironment(fold([{ type: 'thermal', state: 'serious' }]));
    expect(evaluateConstraints({}, hot, t).multiplier).toBeGreaterThan(1);
    expect(evaluateConstraints({ lowPowerMode: 'exclude' }, hot, t).excluded).toBe(true);
  });

  it('compares states by value', () => {
    expect(samePowerState(fold([{ type: 'on-battery' }]), fold([], true))).toBe(true);
    expect(samePowerState(fold([]), fold([{ type: 'thermal', state: 'serious' }]))).toBe(false);
  });

  it('as a swarm source: plugged in on AC; on battery the listener reads the percentage itself', () => {
    expect(swarmPowerOverrides(fold([], false))).toEqual({ battery: 'ac' });
    expect(swarmPowerOverrides(fold([{ type: 'on-battery' }]))).toEqual({});
  });
});
