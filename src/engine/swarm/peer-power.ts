/**
 * The power and link state a peer reports in its swarm capabilities: metered link, battery level, plugged in.
 * On Linux the battery comes from /sys/class/power_supply (core/power-supply.ts) where present; a
 * listener can also declare (or, for tests, emulate) its state. The desktop app feeds Electron's power
 * monitor through the same shape later.
 */
import { readPowerSupplyState } from '../core/power-supply.ts';

export interface PeerPower {
  metered: boolean;
  /** 0..100, or undefined when the machine has no battery. */
  batteryPercent?: number;
  pluggedIn: boolean;
  /** Below the low-battery threshold and not plugged in. */
  batteryLow: boolean;
}

export const LOW_BATTERY_PERCENT = 20;

export interface PowerOverrides {
  metered?: boolean;
  /** Emulated battery percentage (tests), or 'ac'. */
  battery?: number | 'ac';
  supplyDir?: string;
}

export function currentPower(o: PowerOverrides = {}): PeerPower {
  const real =
    o.battery === undefined
      ? (readPowerSupplyState(o.supplyDir) ?? { pluggedIn: true })
      : o.battery === 'ac'
        ? { pluggedIn: true }
        : { batteryPercent: o.battery, pluggedIn: false };
  const batteryLow = !real.pluggedIn && real.batteryPercent !== undefined && real.batteryPercent < LOW_BATTERY_PERCENT;
  return { metered: o.metered ?? false, batteryPercent: real.batteryPercent, pluggedIn: real.pluggedIn, batteryLow };
}

/** The `power` object of a peer's `have` / `status` answer (untrusted input: anything odd means "no"). */
export function readPower(v: unknown): PeerPower {
  const p = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  return {
    metered: p.metered === true,
    batteryPercent: typeof p.batteryPercent === 'number' ? p.batteryPercent : undefined,
    pluggedIn: p.pluggedIn !== false,
    batteryLow: p.batteryLow === true,
  };
}
