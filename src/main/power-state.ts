/**
 * This machine's power situation as Electron's powerMonitor reports it, folded into one PowerState
 * (applyPowerSignal) and mapped to what the engine's constraints read (powerEnvironment: the scheduler's
 * EdgeEnvironment for the local edge; powerFlags: the battery-low flag a peer advertises and sync's "pause on
 * battery"). Pure, unit-tested in test/main/power-state.test.ts; power.ts wires the Electron events to it.
 *
 * Electron reports on-battery/AC everywhere, thermal state on macOS and the CPU speed limit on macOS and
 * Windows; it does not report a battery percentage, so batteryPercent stays unknown and constraints keyed on a
 * percentage (minBatteryPercent) do not fire for the local machine — pluggedInOnly and lowPowerMode do.
 */
import type { EdgeEnvironment } from '../engine/sched/constraints/evaluate.ts';

export type ThermalState = 'unknown' | 'nominal' | 'fair' | 'serious' | 'critical';

export interface PowerState {
  onBattery: boolean;
  thermal: ThermalState;
  /** The operating system's CPU speed limit, percent (100 = unthrottled). */
  speedLimit: number;
  /** The machine is going to sleep (set on suspend, cleared on resume): start nothing new. */
  suspended: boolean;
}

export type PowerSignal =
  | { type: 'on-battery' }
  | { type: 'on-ac' }
  | { type: 'thermal'; state: string }
  | { type: 'speed-limit'; limit: number }
  | { type: 'suspend' }
  | { type: 'resume' };

/** Below this CPU speed limit the OS is throttling hard enough that Warp should behave as in low-power mode. */
export const LOW_SPEED_LIMIT_PERCENT = 50;

const THERMAL: ReadonlySet<string> = new Set(['unknown', 'nominal', 'fair', 'serious', 'critical']);

export function initialPowerState(onBattery: boolean, thermal: string = 'unknown'): PowerState {
  return {
    onBattery,
    thermal: THERMAL.has(thermal) ? (thermal as ThermalState) : 'unknown',
    speedLimit: 100,
    suspended: false,
  };
}

export function applyPowerSignal(s: PowerState, signal: PowerSignal): PowerState {
  switch (signal.type) {
    case 'on-battery':
      return { ...s, onBattery: true };
    case 'on-ac':
      return { ...s, onBattery: false };
    case 'thermal':
      return { ...s, thermal: THERMAL.has(signal.state) ? (signal.state as ThermalState) : 'unknown' };
    case 'speed-limit':
      return { ...s, speedLimit: Number.isFinite(signal.limit) ? Math.max(0, Math.min(100, signal.limit)) : 100 };
    case 'suspend':
      return { ...s, suspended: true };
    case 'resume':
      return { ...s, suspended: false };
  }
}

/** The machine is hot or throttled: treat it as low-power mode (the scheduler's lowPowerMode constraint). */
export function isLowPower(s: PowerState): boolean {
  return s.thermal === 'serious' || s.thermal === 'critical' || s.speedLimit < LOW_SPEED_LIMIT_PERCENT || s.suspended;
}

/** The local edge's environment for the scheduler's constraints (src/engine/sched/constraints/evaluate.ts). */
export function powerEnvironment(s: PowerState): EdgeEnvironment {
  return { pluggedIn: !s.onBattery, lowPowerMode: isLowPower(s) };
}

/**
 * The flags this machine reports about itself: `batteryLow` is the scheduler's BATTERY_LOW edge flag as peers
 * should see this machine when it serves chunks (without a percentage, running on battery is the signal);
 * `onBattery` is what sync's "pause on battery" reads.
 */
export function powerFlags(s: PowerState): { onBattery: boolean; batteryLow: boolean; lowPower: boolean } {
  return { onBattery: s.onBattery, batteryLow: s.onBattery, lowPower: isLowPower(s) };
}

export function samePowerState(a: PowerState, b: PowerState): boolean {
  return (
    a.onBattery === b.onBattery &&
    a.thermal === b.thermal &&
    a.speedLimit === b.speedLimit &&
    a.suspended === b.suspended
  );
}

/**
 * What this machine reports about itself as a swarm source (the `power` overrides of the swarm listener,
 * src/engine/swarm/power.ts): on AC it is plugged in, whatever /sys says; on battery nothing is overridden, so
 * the listener reads the battery percentage from /sys on Linux (Electron has no percentage to offer).
 */
export function swarmPowerOverrides(s: PowerState): { battery?: 'ac' } {
  return s.onBattery ? {} : { battery: 'ac' };
}
